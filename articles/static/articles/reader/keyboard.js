/*
 * The reader from the keyboard: a caret in the article text, selections that are taken only when they
 * are finished, focus that follows the work, and the shortcuts dialog ("?").
 *
 * Caret mode. Browsers show no caret in read-only text, so this module draws one (.text-caret) while
 * the text has focus. Arrows move it (Ctrl or Alt: by word; Ctrl + Up/Down: by paragraph; Home/End:
 * line start/end; [ and ]: by sentence); Shift with any of them extends the selection; Enter takes it;
 * Escape clears it. A caret that is not on screen (the text was scrolled, or nothing was chosen yet)
 * starts at the reading position: the first character visible in the text pane below anything that
 * covers it (a sticky bar). The keys act only while the text itself has focus, so a screen reader's
 * own browse-mode keys are left alone; "?" (outside text fields) opens the shortcuts dialog.
 *
 * Finished selections. A pointer selection is taken on pointer up (unless a key moved it since), a
 * keyboard one when Shift is released and Enter pressed; "Add claim" is enabled only then.
 *
 * Focus. After a save, focus goes to the claim's card; after Escape or Cancel, back to where the form
 * was opened from (the selection in the text, or the card's button); after a delete, to the panel's
 * status (its Undo button).
 */
import * as TextNav from '../textnav.js';
import { debounce, el } from './dom.js';

const MOVES = {
  ArrowLeft: ['backward', 'character'],
  ArrowRight: ['forward', 'character'],
  ArrowUp: ['backward', 'line'],
  ArrowDown: ['forward', 'line'],
  Home: ['backward', 'lineboundary'],
  End: ['forward', 'lineboundary'],
};

function isTyping(target) {
  return Boolean(target && target.closest && target.closest('input, textarea, select, [contenteditable]'));
}

/*
 * root: the article text; store, panel, highlights, claimForm, linkForm: the reader's modules;
 * addButton: the panel's "Add claim" (absent for readers who may not add); take(): take the current
 * selection (main.js: a re-attach, else the "new claim" form).
 */
export function startKeyboard({ root, store, panel, highlights, claimForm, linkForm, addButton, take }) {
  const pane = root.closest('.reader-article');
  const caret = el('div', 'text-caret');
  caret.setAttribute('aria-hidden', 'true');
  caret.hidden = true;
  pane.appendChild(caret);
  const announcer = el('p', 'visually-hidden');
  announcer.id = 'selection-status';
  announcer.setAttribute('role', 'status');
  pane.appendChild(announcer);
  let sentences = null;
  let pointerDown = false;
  let shiftDown = false;
  let keyMoves = 0;

  function starts() {
    if (!sentences) { sentences = TextNav.sentenceStarts(highlights.body, root.lang); }
    return sentences;
  }

  /* ---------------------------------------------------------- where the text is visible */

  function scroller() {
    const style = getComputedStyle(pane);
    return /(auto|scroll)/.test(style.overflowY) && pane.scrollHeight > pane.clientHeight ? pane : null;
  }

  /* The visible band of the text pane, in viewport pixels, below whatever covers its top (a sticky bar). */
  function band() {
    const box = root.getBoundingClientRect();
    const own = scroller();
    const frame = own ? own.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    let top = Math.max(frame.top, 0);
    const bottom = Math.min(frame.bottom, window.innerHeight);
    const x = box.left + Math.min(box.width / 2, 40);
    // Step down past anything drawn over the text: the first point that is the pane itself.
    while (top < bottom) {
      const hit = document.elementFromPoint(x, top + 1);
      if (!hit || pane.contains(hit)) { break; }
      top += 4;
    }
    return { top: top, bottom: bottom };
  }

  /* The box of the character at a DOM position (or of the caret there), in viewport pixels. */
  function caretRect(node, offset) {
    const range = document.createRange();
    if (node.nodeType === Node.TEXT_NODE && offset < node.length && node.data[offset] !== '\n') {
      range.setStart(node, offset);
      range.setEnd(node, offset + 1);
      const rects = range.getClientRects();
      if (rects.length) { return rects[0]; }
    }
    range.setStart(node, offset);
    range.collapse(true);
    const rects = range.getClientRects();
    if (rects.length) { return rects[0]; }
    if (node.nodeType === Node.TEXT_NODE && offset > 0) {
      range.setStart(node, offset - 1);
      range.setEnd(node, offset);
      const before = range.getClientRects();
      if (before.length) {
        const last = before[before.length - 1];
        return { left: last.right, right: last.right, top: last.top, bottom: last.bottom, height: last.height };
      }
    }
    return null;
  }

  function onScreen(rect) {
    if (!rect) { return false; }
    const visible = band();
    return rect.top >= visible.top - 1 && rect.bottom <= visible.bottom + 1;
  }

  function caretFromPoint(x, y) {
    if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      return range ? [range.startContainer, range.startOffset] : null;
    }
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      return position ? [position.offsetNode, position.offset] : null;
    }
    return null;
  }

  /* The reading position: the first character fully visible in the pane, as a UTF-16 offset. */
  function readingOffset() {
    const visible = band();
    const box = root.getBoundingClientRect();
    const top = Math.max(visible.top, box.top);
    const bottom = Math.min(visible.bottom, box.bottom);
    const x = box.left + 1;
    for (let y = top + 1; y < bottom; y += 3) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || !root.contains(hit)) { continue; }
      const at = caretFromPoint(x, y);
      if (!at || !root.contains(at[0])) { continue; }
      let offset = highlights.offsetOf(at[0], at[1]);
      while (offset < highlights.body.length && /\s/.test(highlights.body[offset])) { offset += 1; }
      const position = highlights.positionAt(offset);
      const rect = caretRect(position[0], position[1]);
      if (rect && rect.top >= top - 1) { return offset; }
    }
    return 0;
  }

  /* ---------------------------------------------------------- the caret */

  function focusPoint() {
    const selection = window.getSelection();
    if (!selection || !selection.rangeCount || !root.contains(selection.focusNode)) { return null; }
    return [selection.focusNode, selection.focusOffset];
  }

  /* A caret on screen: keep the one there is, else put one at the reading position. */
  function ensureCaret() {
    const point = focusPoint();
    if (point && onScreen(caretRect(point[0], point[1]))) { return; }
    const position = highlights.positionAt(readingOffset());
    window.getSelection().collapse(position[0], position[1]);
  }

  /* Scroll just enough for the caret to be seen, then draw it. */
  function reveal() {
    const point = focusPoint();
    const rect = point && caretRect(point[0], point[1]);
    if (rect) {
      const visible = band();
      const margin = 24;
      let delta = 0;
      if (rect.top < visible.top + margin) { delta = rect.top - visible.top - margin; }
      if (rect.bottom > visible.bottom - margin) { delta = rect.bottom - visible.bottom + margin; }
      if (delta) { (scroller() || window).scrollBy(0, delta); }
    }
    paint();
  }

  function paint() {
    const point = document.activeElement === root ? focusPoint() : null;
    const rect = point && caretRect(point[0], point[1]);
    if (!rect) { caret.hidden = true; return; }
    const paneBox = pane.getBoundingClientRect();
    caret.style.left = (rect.left - paneBox.left + pane.scrollLeft - 1) + 'px';
    caret.style.top = (rect.top - paneBox.top + pane.scrollTop) + 'px';
    caret.style.height = rect.height + 'px';
    caret.hidden = false;
  }

  function offsetNow() {
    const point = focusPoint();
    return point ? highlights.offsetOf(point[0], point[1]) : 0;
  }

  /* Move or extend by a sentence: [ back to a sentence start, ] on to the next start (extending: its end). */
  function bySentence(forward, extend) {
    const offset = offsetNow();
    const body = highlights.body;
    let target;
    if (!forward) {
      target = TextNav.previousSentenceStart(starts(), offset);
    } else {
      target = extend ? TextNav.nextSentenceEnd(body, starts(), offset) : TextNav.nextSentenceStart(body, starts(), offset);
    }
    const position = highlights.positionAt(target);
    const selection = window.getSelection();
    if (extend) { selection.extend(position[0], position[1]); } else { selection.collapse(position[0], position[1]); }
  }

  function announce(text) {
    announcer.textContent = text;
  }

  function updateAddButton() {
    if (addButton) { addButton.disabled = pointerDown || shiftDown || !highlights.selection(); }
  }

  /* The claim under the caret, if any: Enter without a selection finds its card. */
  function claimAtCaret() {
    const point = focusPoint();
    const node = point && (point[0].nodeType === Node.TEXT_NODE ? point[0].parentElement : point[0]);
    const mark = node && node.closest('mark.hl');
    const ids = mark ? highlights.claimsAt(mark) : [];
    return ids.length ? ids[0] : null;
  }

  root.addEventListener('keydown', function (event) {
    if (event.target !== root || event.metaKey) { return; }
    const selection = window.getSelection();
    if (event.key === 'Enter') {
      event.preventDefault();
      if (event.shiftKey || shiftDown) { return; } // the key sequence is not finished yet
      if (highlights.selection()) { take(); return; }
      const id = claimAtCaret();
      if (id !== null) { store.select(id, { scrollCard: true }); focusCard(id); }
      return;
    }
    if (event.key === 'Escape' && focusPoint() && !selection.isCollapsed) {
      event.preventDefault();
      selection.collapseToEnd();
      updateAddButton();
      paint();
      return;
    }
    // Brackets by the character typed, whatever the layout (AltGr types them on many European keyboards).
    const altGraph = event.getModifierState && event.getModifierState('AltGraph');
    const sentence = ['[', ']', '{', '}'].includes(event.key) && (altGraph || (!event.ctrlKey && !event.altKey));
    const move = MOVES[event.key];
    if (!move && !sentence) { return; }
    event.preventDefault();
    keyMoves += 1;
    ensureCaret();
    const extend = event.shiftKey || event.key === '{' || event.key === '}';
    if (sentence) {
      bySentence(event.key === ']' || event.key === '}', extend);
    } else {
      let [direction, granularity] = move;
      const byWord = event.ctrlKey || event.altKey;
      if (byWord && granularity === 'character') { granularity = 'word'; }
      if (event.ctrlKey && granularity === 'line') { granularity = 'paragraph'; }
      selection.modify(extend ? 'extend' : 'move', direction, granularity);
    }
    updateAddButton();
    reveal();
  });

  root.addEventListener('focus', function () {
    if (!pointerDown) { ensureCaret(); }
    paint();
  });
  root.addEventListener('blur', function () { caret.hidden = true; });

  /* ---------------------------------------------------------- finished selections */

  document.addEventListener('keydown', function (event) {
    if (event.key === 'Shift') { shiftDown = true; updateAddButton(); }
  });
  document.addEventListener('keyup', function (event) {
    if (event.key !== 'Shift') { return; }
    shiftDown = false;
    updateAddButton();
    const span = document.activeElement === root ? highlights.selection() : null;
    if (span) {
      const words = highlights.quoteOf(span).split(/\s+/).filter(Boolean).length;
      announce(words + (words === 1 ? ' word' : ' words') + ' selected. Enter adds a claim.');
    }
  });
  window.addEventListener('blur', function () { shiftDown = false; pointerDown = false; updateAddButton(); });

  root.addEventListener('pointerdown', function (event) {
    if (event.pointerType === 'touch' || event.button !== 0) { return; }
    pointerDown = true;
    updateAddButton();
  });
  document.addEventListener('pointerup', function () {
    if (!pointerDown) { return; }
    pointerDown = false;
    const movesAtUp = keyMoves;
    // Let the browser finish the selection first; a key pressed since then owns the selection instead.
    setTimeout(function () {
      updateAddButton();
      paint();
      if (keyMoves !== movesAtUp || shiftDown) { return; }
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed && highlights.selection()) { take(); }
    }, 0);
  });
  document.addEventListener('pointercancel', function () { pointerDown = false; updateAddButton(); });
  document.addEventListener('selectionchange', debounce(function () { updateAddButton(); paint(); }, 60));

  if (addButton) {
    addButton.addEventListener('mousedown', function (event) { event.preventDefault(); });
    addButton.addEventListener('click', function () { if (highlights.selection()) { take(); } });
  }

  /* ---------------------------------------------------------- focus after saving, cancelling, deleting */

  function focusCard(id, selector) {
    const card = panel.card(id);
    if (!card) { return; }
    const target = selector ? card.querySelector(selector) : card;
    (target && !target.hidden ? target : card).focus();
  }

  function backToText(span) {
    root.focus({ preventScroll: true });
    highlights.selectSpan(span);
    updateAddButton();
    reveal();
  }

  claimForm.addEventListener('saved', function (event) { focusCard(event.detail.claim.id); });
  claimForm.addEventListener('cancel', function (event) {
    if (event.detail.span) { backToText(event.detail.span); }
    if (event.detail.claim) { focusCard(event.detail.claim.id, '.edit-button'); }
  });
  linkForm.addEventListener('saved', function (event) { focusCard(event.detail.claim.id); });
  linkForm.addEventListener('cancel', function (event) { focusCard(event.detail.claim.id, '.link-button'); });
  store.addEventListener('remove', function () {
    // The focused card (its Delete button) is gone: go to the status line's Undo, else the text.
    setTimeout(function () {
      if (document.activeElement && document.activeElement !== document.body) { return; }
      const undo = document.querySelector('#panel-status button');
      (undo || root).focus();
    }, 0);
  });

  /* ---------------------------------------------------------- the shortcuts dialog */

  const dialog = document.getElementById('shortcuts-dialog');
  const helpButton = document.getElementById('shortcuts-button');
  let opener = null;

  function openHelp() {
    if (!dialog || dialog.open) { return; }
    opener = document.activeElement;
    dialog.showModal();
  }

  if (dialog) {
    dialog.addEventListener('close', function () {
      const back = opener && document.contains(opener) && opener !== document.body ? opener : root;
      opener = null;
      back.focus();
    });
    if (helpButton) { helpButton.addEventListener('click', openHelp); }
    document.addEventListener('keydown', function (event) {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) { return; }
      if (dialog.open || document.querySelector('dialog[open]')) { return; }
      event.preventDefault();
      openHelp();
    });
  }
}
