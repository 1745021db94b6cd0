// Run with: node --test tests/js/   (also run by tests/js/test_js.py under pytest). An ES module, like
// textmath.js itself: package.json at the root says "type": "module".
import test from 'node:test';
import assert from 'node:assert/strict';
import * as TextMath from '../../articles/static/articles/textmath.js';

test('offsets are the identity in a text without astral characters', () => {
  const map = TextMath.offsetMap('café ñandú');
  assert.equal(map.toCodePoint(7), 7);
  assert.equal(map.toUtf16(7), 7);
  assert.equal(map.codePointLength, 10);
});

test('an emoji is one code point and two UTF-16 units', () => {
  const text = 'A 👮 said: no 🚓 came.';
  const map = TextMath.offsetMap(text);
  const saidUnits = text.indexOf('said');
  assert.equal(map.toCodePoint(saidUnits), Array.from(text.slice(0, saidUnits)).length);
  const cameUnits = text.indexOf('came');
  const cameCodePoints = Array.from(text.slice(0, cameUnits)).length;
  assert.equal(map.toCodePoint(cameUnits), cameCodePoints);
  assert.equal(map.toUtf16(cameCodePoints), cameUnits);
  assert.equal(map.codePointLength, Array.from(text).length);
});

test('every offset round-trips through code points', () => {
  const text = '🙂x\u{1F600}\u{1F600}é\u0301 שלום 𝒜b';
  const map = TextMath.offsetMap(text);
  for (let point = 0; point <= Array.from(text).length; point++) {
    assert.equal(map.toCodePoint(map.toUtf16(point)), point);
  }
});

test('an offset inside a surrogate pair counts as after the character', () => {
  const map = TextMath.offsetMap('a😀b');
  assert.equal(map.toCodePoint(2), 2);
  assert.equal(map.toCodePoint(3), 2);
});

test('a selection is trimmed of white space and never splits a character', () => {
  const text = '  he said 😀 ok ';
  assert.deepEqual(TextMath.tidySelection(text, 0, text.length), { start: 2, end: text.length - 1 });
  const emoji = text.indexOf('😀');
  assert.deepEqual(TextMath.tidySelection(text, emoji + 1, emoji + 2), { start: emoji, end: emoji + 2 });
  assert.equal(TextMath.tidySelection(text, 0, 2), null);
});

test('a selection keeps the combining accent after its last letter', () => {
  const text = 'the cafe\u0301 closed';
  const end = text.indexOf('e\u0301') + 1;
  assert.deepEqual(TextMath.tidySelection(text, 4, end), { start: 4, end: end + 1 });
});

test('segments cut text at every boundary, innermost claim first', () => {
  const spans = [{ id: 1, start: 2, end: 10 }, { id: 2, start: 4, end: 6 }, { id: 3, start: 8, end: 14 }];
  const parts = TextMath.segments(16, spans).map((s) => [s.start, s.end, s.ids]);
  assert.deepEqual(parts, [
    [0, 2, []], [2, 4, [1]], [4, 6, [2, 1]], [6, 8, [1]], [8, 10, [3, 1]], [10, 14, [3]], [14, 16, []],
  ]);
});

test('segments skip empty spans and clip spans to the text', () => {
  const parts = TextMath.segments(5, [{ id: 1, start: 3, end: 3 }, { id: 2, start: 3, end: 99 }]);
  assert.deepEqual(parts.map((s) => [s.start, s.end, s.ids]), [[0, 3, []], [3, 5, [2]]]);
});

test('identical spans both stay in the segment', () => {
  const parts = TextMath.segments(4, [{ id: 7, start: 0, end: 4 }, { id: 5, start: 0, end: 4 }]);
  assert.deepEqual(parts.map((s) => s.ids), [[5, 7]]);
});

test('lines end after each newline and at the end of the text, and spell it again', () => {
  const text = 'First line.\n\nSecond 👮 line\nlast';
  const ends = TextMath.lineEnds(text);
  assert.deepEqual(ends, [12, 13, text.indexOf('last'), text.length]);
  const lines = ends.map((end, index) => text.slice(index ? ends[index - 1] : 0, end));
  assert.deepEqual(lines, ['First line.\n', '\n', 'Second 👮 line\n', 'last']);
  assert.equal(lines.join(''), text);
  assert.deepEqual(TextMath.lineEnds('ends with one\n'), [14]);
  assert.deepEqual(TextMath.lineEnds(''), []);
});

test('claims sort in reading order with orphaned ones last', () => {
  const claims = [
    { id: 4, start: null, end: null }, { id: 3, start: 5, end: 9 }, { id: 2, start: 5, end: 7 }, { id: 1, start: 8, end: 9 },
  ];
  assert.deepEqual(claims.sort(TextMath.compareClaims).map((c) => c.id), [2, 3, 1, 4]);
});

test('tags are split on commas, trimmed and deduplicated', () => {
  assert.deepEqual(TextMath.parseTags(' Police, casualties ,, police '), ['Police', 'casualties']);
  assert.deepEqual(TextMath.parseTags(''), []);
});

test('truncate counts code points and adds an ellipsis', () => {
  assert.equal(TextMath.truncate('😀😀😀😀', 3), '😀😀…');
  assert.equal(TextMath.truncate('short', 10), 'short');
});
