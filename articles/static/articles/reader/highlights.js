/*
 * The article text: a <mark> per stretch covered by claims, and the reader's selection in it.
 *
 * Offsets from the server are Unicode code points; DOM ranges count UTF-16 units. This module is
 * the one place that converts between them (textmath.js does the maths), so the other modules hand
 * it UTF-16 spans from the selection and get code point spans back for the API (serverSpan).
 *
 * The hook for other modules: when the user finishes a selection (pointer up, or Enter after
 * Shift + arrows: keyboard.js), main.js calls offerSelection(), which dispatches a cancelable "textselect"
 * event here. A listener that takes the selection (re-attaching a claim) calls preventDefault();
 * otherwise the reader offers the "new claim" form.
 *
 * A second hook: `decorations`, a function another module may set that returns extra spans to mark
 * faintly where no claim is ({id, start, end, title}, code points): suggestions.js marks the sentences
 * the machine suggests with it (<mark class="sugg" data-suggestion="id" title="…">).
 *
 * Drawing is one pass over the text, building one fragment: each line (up to and with its "\n") becomes a
 * block (<div class="text-line">), and a mark crossing a line's end is cut in two. The text nodes, in order,
 * still spell the article exactly: offsets are counted over them alone. (content-visibility: auto on the
 * lines made the first frame cheaper, but lines taking their real heights as they came near the screen
 * moved the text under a caret placed just after a long scroll: not used.)
 */
import * as TextMath from '../textmath.js';

export class Highlights extends EventTarget {
  /* root: the element holding the text; body: the text; store: where the claims are (store.js). */
  constructor({ root, body, store }) {
    super();
    this.root = root;
    this.body = body;
    this.store = store;
    this.offsets = TextMath.offsetMap(body);
    this.lineEnds = TextMath.lineEnds(body);
    this.marksByClaim = new Map();
    this.drawn = false;
    this.pending = null; // UTF-16 span of the selection whose "new claim" form is open
    this.decorations = null; // () => [{id, start, end, title}]: faint marks (see the top of this file)
  }

  /* Redraw every claim, the pending selection, and the selected claim. */
  redraw() {
    // Rebuilding the marks replaces the text nodes, which would drop a selection the user is making
    // (suggestions and saves from elsewhere redraw at any time): keep it, anchor and focus alike.
    // Reading the selection makes the browser lay the page out first; before the first draw nothing
    // is laid out yet and, until the user has pressed a key or a button on the page, nothing is selected.
    const activation = navigator.userActivation;
    const maySelect = this.drawn || !activation || activation.hasBeenActive;
    const kept = maySelect ? this.selectionEnds() : null;
    this.draw(this.store.all(), this.pending);
    this.drawn = true;
    if (this.store.selectedId !== null) { this.setSelected(this.store.selectedId, null); }
    if (kept) {
      const [anchorNode, anchorOffset] = this.positionAt(kept.anchor);
      const [focusNode, focusOffset] = this.positionAt(kept.focus);
      window.getSelection().setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
    }
  }

  /* The selection's anchor and focus as UTF-16 offsets when both are inside the text, else null. */
  selectionEnds() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !selection.anchorNode || !selection.focusNode) { return null; }
    if (!this.root.contains(selection.anchorNode) || !this.root.contains(selection.focusNode)) { return null; }
    return {
      anchor: this.offsetOf(selection.anchorNode, selection.anchorOffset),
      focus: this.offsetOf(selection.focusNode, selection.focusOffset),
    };
  }

  /* Replace the text with a <mark> per segment covered by claims; `pending` is the selection being saved. */
  draw(claims, pending) {
    const offsets = this.offsets;
    const body = this.body;
    const spans = [];
    claims.forEach(function (claim) {
      if (claim.start === null || claim.start === undefined) { return; }
      spans.push({ id: claim.id, start: offsets.toUtf16(claim.start), end: offsets.toUtf16(claim.end) });
    });
    if (pending) { spans.push({ id: 'pending', start: pending.start, end: pending.end }); }
    const titles = new Map();
    (this.decorations ? this.decorations() : []).forEach(function (decoration) {
      const id = 'd:' + decoration.id;
      titles.set(id, decoration.title);
      spans.push({ id: id, start: offsets.toUtf16(decoration.start), end: offsets.toUtf16(decoration.end) });
    });
    const segments = TextMath.segments(body.length, spans);
    const marksByClaim = new Map();
    // One <mark> per segment, or per piece of it when it crosses a line's end: a model mark is made once
    // per segment and cloned for each piece.
    const model = function (segment) {
      if (segment.ids.length === 0) { return null; }
      const mark = document.createElement('mark');
      const decorated = segment.ids.filter(function (id) { return titles.has(id); });
      if (decorated.length === segment.ids.length) {
        // Only decorations here: a faint mark, its title saying why (not colour alone).
        mark.className = 'sugg';
        mark.setAttribute('data-suggestion', decorated[0].slice(2));
        mark.title = titles.get(decorated[0]);
        return { mark: mark, claimIds: [] };
      }
      const claimIds = segment.ids.filter(function (id) { return id !== 'pending' && !titles.has(id); });
      mark.className = 'hl depth-' + Math.min(claimIds.length, 3) + (claimIds.length < segment.ids.length ? ' hl-pending' : '');
      mark.setAttribute('data-claims', claimIds.join(' '));
      return { mark: mark, claimIds: claimIds };
    };
    const fragment = document.createDocumentFragment();
    let index = 0;
    let current = null; // {segment, model}: the model is reused while a segment runs over several lines
    let lineStart = 0;
    this.lineEnds.forEach(function (lineEnd) {
      const line = document.createElement('div');
      line.className = 'text-line';
      while (index < segments.length && segments[index].start < lineEnd) {
        const segment = segments[index];
        if (!current || current.segment !== segment) { current = { segment: segment, model: model(segment) }; }
        const text = body.slice(Math.max(segment.start, lineStart), Math.min(segment.end, lineEnd));
        if (current.model) {
          const mark = current.model.mark.cloneNode(false);
          mark.textContent = text;
          line.appendChild(mark);
          current.model.claimIds.forEach(function (id) {
            if (!marksByClaim.has(id)) { marksByClaim.set(id, []); }
            marksByClaim.get(id).push(mark);
          });
        } else {
          line.append(text);
        }
        if (segment.end > lineEnd) { break; }
        index += 1;
      }
      fragment.appendChild(line);
      lineStart = lineEnd;
    });
    this.root.replaceChildren(fragment);
    this.marksByClaim = marksByClaim;
  }

  claimsAt(mark) {
    return mark.dataset.claims ? mark.dataset.claims.split(' ').map(Number) : [];
  }

  setSelected(claimId, previousId) {
    (this.marksByClaim.get(previousId) || []).forEach(function (mark) { mark.classList.remove('is-selected'); });
    (this.marksByClaim.get(claimId) || []).forEach(function (mark) { mark.classList.add('is-selected'); });
  }

  scrollTo(claimId) {
    const marks = this.marksByClaim.get(claimId);
    if (marks && marks.length) { marks[0].scrollIntoView({ block: 'center', behavior: 'smooth' }); }
  }

  /* ---------------------------------------------------------- the selection */

  /* The current selection inside the text as tidy UTF-16 offsets {start, end}, or null. */
  selection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return null; }
    const range = selection.getRangeAt(0);
    const root = this.root;
    const inside = function (node) { return root.contains(node); };
    if (!inside(range.startContainer) && !inside(range.endContainer)) { return null; }
    const start = inside(range.startContainer) ? this.offsetOf(range.startContainer, range.startOffset) : 0;
    const end = inside(range.endContainer) ? this.offsetOf(range.endContainer, range.endOffset) : this.body.length;
    return TextMath.tidySelection(this.body, start, end);
  }

  /* UTF-16 offset in the text of a DOM position inside it. */
  offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(this.root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  /* The words of a UTF-16 span. */
  quoteOf(span) {
    return this.body.slice(span.start, span.end);
  }

  /* A UTF-16 span as the API wants it: code point offsets and the quote. */
  serverSpan(span) {
    return { start: this.offsets.toCodePoint(span.start), end: this.offsets.toCodePoint(span.end), quote: this.quoteOf(span) };
  }

  /* Where on screen the selection is, to place the form next to it. */
  selectionRect() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) { return null; }
    const rects = selection.getRangeAt(0).getClientRects();
    return rects.length ? rects[rects.length - 1] : selection.getRangeAt(0).getBoundingClientRect();
  }

  /* The user finished a selection: true when no listener took it (see the top of this file). */
  offerSelection() {
    return this.dispatchEvent(new CustomEvent('textselect', { cancelable: true, detail: { span: this.selection() } }));
  }

  /* The DOM position (text node, offset) of a UTF-16 offset in the text. */
  positionAt(offset) {
    const walker = document.createTreeWalker(this.root, NodeFilter.SHOW_TEXT);
    let node;
    let seen = 0;
    let last = null;
    while ((node = walker.nextNode())) {
      if (seen + node.length > offset) { return [node, offset - seen]; }
      seen += node.length;
      last = node;
    }
    return last ? [last, last.length] : [this.root, 0];
  }

  /* Make a UTF-16 span the document's selection again (after a form closes, or a tap cleared it). */
  selectSpan(span) {
    const selection = window.getSelection();
    const [startNode, startOffset] = this.positionAt(span.start);
    const [endNode, endOffset] = this.positionAt(span.end);
    selection.setBaseAndExtent(startNode, startOffset, endNode, endOffset);
  }
}
