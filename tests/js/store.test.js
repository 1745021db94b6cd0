// The reader's store and API calls in node, with fetch and the CSRF input stubbed: what is sent, and
// which changes are announced in which order. Run with: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../articles/static/articles/reader/api.js';
import { ClaimStore } from '../../articles/static/articles/reader/store.js';

globalThis.document = { querySelector: () => ({ value: 'csrf-token' }) };

/* fetch answers the queued responses in order and records each request. */
function stubFetch(...answers) {
  const sent = [];
  globalThis.fetch = async (url, options) => {
    sent.push({ url, method: options.method, headers: options.headers, body: options.body && JSON.parse(options.body) });
    const answer = answers.shift();
    if (answer === 'offline') { throw new TypeError('Failed to fetch'); }
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  };
  return sent;
}

/* A store and the list of events it announces, as [type, detail]. */
function storeWithLog(claims) {
  const store = new ClaimStore({ claims: claims, links: [] });
  const log = [];
  ['claim', 'remove', 'deleted', 'restored', 'links', 'select', 'status'].forEach((type) => {
    store.addEventListener(type, (event) => log.push([type, event.detail]));
  });
  return { store, log };
}

const CLAIM = { id: 7, version: 3, quote: 'two bridges closed', start: 10, end: 28, speaker: null };

test('an update sends the version read and the CSRF token, then announces the new version', async () => {
  const sent = stubFetch({ status: 200, body: { ...CLAIM, version: 4, summary: 'new' } });
  const { store, log } = storeWithLog([CLAIM]);
  const result = await store.update(CLAIM, { summary: 'new' });
  assert.equal(result.ok, true);
  assert.deepEqual(sent, [{
    url: '/api/claims/7/', method: 'PATCH', body: { version: 3, summary: 'new' },
    headers: { 'Accept': 'application/json', 'X-CSRFToken': 'csrf-token', 'Content-Type': 'application/json' },
  }]);
  assert.deepEqual(log.map(([type]) => type), ['claim', 'status']);
  assert.equal(store.get(7).version, 4);
  assert.equal(log[1][1].text, 'Claim updated.');
});

test('a conflicting update takes the server\'s current version and reports the conflict to the caller', async () => {
  stubFetch({ status: 409, body: { detail: 'Changed meanwhile.', current_version: 5, current: { ...CLAIM, version: 5 } } });
  const { store, log } = storeWithLog([CLAIM]);
  const result = await store.update(CLAIM, { summary: 'mine' });
  assert.equal(result.status, 409);
  assert.equal(store.get(7).version, 5);
  assert.deepEqual(log.map(([type]) => type), ['claim']);
});

test('a saved new claim is announced as created, selected, and reported', async () => {
  stubFetch({ status: 201, body: CLAIM });
  const { store, log } = storeWithLog([]);
  await store.create({ article: 1, start: 10, end: 28, quote: CLAIM.quote });
  assert.deepEqual(log.map(([type]) => type), ['claim', 'select', 'status']);
  assert.equal(log[0][1].created, true);
  assert.deepEqual(log[1][1], { id: 7, previous: null, options: { scrollCard: true } });
});

test('a deleted claim leaves the store with an undo that restores it', async () => {
  const sent = stubFetch({ status: 204 }, { status: 200, body: CLAIM });
  const { store, log } = storeWithLog([CLAIM]);
  store.select(7);
  await store.destroy(CLAIM);
  assert.equal(store.has(7), false);
  assert.equal(store.selectedId, null);
  const status = log.at(-1)[1];
  assert.equal(status.text, 'Claim deleted.');
  status.action.run(); // the panel's Undo button; it does not hand back the request
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(store.has(7), true);
  assert.deepEqual(sent.map((request) => request.method + ' ' + request.url), ['DELETE /api/claims/7/', 'POST /api/claims/7/restore/']);
  assert.deepEqual(log.map(([type]) => type), [
    'select', 'remove', 'deleted', 'status', 'restored', 'claim', 'links', 'select', 'status',
  ]);
});

test('a failed delete keeps the claim and says why', async () => {
  stubFetch({ status: 403, body: { detail: 'You may not delete this claim.' } });
  const { store, log } = storeWithLog([CLAIM]);
  await store.destroy(CLAIM);
  assert.equal(store.has(7), true);
  assert.deepEqual(log, [['status', { text: 'You may not delete this claim.', action: undefined }]]);
});

test('error answers and network failures read as one sentence', async () => {
  stubFetch('offline');
  const offline = await api.request('GET', '/api/claims/');
  assert.deepEqual([offline.ok, offline.status], [false, 0]);
  assert.match(api.errorMessage(offline), /could not be reached/);
  assert.equal(api.errorMessage({ status: 400, data: { end: ['Must be after start.'], non_field_errors: ['Bad span.'] } }),
    'end: Must be after start. Bad span.');
  assert.equal(api.errorMessage({ status: 500, data: {} }), 'The server answered 500.');
});

test('GET leaves empty parameters out of the query', async () => {
  const sent = stubFetch({ status: 200, body: { results: [] } });
  await api.get('/api/claims/', { q: 'bridges', speaker_name: '', page_size: '20' });
  assert.equal(sent[0].url, '/api/claims/?q=bridges&page_size=20');
});
