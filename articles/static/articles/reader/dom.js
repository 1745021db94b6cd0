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
