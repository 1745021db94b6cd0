// The job page: poll the job's JSON (GET /api/jobs/<id>/) and redraw its state, progress bar and items
// until it finishes. Text goes in with textContent only, so file names and messages are never markup.
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root) return;
  var url = root.dataset.statusUrl;
  var INTERVAL = 1000;
  var MAX_INTERVAL = 15000;
  var delay = INTERVAL;

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }

  function resultCell(item) {
    var cell = document.createElement("td");
    cell.className = "item-result";
    if (item.state === "failed") {
      var error = document.createElement("span");
      error.className = "error";
      error.textContent = item.error;
      cell.appendChild(error);
    } else if (item.state === "done") {
      var target = cell;
      if (item.article_url) {
        target = document.createElement("a");
        target.href = item.article_url;
        cell.appendChild(target);
      }
      target.textContent = item.message;
    } else {
      var waiting = document.createElement("span");
      waiting.className = "muted";
      waiting.textContent = item.error ? "waiting: " + item.error : "waiting";
      cell.appendChild(waiting);
    }
    return cell;
  }

  function row(item) {
    var tr = document.createElement("tr");
    tr.className = "item-" + item.state;
    tr.dataset.position = item.position;
    var number = document.createElement("td");
    number.className = "num";
    number.textContent = item.position;
    var name = document.createElement("td");
    name.className = "item-name";
    name.textContent = item.name;
    tr.append(number, name, resultCell(item));
    return tr;
  }

  function draw(job) {
    var state = field("state");
    state.textContent = job.state_label;
    state.className = "job-state job-" + job.state;
    field("count").textContent = job.done + " of " + job.total;
    field("failed").textContent = job.failed;
    field("failed-note").hidden = !job.failed;
    var bar = document.getElementById("job-bar");
    bar.max = job.total;
    bar.value = job.done;
    bar.textContent = job.percent + "%";
    field("items").replaceChildren.apply(field("items"), job.items.map(row));
    root.dataset.finished = job.finished ? "true" : "false";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (job) {
        delay = INTERVAL;
        draw(job);
        if (!job.finished) window.setTimeout(poll, delay);
      })
      .catch(function () {
        // The server restarting or the network dropping: keep trying, less often.
        delay = Math.min(delay * 2, MAX_INTERVAL);
        window.setTimeout(poll, delay);
      });
  }

  if (root.dataset.finished !== "true") window.setTimeout(poll, INTERVAL);
})();
