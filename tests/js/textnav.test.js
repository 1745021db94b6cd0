// Sentence steps for the reader's keyboard (articles/static/articles/textnav.js). Run with: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import * as TextNav from '../../articles/static/articles/textnav.js';

const TEXT = 'Escuinapa, Sinaloa\n\nPolice left at 3 p.m. on Monday. The mayor called it a retreat!  "Fifty gunmen," he said.\n';

test('sentences start at their first word, paragraphs too', () => {
  const starts = TextNav.sentenceStarts(TEXT, 'en');
  const words = starts.map((start) => TEXT.slice(start, start + 6));
  assert.deepEqual(words, ['Escuin', 'Police', 'The ma', '"Fifty']);
});

test('next and previous sentence starts step over the text', () => {
  const starts = TextNav.sentenceStarts(TEXT, 'en');
  const the = TEXT.indexOf('The mayor');
  assert.equal(TextNav.nextSentenceStart(TEXT, starts, TEXT.indexOf('Monday')), the);
  assert.equal(TextNav.nextSentenceStart(TEXT, starts, TEXT.indexOf('"Fifty')), TEXT.length);
  assert.equal(TextNav.previousSentenceStart(starts, TEXT.indexOf('retreat')), the);
  assert.equal(TextNav.previousSentenceStart(starts, the), TEXT.indexOf('Police'));
  assert.equal(TextNav.previousSentenceStart(starts, 0), 0);
});

test('extending forward stops after each sentence, spaces left out', () => {
  const starts = TextNav.sentenceStarts(TEXT, 'en');
  const the = TEXT.indexOf('The mayor');
  const first = TextNav.nextSentenceEnd(TEXT, starts, the);
  assert.equal(TEXT.slice(the, first), 'The mayor called it a retreat!');
  const second = TextNav.nextSentenceEnd(TEXT, starts, first);
  assert.equal(TEXT.slice(the, second), 'The mayor called it a retreat!  "Fifty gunmen," he said.');
});
