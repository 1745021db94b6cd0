/*
 * The claim panel: a card per claim in text order (orphaned claims under their own heading), the
 * "Deleted in this session" list, the filter box, the claim count and the status line.
 *
 * The hook for other modules: after a card is created or refilled from a claim, the panel
 * dispatches a "card" event with {card, claim}, so a module can add its own controls to the card
 * (reanchor.js does) without the panel knowing about it.
 *
 * The first cards: build() makes the first screenful at once and the rest in short tasks, so a page of
 * 1,000 claims answers clicks and keys while its cards are still being made. Every card is a full card
 * (the same markup, focus order and labels); whatever needs one that is not made yet (a click on a
 * highlight, the filter, a saved claim) first makes the rest at once (complete()).
 */
import * as TextMath from '../textmath.js';
import { el, fromTemplate, nextTask } from './dom.js';

const TASK_MS = 12; // a task of card-making at most this long: input waits no longer than that

export class Panel extends EventTarget {
  /*
   * store: the claims (store.js); relations: [{value, label, inverse}]; mayLink: whether the user may
   * link claims; edit(claim, slot) and link(claim, slot): open the claim or link form in a card's slot.
   */
  constructor({ store, relations, mayLink, edit, link }) {
    super();
    this.store = store;
    this.relationLabels = new Map(relations.map(function (relation) { return [relation.value, relation]; }));
    this.mayLink = mayLink;
    this.edit = edit;
    this.link = link;
    this.byId = new Map();
    this.cardList = document.getElementById('claim-cards');
    this.orphanedSection = document.getElementById('orphaned-section');
    this.deletedSection = document.getElementById('deleted-section');
    this.statusBox = document.getElementById('panel-status');
    this.filterBox = document.getElementById('panel-filter');
    this.countBadge = document.getElementById('claim-count');
    const panel = this;
    this.filterBox.addEventListener('input', function () { panel.applyFilter(); });
    // The cards' clicks and keys are heard once for each list, not once a card (1,000 cards, 5,000 listeners).
    [this.cardList, this.orphanedSection.querySelector('ol')].forEach(function (list) {
      list.addEventListener('click', function (event) { panel.onCardClick(event); });
      list.addEventListener('keydown', function (event) { panel.onCardKey(event); });
    });
  }

  /* The live card an event happened in, or null (the lists hold nothing else, but be sure). */
  cardAt(event) {
    const card = event.target.closest('.claim-card');
    return card && this.byId.get(Number(card.dataset.claim)) === card ? card : null;
  }

  /* A click on a card selects its claim; on its Edit, Delete or Link… button, does that. */
  onCardClick(event) {
    const card = this.cardAt(event);
    if (!card) { return; }
    const claimId = Number(card.dataset.claim);
    const store = this.store;
    const action = event.target.closest('.card-actions button');
    if (action && card.contains(action)) {
      if (action.classList.contains('edit-button')) { this.edit(store.get(claimId), card.querySelector('.card-slot')); }
      if (action.classList.contains('delete-button')) { store.destroy(store.get(claimId)); }
      if (action.classList.contains('link-button')) { this.link(store.get(claimId), card.querySelector('.card-slot')); }
      return;
    }
    if (event.target.closest('a, button, form')) { return; }
    store.select(claimId, { scrollText: true });
  }

  /* Enter or Space on a focused card selects its claim. */
  onCardKey(event) {
    const card = this.cardAt(event);
    if (card && event.target === card && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      this.store.select(Number(card.dataset.claim), { scrollText: true });
    }
  }

  showStatus(text, action) {
    this.statusBox.replaceChildren(el('span', null, text));
    this.statusBox.classList.toggle('is-visible', Boolean(text));
    if (action) {
      const button = el('button', 'button small', action.label);
      button.type = 'button';
      button.addEventListener('click', action.run);
      this.statusBox.appendChild(button);
    }
  }

  /*
   * Make the cards of these claims, in text order: as many as fit on a screen now, the rest in tasks of
   * TASK_MS. Resolves when every card is made.
   */
  build(claims) {
    const panel = this;
    this.queue = claims.slice().sort(TextMath.compareClaims);
    this.made = 0;
    const screenful = Math.ceil(window.innerHeight / 60); // cards are 90 px high or more
    this.makeNext(function () { return panel.made < screenful; });
    return new Promise(function (resolve) {
      const step = function () {
        if (panel.queue) {
          const until = performance.now() + TASK_MS;
          panel.makeNext(function () { return performance.now() < until; });
        }
        if (panel.queue) { nextTask(step); } else { resolve(); }
      };
      nextTask(step);
    });
  }

  /* Make queued cards while more() says so, into their lists in one insertion each; the last one orders. */
  makeNext(more) {
    const queue = this.queue;
    const cards = document.createDocumentFragment();
    const orphans = document.createDocumentFragment();
    while (this.made < queue.length && more()) {
      const claim = queue[this.made];
      this.made += 1;
      (claim.start === null || claim.start === undefined ? orphans : cards).appendChild(this.create(claim));
    }
    this.cardList.appendChild(cards);
    this.orphanedSection.querySelector('ol').appendChild(orphans);
    if (this.made === queue.length) {
      this.queue = null;
      this.order();
    }
  }

  /* Make every card still queued, now. */
  complete() {
    if (this.queue) { this.makeNext(function () { return true; }); }
  }

  /* The claim's card (made now if it was still queued), or undefined. */
  card(claimId) {
    this.complete();
    return this.byId.get(claimId);
  }

  upsert(claim) {
    this.complete();
    return this.create(claim);
  }

  create(claim) {
    let card = this.byId.get(claim.id);
    if (!card) {
      card = fromTemplate('claim-card-template');
      card.id = 'card-' + claim.id;
      card.dataset.claim = claim.id;
      this.byId.set(claim.id, card);
    }
    this.fill(card, claim);
    this.dispatchEvent(new CustomEvent('card', { detail: { card: card, claim: claim } }));
    return card;
  }

  /* Put the claim's current text into its card, leaving an open form in the card's slot alone. */
  fill(card, claim) {
    const speaker = claim.speaker;
    card.querySelector('.speaker-name').textContent = speaker ? speaker.name : 'Unattributed';
    card.querySelector('.speaker-name').classList.toggle('muted', !speaker);
    card.querySelector('.speaker-role').textContent = speaker && speaker.description ? speaker.description : '';
    const badges = card.querySelector('.badges');
    badges.replaceChildren();
    if (claim.anchor_state === 'relocated') { badges.appendChild(el('span', 'anchor-state anchor-relocated', 'relocated — confirm')); }
    if (claim.anchor_state === 'orphaned') { badges.appendChild(el('span', 'anchor-state anchor-orphaned', 'orphaned')); }
    if (claim.verdict) {
      const verdict = el('a', 'verdict verdict-' + claim.verdict.rating, claim.verdict.rating_label);
      verdict.href = claim.verdict.url;
      verdict.title = claim.verdict.headline;
      badges.appendChild(verdict);
    }
    card.querySelector('.summary').textContent = claim.summary;
    card.querySelector('.summary').hidden = !claim.summary;
    card.querySelector('.quote').textContent = '“' + TextMath.truncate(claim.quote, 240) + '”';
    const tags = card.querySelector('.tags');
    tags.replaceChildren();
    claim.tags.forEach(function (tag) { tags.appendChild(el('span', 'tag', tag)); });
    tags.hidden = claim.tags.length === 0;
    this.fillStatus(card, claim);
    card.querySelector('.compare-link').href = claim.url;
    card.querySelector('.edit-button').hidden = !claim.can_edit;
    card.querySelector('.delete-button').hidden = !claim.can_edit;
    card.querySelector('.link-button').hidden = !this.mayLink;
    card.dataset.search = [claim.quote, claim.summary, speaker ? speaker.name : '', claim.tags.join(' ')].join(' ').toLowerCase();
    this.fillLinks(card, claim.id);
  }

  /* Where the claim stands on its way to a published verdict, and the user's next step on it (the server's
   * rule, queries.VerdictActions: Write verdict, Open verdict or nothing). */
  fillStatus(card, claim) {
    const status = claim.status || { code: 'none', label: 'No verdict', reason: '' };
    const label = card.querySelector('.claim-status');
    label.className = 'claim-status status-' + status.code;
    label.textContent = status.label;
    const reason = card.querySelector('.status-reason');
    reason.textContent = status.reason ? 'Editor\'s reason: ' + status.reason : '';
    reason.hidden = !status.reason;
    const action = card.querySelector('.verdict-action');
    action.hidden = !claim.verdict_action;
    if (claim.verdict_action) {
      action.textContent = claim.verdict_action.label;
      action.href = claim.verdict_action.url;
    } else {
      action.removeAttribute('href');
    }
  }

  fillLinks(card, claimId) {
    const store = this.store;
    const relationLabels = this.relationLabels;
    const mine = store.linksOf(claimId);
    card.querySelector('.link-count').textContent = mine.length === 1 ? '1 link' : mine.length + ' links';
    const list = card.querySelector('.card-links');
    list.replaceChildren();
    mine.forEach(function (link) {
      const outgoing = link.from_claim.id === claimId;
      const other = outgoing ? link.to_claim : link.from_claim;
      const relation = relationLabels.get(link.relation);
      const item = el('li', 'card-link relation-' + link.relation);
      item.appendChild(el('span', 'relation-label', outgoing ? relation.label : relation.inverse));
      const anchor = el('a', 'other-quote', '“' + TextMath.truncate(other.quote, 90) + '”');
      anchor.href = other.reader_url;
      item.appendChild(anchor);
      const where = [other.speaker || 'Unattributed', other.source || 'no source', TextMath.truncate(other.article_title, 60)];
      item.appendChild(el('span', 'link-where muted small', where.join(' · ')));
      if (link.note) { item.appendChild(el('span', 'link-note small', link.note)); }
      if (link.can_delete) {
        const unlink = el('button', 'unlink small', 'Unlink');
        unlink.type = 'button';
        unlink.setAttribute('aria-label', 'Unlink claim #' + other.id);
        unlink.addEventListener('click', function (event) { event.stopPropagation(); store.unlink(link); });
        item.appendChild(unlink);
      }
      list.appendChild(item);
    });
  }

  refreshLinks() {
    const panel = this;
    this.byId.forEach(function (card, id) { panel.fillLinks(card, id); });
  }

  /* Cards in text order; orphaned claims under their own heading. Only cards out of place move: an
   * ordered list (the usual case) is not touched, so it is not laid out again. */
  order() {
    if (this.queue) { this.complete(); return; } // making the last queued card orders them all
    const sorted = this.store.all().sort(TextMath.compareClaims);
    const orphanList = this.orphanedSection.querySelector('ol');
    const cardList = this.cardList;
    const byId = this.byId;
    const place = function (list, claims) {
      let cursor = list.firstElementChild;
      claims.forEach(function (claim) {
        const card = byId.get(claim.id);
        if (card === cursor) { cursor = cursor.nextElementSibling; } else { list.insertBefore(card, cursor); }
      });
    };
    const missing = function (claim) { return claim.start === null || claim.start === undefined; };
    place(cardList, sorted.filter(function (claim) { return !missing(claim); }));
    place(orphanList, sorted.filter(missing));
    this.orphanedSection.hidden = orphanList.children.length === 0;
    this.countBadge.textContent = String(this.store.size);
    cardList.classList.toggle('is-empty', cardList.children.length === 0);
    this.applyFilter();
  }

  remove(claimId) {
    this.complete();
    const card = this.byId.get(claimId);
    if (card) { card.remove(); this.byId.delete(claimId); }
    this.order();
  }

  addDeleted(claim) {
    const store = this.store;
    const item = el('li', 'claim-card deleted');
    item.dataset.claim = claim.id;
    item.appendChild(el('p', 'quote', '“' + TextMath.truncate(claim.quote, 120) + '”'));
    const undo = el('button', 'button small', 'Undo delete');
    undo.type = 'button';
    undo.addEventListener('click', function () { store.restore(claim); });
    item.appendChild(undo);
    this.deletedSection.querySelector('ol').appendChild(item);
    this.deletedSection.hidden = false;
  }

  removeDeleted(claimId) {
    const list = this.deletedSection.querySelector('ol');
    Array.from(list.children).forEach(function (item) { if (Number(item.dataset.claim) === claimId) { item.remove(); } });
    this.deletedSection.hidden = list.children.length === 0;
  }

  setSelected(claimId, previousId) {
    this.complete();
    const previous = this.byId.get(previousId);
    if (previous) { previous.classList.remove('is-selected'); previous.removeAttribute('aria-current'); }
    const card = this.byId.get(claimId);
    if (card) { card.classList.add('is-selected'); card.setAttribute('aria-current', 'true'); }
  }

  /* Bring a card into view; `center` (the page opening at a claim) jumps there: cards off screen have an
   * estimated height until first shown (content-visibility), and a smooth scroll across hundreds of them
   * would end short as they take their real heights on the way. */
  scrollTo(claimId, center) {
    const card = this.card(claimId);
    if (card) { card.scrollIntoView({ block: center ? 'center' : 'nearest', behavior: center ? 'auto' : 'smooth' }); }
  }

  applyFilter() {
    this.complete();
    const needle = this.filterBox.value.trim().toLowerCase();
    this.byId.forEach(function (card) { card.hidden = Boolean(needle) && card.dataset.search.indexOf(needle) === -1; });
  }
}
