/*
 * Text maths for the reader, free of the DOM so node can test it (tests/js/textmath.test.js).
 * A plain ES module: the reader's modules import it in the browser, node imports it in the tests.
 *
 * The server counts offsets in Unicode code points; the browser's strings and Ranges count UTF-16
 * code units. An astral character (most emoji) is one code point but two code units, so every
 * offset crossing the boundary is converted here, once per article, with a lookup table.
 */

function isHighSurrogate(code) { return code >= 0xd800 && code <= 0xdbff; }
function isLowSurrogate(code) { return code >= 0xdc00 && code <= 0xdfff; }

/* Count of values in the sorted array `sorted` that are less than `value` (binary search). */
function countBelow(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) { low = middle + 1; } else { high = middle; }
  }
  return low;
}

/*
 * Offset conversions for one text. Built in one pass; each conversion is then a binary search
 * over the astral characters only (none at all in most articles, which makes it the identity).
 */
export function offsetMap(text) {
  const astralUnits = [];   // UTF-16 index of each astral character
  const astralPoints = [];  // code point index of each astral character
  let points = 0;
  for (let unit = 0; unit < text.length; unit++) {
    if (isHighSurrogate(text.charCodeAt(unit)) && isLowSurrogate(text.charCodeAt(unit + 1))) {
      astralUnits.push(unit);
      astralPoints.push(points);
      unit++;
    }
    points++;
  }
  return {
    codePointLength: points,
    utf16Length: text.length,
    /* UTF-16 offset -> code point offset. An offset inside a surrogate pair counts as after it. */
    toCodePoint: function (unit) { return unit - countBelow(astralUnits, unit - 1); },
    /* Code point offset -> UTF-16 offset. */
    toUtf16: function (point) { return point + countBelow(astralPoints, point); },
  };
}

export function toCodePoint(text, unit) { return offsetMap(text).toCodePoint(unit); }
export function toUtf16(text, point) { return offsetMap(text).toUtf16(point); }

/* Move a UTF-16 offset out of the middle of a surrogate pair: forward for an end, back for a start. */
export function snapToCharacter(text, unit, forward) {
  if (unit > 0 && unit < text.length &&
      isLowSurrogate(text.charCodeAt(unit)) && isHighSurrogate(text.charCodeAt(unit - 1))) {
    return forward ? unit + 1 : unit - 1;
  }
  return unit;
}

const WHITESPACE = /\s/;
const COMBINING = /\p{M}/u;

/*
 * Tidy a selection [start, end) in UTF-16 units: drop surrounding white space, never split a
 * surrogate pair, and keep combining marks (accents) with the letter before them.
 * Returns null when nothing but white space is selected.
 */
export function tidySelection(text, start, end) {
  start = snapToCharacter(text, Math.max(0, Math.min(start, end)), false);
  end = snapToCharacter(text, Math.min(text.length, Math.max(start, end)), true);
  while (start < end && WHITESPACE.test(text[start])) { start++; }
  while (end > start && WHITESPACE.test(text[end - 1])) { end--; }
  while (end < text.length && COMBINING.test(text[end])) { end++; }
  while (start > 0 && start < end && COMBINING.test(text[start])) { start--; }
  return start < end ? { start: start, end: end } : null;
}

/*
 * Cut [0, length) at every span boundary. Returns consecutive segments {start, end, ids}, where ids
 * lists the spans covering the segment, innermost (shortest) first; uncovered text has ids = [].
 * Spans are {id, start, end} in the same unit as length; empty or out-of-range spans are skipped.
 */
export function segments(length, spans) {
  const events = [];
  const spanLength = new Map();
  spans.forEach(function (span) {
    const start = Math.max(0, span.start);
    const end = Math.min(length, span.end);
    if (!(start < end)) { return; }
    spanLength.set(span.id, end - start);
    events.push({ at: start, id: span.id, open: true });
    events.push({ at: end, id: span.id, open: false });
  });
  events.sort(function (a, b) { return a.at - b.at; });
  const byLength = function (a, b) { return spanLength.get(a) - spanLength.get(b) || (a < b ? -1 : a > b ? 1 : 0); };
  const active = new Set();
  const result = [];
  let position = 0;
  let index = 0;
  while (position < length) {
    while (index < events.length && events[index].at === position) {
      const event = events[index++];
      if (event.open) { active.add(event.id); } else { active.delete(event.id); }
    }
    const next = index < events.length ? Math.min(events[index].at, length) : length;
    result.push({ start: position, end: next, ids: Array.from(active).sort(byLength) });
    position = next;
  }
  return result;
}

/* UTF-16 offsets where the text's lines end: after each "\n", and at the end of the text (none for no text).
 * The reader draws a block per line (highlights.js). */
export function lineEnds(body) {
  const ends = [];
  let at = body.indexOf('\n');
  while (at !== -1) {
    ends.push(at + 1);
    at = body.indexOf('\n', at + 1);
  }
  if (body.length && ends[ends.length - 1] !== body.length) { ends.push(body.length); }
  return ends;
}

/* Claims in reading order: by start, then end, then id; claims without a position (orphaned) last. */
export function compareClaims(a, b) {
  const aMissing = a.start === null || a.start === undefined;
  const bMissing = b.start === null || b.start === undefined;
  if (aMissing !== bMissing) { return aMissing ? 1 : -1; }
  if (!aMissing && a.start !== b.start) { return a.start - b.start; }
  if (!aMissing && a.end !== b.end) { return a.end - b.end; }
  return a.id - b.id;
}

/* "Police, casualties ,, police" -> ["Police", "casualties"]: trimmed, no blanks, no repeats (any case). */
export function parseTags(text) {
  const seen = new Set();
  const tags = [];
  String(text || '').split(',').forEach(function (part) {
    const tag = part.trim();
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      tags.push(tag);
    }
  });
  return tags;
}

/* Shorten text to at most `limit` code points, ending in an ellipsis when cut. */
export function truncate(text, limit) {
  const points = Array.from(String(text || ''));
  return points.length <= limit ? points.join('') : points.slice(0, limit - 1).join('').trimEnd() + '…';
}
