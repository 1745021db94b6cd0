/*
 * On a touch screen the claim control follows the selection: an "Add claim" button just below the
 * selected words (on a phone the panel's own button is far below the text). It shows when the user
 * touched the text last, or the device's main pointer is coarse, and hides when the selection goes.
 * Tapping it takes the selection as it was shown, even if the tap cleared the browser's selection.
 */
import { debounce, el } from './dom.js';

/* root: the article text; highlights: highlights.js; take(): take the current selection (main.js). */
export function startTouchControl({ root, highlights, take }) {
  const pane = root.closest('.reader-article');
  const button = el('button', 'button primary small add-claim-float', 'Add claim');
  button.type = 'button';
  button.hidden = true;
  pane.appendChild(button);
  const coarse = window.matchMedia('(pointer: coarse)');
  let lastPointer = null;
  let shown = null; // the UTF-16 span the button was placed for

  function touchFirst() {
    return lastPointer === 'touch' || (lastPointer === null && coarse.matches);
  }

  function place() {
    const span = touchFirst() && !pane.querySelector('.popover') ? highlights.selection() : null;
    if (!span) {
      if (document.activeElement !== button) { button.hidden = true; shown = null; }
      return;
    }
    const rect = highlights.selectionRect();
    if (!rect) { return; }
    shown = span;
    button.hidden = false;
    const paneBox = pane.getBoundingClientRect();
    const left = Math.min(rect.left - paneBox.left, pane.clientWidth - button.offsetWidth - 8);
    button.style.left = Math.max(8, left) + 'px';
    button.style.top = (rect.bottom - paneBox.top + pane.scrollTop + 20) + 'px';
  }

  root.addEventListener('pointerdown', function (event) { lastPointer = event.pointerType; });
  document.addEventListener('selectionchange', debounce(place, 150));
  button.addEventListener('pointerdown', function (event) { event.preventDefault(); });
  button.addEventListener('mousedown', function (event) { event.preventDefault(); });
  button.addEventListener('click', function () {
    const span = shown;
    button.hidden = true;
    shown = null;
    if (!span) { return; }
    if (!highlights.selection()) { highlights.selectSpan(span); }
    take();
  });
}
