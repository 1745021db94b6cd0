/*
 * Related claims on the claim cards: "Related (N)" lists the claims elsewhere on the desk that the machine
 * thinks say the same thing or may conflict (with its score and kind). A reviewer accepts one as a typed link
 * (choosing the relation) or dismisses it; nothing becomes a link without that click.
 *
 * One request for the article's suggestions when the reader opens; after a claim is saved, its suggestions
 * are computed by a job, so its card asks again until the job is done (a few tries, then it stops).
 * Hooks: the panel's "card" event (a card was drawn) and the store's "claim" event (a claim was saved).
 */
import * as api from './api.js';
import * as TextMath from '../textmath.js';
import { el } from './dom.js';

const URL = '/api/suggestions/related/';
const POLL_MS = 400;
const POLL_TRIES = 40;
const DEFAULT_RELATION = { likely_same: 'same_claim', may_conflict: 'contradicts', related: 'supports' };

export function startRelated({ store, panel, articleId, relations, mayLink }) {
  const byClaim = new Map();  // claim id -> [suggestion]

  function add(suggestion) {
    [suggestion.from_claim.id, suggestion.to_claim.id].forEach(function (id) {
      if (!store.has(id)) { return; }
      const list = (byClaim.get(id) || []).filter(function (other) { return other.id !== suggestion.id; });
      list.push(suggestion);
      list.sort(function (a, b) { return b.score - a.score; });
      byClaim.set(id, list);
    });
  }

  function forget(suggestion) {
    byClaim.forEach(function (list, id) {
      byClaim.set(id, list.filter(function (other) { return other.id !== suggestion.id; }));
    });
  }

  function draw(claimId) {
    const card = panel.byId.get(claimId);
    if (card) { render(card, claimId); }
  }

  function section(card) {
    let box = card.querySelector('.card-related');
    if (!box) {
      box = el('details', 'card-related');
      box.appendChild(el('summary', 'related-summary small'));
      box.appendChild(el('ul', 'related-list'));
      card.querySelector('.card-links').after(box);
    }
    return box;
  }

  function render(card, claimId) {
    const list = byClaim.get(claimId) || [];
    // Most cards have no suggestion: they get no section (a page of 1,000 cards is made faster without).
    if (list.length === 0 && !card.querySelector('.card-related')) { return; }
    const box = section(card);
    box.hidden = list.length === 0;
    box.querySelector('.related-summary').textContent = 'Related (' + list.length + ')';
    const items = box.querySelector('.related-list');
    items.replaceChildren();
    list.forEach(function (suggestion) { items.appendChild(item(suggestion, claimId)); });
  }

  function item(suggestion, claimId) {
    const other = suggestion.from_claim.id === claimId ? suggestion.to_claim : suggestion.from_claim;
    const row = el('li', 'related-item kind-' + suggestion.kind);
    row.dataset.suggestion = suggestion.id;
    row.appendChild(el('span', 'related-kind', suggestion.kind_label));
    row.appendChild(el('span', 'related-score muted small', 'score ' + suggestion.score.toFixed(2)));
    const anchor = el('a', 'other-quote', '“' + TextMath.truncate(other.quote, 120) + '”');
    anchor.href = other.reader_url;
    row.appendChild(anchor);
    const where = [other.speaker || 'Unattributed', other.source || 'no source', TextMath.truncate(other.article_title, 60)];
    row.appendChild(el('span', 'related-where muted small', where.join(' · ')));
    if (suggestion.reason) { row.appendChild(el('span', 'related-reason small', suggestion.reason)); }
    if (mayLink) { row.appendChild(actions(suggestion, claimId, other)); }
    return row;
  }

  function actions(suggestion, claimId, other) {
    const box = el('span', 'related-actions');
    const label = el('label', 'small', 'Link as ');
    const select = el('select', 'related-relation');
    select.setAttribute('aria-label', 'Relation to claim #' + other.id);
    relations.forEach(function (relation) {
      const option = el('option', null, relation.label);
      option.value = relation.value;
      select.appendChild(option);
    });
    select.value = DEFAULT_RELATION[suggestion.kind] || 'same_claim';
    label.appendChild(select);
    box.appendChild(label);
    const accept = el('button', 'button small related-accept', 'Accept');
    accept.type = 'button';
    accept.setAttribute('aria-label', 'Accept the suggestion of claim #' + other.id + ' as a link');
    const dismiss = el('button', 'button small related-dismiss', 'Dismiss');
    dismiss.type = 'button';
    dismiss.setAttribute('aria-label', 'Dismiss the suggestion of claim #' + other.id);
    box.appendChild(accept);
    box.appendChild(dismiss);
    accept.addEventListener('click', function () {
      accept.disabled = dismiss.disabled = true;
      const payload = { relation: select.value, claim: claimId };
      api.request('POST', URL + suggestion.id + '/accept/', payload).then(function (result) {
        if (!result.ok) {
          accept.disabled = dismiss.disabled = false;
          store.status(api.errorMessage(result));
          return;
        }
        forget(suggestion);
        store.links.push(result.data.link);
        store.emit('links');
        redrawBoth(suggestion);
        store.status('Linked: ' + result.data.link.relation_label + '.');
      });
    });
    dismiss.addEventListener('click', function () {
      accept.disabled = dismiss.disabled = true;
      api.request('POST', URL + suggestion.id + '/dismiss/').then(function (result) {
        if (!result.ok) {
          accept.disabled = dismiss.disabled = false;
          store.status(api.errorMessage(result));
          return;
        }
        forget(suggestion);
        redrawBoth(suggestion);
        store.status('Suggestion dismissed.');
      });
    });
    return box;
  }

  function redrawBoth(suggestion) {
    draw(suggestion.from_claim.id);
    draw(suggestion.to_claim.id);
  }

  /* Ask for one claim's suggestions until its job has run (or we give up). */
  function poll(claimId, tries) {
    api.get(URL, { claim: claimId }).then(function (result) {
      if (!result.ok) { return; }
      result.data.results.forEach(add);
      draw(claimId);
      const pending = result.data.pending.indexOf(claimId) !== -1;
      if (pending && tries > 1 && store.has(claimId)) {
        setTimeout(function () { poll(claimId, tries - 1); }, POLL_MS);
      }
    });
  }

  panel.addEventListener('card', function (event) { render(event.detail.card, event.detail.claim.id); });
  store.addEventListener('claim', function (event) {
    if (event.detail.created) { poll(event.detail.claim.id, POLL_TRIES); }
  });

  api.get(URL, { article: articleId }).then(function (result) {
    if (!result.ok) { return; }
    result.data.results.forEach(add);
    byClaim.forEach(function (list, id) { draw(id); });
  });
}
