/*
 * Small DOM helpers shared by the reader's modules. User text enters the DOM through textContent
 * only, never as HTML.
 */

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = text; }
  return node;
}

/* A fresh copy of the first element of a <template> in the page. */
export function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

export function debounce(fn, wait) {
  let timer = null;
  return function (...args) {
    clearTimeout(timer);
    timer = setTimeout(function () { fn(...args); }, wait);
  };
}

/* Run fn once the browser has painted the page as it is now: after the next frame. A hidden tab draws no
 * frames, so there it runs in the next task. */
export function afterPaint(fn) {
  if (document.visibilityState === 'hidden') { setTimeout(fn, 0); return; }
  requestAnimationFrame(function () { setTimeout(fn, 0); });
}

/* Run fn in a new task, soon: a message to ourselves (no timer clamping), so input that arrived in
 * between is handled first. */
export function nextTask(fn) {
  const channel = new MessageChannel();
  channel.port1.onmessage = function () { channel.port1.close(); fn(); };
  channel.port2.postMessage(null);
}
