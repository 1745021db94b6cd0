/*
 * Suggested claims: the sentences the check-worthiness model suggests (GET /api/suggestions/sentences/).
 *
 * They show as faint marks in the text (highlights.js "decorations"; the score and reasons in the title)
 * and, strongest first, in the panel's "Suggested" section. Clicking one, or Enter on a focused one,
 * opens the new-claim form with the sentence as its span; "Dismiss" tells the server (it stays
 * dismissed). A suggestion disappears once a claim covers it. Text enters the DOM as text only.
 */
import * as TextMath from '../textmath.js';
import * as api from './api.js';
import { el } from './dom.js';

const URL = '/api/suggestions/sentences/';

function describe(suggestion) {
  const reasons = suggestion.reasons.length ? ': ' + suggestion.reasons.join('; ') : '';
  return 'Suggested claim, score ' + suggestion.score.toFixed(2) + reasons;
}

export class Suggestions {
  /*
   * articleId; highlights, store: see highlights.js and store.js; mayAct: whether the user may add claims
   * (and so turn a suggestion into one, or dismiss it); openClaim(span): opens the new-claim form for a
   * UTF-16 span; status(text): a line in the panel's status box.
   */
  constructor({ articleId, highlights, store, mayAct, openClaim, status }) {
    this.articleId = articleId;
    this.highlights = highlights;
    this.store = store;
    this.mayAct = mayAct;
    this.openClaim = openClaim;
    this.status = status;
    this.items = [];
    this.section = document.getElementById('suggested-section');
    this.list = document.getElementById('suggested-list');
    this.count = document.getElementById('suggested-count');
    const self = this;
    highlights.decorations = function () {
      return self.visible().map(function (s) { return { id: s.id, start: s.start, end: s.end, title: describe(s) }; });
    };
    highlights.root.addEventListener('click', function (event) {
      const mark = event.target.closest('mark.sugg');
      const selection = window.getSelection();
      if (!mark || (selection && !selection.isCollapsed)) { return; }
      const suggestion = self.find(Number(mark.dataset.suggestion));
      if (suggestion) { self.open(suggestion); }
    });
  }

  load() {
    const self = this;
    return api.get(URL, { article: String(this.articleId) }).then(function (result) {
      if (!result.ok) { return; } // suggestions are a help: the reader works without them
      self.items = result.data;
      self.refresh();
    });
  }

  find(id) {
    return this.items.find(function (s) { return s.id === id; }) || null;
  }

  /* Suggestions no claim covers yet, strongest first. */
  visible() {
    const claims = this.store.all().filter(function (c) { return c.start !== null && c.start !== undefined; });
    return this.items.filter(function (s) {
      return !claims.some(function (c) { return c.start < s.end && s.start < c.end; });
    });
  }

  /* Redraw the list and the marks (main.js calls it after the claims change). */
  refresh() {
    this.render();
    this.highlights.redraw();
  }

  render() {
    const shown = this.visible();
    const self = this;
    this.section.hidden = shown.length === 0;
    this.count.textContent = String(shown.length);
    this.list.replaceChildren(...shown.map(function (s) { return self.item(s); }));
  }

  item(suggestion) {
    const self = this;
    const li = el('li', 'suggestion');
    li.dataset.suggestion = suggestion.id;
    li.tabIndex = 0;
    li.title = describe(suggestion);
    const head = el('div', 'suggestion-head');
    head.appendChild(el('span', 'suggestion-score', 'score ' + suggestion.score.toFixed(2)));
    if (suggestion.reasons.length) { head.appendChild(el('span', 'suggestion-reasons muted small', suggestion.reasons.join(' · '))); }
    li.appendChild(head);
    li.appendChild(el('p', 'quote', '“' + TextMath.truncate(suggestion.quote, 240) + '”'));
    li.setAttribute('aria-label', 'Suggested claim, score ' + suggestion.score.toFixed(2) + ': ' + TextMath.truncate(suggestion.quote, 120)
      + (this.mayAct ? '. Press Enter to make it a claim.' : ''));
    if (this.mayAct) {
      const actions = el('span', 'card-actions');
      const claim = el('button', 'claim-suggestion small', 'Make claim');
      claim.type = 'button';
      claim.addEventListener('click', function (event) { event.stopPropagation(); self.open(suggestion); });
      const dismiss = el('button', 'dismiss-suggestion small', 'Dismiss');
      dismiss.type = 'button';
      dismiss.addEventListener('click', function (event) { event.stopPropagation(); self.dismiss(suggestion); });
      actions.append(claim, ' ', dismiss);
      li.appendChild(actions);
      li.addEventListener('click', function () { self.open(suggestion); });
      li.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' && event.target === li) { event.preventDefault(); self.open(suggestion); }
      });
    }
    return li;
  }

  /* The new-claim form with the suggested sentence as its span. */
  open(suggestion) {
    if (!this.mayAct) { return; }
    const offsets = this.highlights.offsets;
    this.openClaim({ start: offsets.toUtf16(suggestion.start), end: offsets.toUtf16(suggestion.end) });
  }

  dismiss(suggestion) {
    const self = this;
    return api.request('POST', URL + suggestion.id + '/dismiss/').then(function (result) {
      if (!result.ok) { self.status(api.errorMessage(result)); return; }
      self.items = self.items.filter(function (s) { return s.id !== suggestion.id; });
      self.refresh();
      self.status('Suggestion dismissed.');
    });
  }
}
