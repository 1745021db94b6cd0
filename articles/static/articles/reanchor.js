/*
 * Re-anchoring in the reader: confirm a relocated claim, or re-attach an orphaned or relocated one to
 * the words it now refers to.
 *
 * After an article is revised, the server re-anchors its claims: a claim whose words changed a little is
 * "relocated" until someone confirms it, and one whose words are gone is "orphaned" (listed under its own
 * heading, with its old quote). This script adds to those cards:
 *   - "Confirm": POST /api/claims/<id>/confirm/ with the version read; the claim becomes anchored.
 *   - "Re-attach": a mode in which the next selection in the article text (mouse, or Shift + arrows and
 *     Enter) PATCHes /api/claims/<id>/ with start, end, quote and version, through Reader.reattach.
 * It builds on window.DeskReader (reader.js): Reader.add/replace are wrapped so every redrawn card gets
 * its buttons, and while re-attaching, a selection is taken here before reader.js would offer a new claim.
 * All user text enters the DOM as text, never as HTML.
 */
(function () {
  'use strict';

  const desk = window.DeskReader;
  if (!desk) { return; }
  const Reader = desk.Reader;
  const Highlights = desk.Highlights;
  const claims = desk.claims;
  const textRoot = document.getElementById('article-text');
  const statusBox = document.getElementById('panel-status');
  const csrfToken = document.querySelector('input[name=csrfmiddlewaretoken]').value;

  let reattaching = null; // the claim being re-attached, or null
  let banner = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function button(label, className, onClick) {
    const node = el('button', 'small ' + className, label);
    node.type = 'button';
    node.addEventListener('click', function (event) { event.stopPropagation(); onClick(); });
    return node;
  }

  function showStatus(text) {
    statusBox.replaceChildren(el('span', null, text));
    statusBox.classList.toggle('is-visible', Boolean(text));
  }

  /* One readable sentence from an error answer ({"detail": ...} or {"field": ["message"]}). */
  function errorText(status, body) {
    if (body && typeof body.detail === 'string') { return body.detail; }
    const parts = [];
    Object.keys(body || {}).forEach(function (field) {
      const value = body[field];
      parts.push((field === 'non_field_errors' ? '' : field + ': ') + (Array.isArray(value) ? value.join(' ') : String(value)));
    });
    return parts.join(' ') || 'The server answered ' + status + '.';
  }

  /* ------------------------------------------------------------ confirming */

  function confirmRelocation(claim) {
    const options = {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken },
      body: JSON.stringify({ version: claim.version }),
    };
    return fetch('/api/claims/' + claim.id + '/confirm/', options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          Reader.replace(body);
          showStatus('Relocation confirmed: the claim is anchored to these words.');
        } else {
          if (response.status === 409 && body.current) { Reader.replace(body.current); }
          showStatus(errorText(response.status, body));
        }
      });
    }, function () {
      showStatus('The server could not be reached. Check your connection and try again.');
    });
  }

  /* ------------------------------------------------------------ re-attaching */

  function startReattach(claim) {
    stopReattach();
    reattaching = claim;
    document.body.classList.add('is-reattaching');
    banner = el('div', 'reattach-banner');
    banner.setAttribute('role', 'status');
    banner.id = 'reattach-banner';
    const quote = claim.quote.length > 120 ? claim.quote.slice(0, 119) + '…' : claim.quote;
    banner.appendChild(el('p', null, 'Re-attaching “' + quote + '”. Select the words in the article that this claim now refers to.'));
    banner.appendChild(el('p', 'muted small', 'Drag with the mouse, or use Shift + arrows and press Enter. Escape cancels.'));
    const error = el('p', 'error small reattach-error');
    error.hidden = true;
    error.setAttribute('role', 'alert');
    banner.appendChild(error);
    banner.appendChild(button('Cancel', 'reattach-cancel', stopReattach));
    statusBox.insertAdjacentElement('afterend', banner);
    textRoot.focus({ preventScroll: true });
  }

  function stopReattach() {
    reattaching = null;
    document.body.classList.remove('is-reattaching');
    if (banner) { banner.remove(); banner = null; }
  }

  function finishReattach() {
    const span = Highlights.selection();
    if (!reattaching || !span) { return; }
    const claim = claims.get(reattaching.id) || reattaching;
    Reader.reattach(claim, span).then(function (result) {
      if (result.ok) {
        stopReattach();
        window.getSelection().removeAllRanges();
        showStatus('Claim re-attached to the selected words.');
        desk.select(claim.id, { scrollCard: true });
        return;
      }
      if (result.status === 409 && result.data.current) { reattaching = result.data.current; }
      const error = banner && banner.querySelector('.reattach-error');
      if (error) {
        error.textContent = errorText(result.status, result.data) + ' Select again or cancel.';
        error.hidden = false;
      }
    });
  }

  // While re-attaching, a selection in the text belongs to us: stop it in the capture phase, before
  // reader.js (listening on the text itself) would open the "new claim" form for it.
  document.addEventListener('mouseup', function (event) {
    if (!reattaching || !textRoot.contains(event.target)) { return; }
    event.stopPropagation();
    setTimeout(function () {
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed) { finishReattach(); }
    }, 0);
  }, true);

  document.addEventListener('keydown', function (event) {
    if (!reattaching) { return; }
    if (event.key === 'Escape') { event.stopPropagation(); stopReattach(); return; }
    if (event.key === 'Enter' && textRoot.contains(event.target) && Highlights.selection()) {
      event.preventDefault();
      event.stopPropagation();
      finishReattach();
    }
  }, true);

  /* ------------------------------------------------------------ the cards' buttons */

  function decorate(claim) {
    const card = document.getElementById('card-' + claim.id);
    if (!card) { return; }
    let row = card.querySelector('.reanchor-row');
    const needsPerson = claim.anchor_state === 'relocated' || claim.anchor_state === 'orphaned';
    if (!needsPerson || !claim.can_edit) {
      if (row) { row.remove(); }
      return;
    }
    if (!row) {
      row = el('div', 'reanchor-row');
      card.insertBefore(row, card.querySelector('.card-slot'));
    }
    row.replaceChildren();
    const relocated = claim.anchor_state === 'relocated';
    row.appendChild(el('span', 'muted small', relocated
      ? 'The article was revised and these words changed slightly. Is the highlight right?'
      : 'The article was revised and these words are gone. Attach the claim to the words it now refers to.'));
    const actions = el('span', 'reanchor-actions');
    if (relocated) {
      actions.appendChild(button('Confirm', 'primary confirm-button', function () { confirmRelocation(claims.get(claim.id) || claim); }));
    }
    actions.appendChild(button('Re-attach', 'reattach-button', function () { startReattach(claims.get(claim.id) || claim); }));
    row.appendChild(actions);
  }

  ['add', 'replace'].forEach(function (name) {
    const original = Reader[name];
    Reader[name] = function (claim) {
      const result = original.apply(this, arguments);
      decorate(claim);
      return result;
    };
  });

  claims.forEach(decorate);
  window.DeskReanchor = { start: startReattach, stop: stopReattach, confirm: confirmRelocation };
})();
