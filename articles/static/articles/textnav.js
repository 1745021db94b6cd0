/*
 * Sentence steps in a text, for the reader's keyboard (reader/keyboard.js). DOM-free, tested in node
 * (tests/js/textnav.test.js). Offsets are UTF-16 units, like DOM ranges.
 */

/* Offsets where a sentence starts (at its first non-space character), in order; Intl.Segmenter decides. */
export function sentenceStarts(text, locale) {
  const raw = [];
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    const segmenter = new Intl.Segmenter(locale || undefined, { granularity: 'sentence' });
    for (const part of segmenter.segment(text)) { raw.push(part.index); }
  } else {
    raw.push(0);
    const pattern = /[.!?…]+["'”’)\]]*\s+|\n+/g;
    let match;
    while ((match = pattern.exec(text))) { raw.push(match.index + match[0].length); }
  }
  const starts = [];
  raw.forEach(function (offset) {
    let at = offset;
    while (at < text.length && /\s/.test(text[at])) { at += 1; }
    if (at < text.length && starts[starts.length - 1] !== at) { starts.push(at); }
  });
  return starts;
}

/* The end of the sentence starting at starts[index]: before the next one's start, trailing spaces left out. */
function endOf(text, starts, index) {
  let end = index + 1 < starts.length ? starts[index + 1] : text.length;
  while (end > starts[index] && /\s/.test(text[end - 1])) { end -= 1; }
  return end;
}

/* Where the caret goes for "next sentence": the next sentence's start, or the text's end. */
export function nextSentenceStart(text, starts, offset) {
  for (const start of starts) { if (start > offset) { return start; } }
  return text.length;
}

/* Where the caret goes for "previous sentence": this sentence's start, or the one before if already there. */
export function previousSentenceStart(starts, offset) {
  let found = 0;
  for (const start of starts) { if (start < offset) { found = start; } else { break; } }
  return found;
}

/* Extending forward by a sentence: the end of the sentence the offset is in, or of the next one when at an end. */
export function nextSentenceEnd(text, starts, offset) {
  for (let index = 0; index < starts.length; index++) {
    const end = endOf(text, starts, index);
    if (end > offset) { return end; }
  }
  return text.length;
}
