/*
 * The reader's start-up: the article text with every claim highlighted, and the claim panel beside it.
 *
 * Reads the page's data (json_script "reader-data": article, compact claims, links, relations, what the user
 * may do), builds the modules, passes the store's changes on to the panel and the highlights, wires
 * the text's mouse and keyboard, then draws. Writes go to the JSON API (api.js); every piece of user
 * text enters the DOM as text, never as HTML.
 */
import { ClaimForm } from './claim-form.js';
import { startComments } from './comments.js';
import { afterPaint } from './dom.js';
import { Highlights } from './highlights.js';
import { startKeyboard } from './keyboard.js';
import { LinkForm } from './link-form.js';
import { Panel } from './panel.js';
import { startReanchoring } from './reanchor.js';
import { ClaimStore, expandClaims, expandLinks } from './store.js';
import { startTouchControl } from './touch.js';
import { Suggestions } from './suggestions.js';
import { startRelated } from './related.js';

performance.mark('reader-start');
const data = JSON.parse(document.getElementById('reader-data').textContent);
const textRoot = document.getElementById('article-text');
const addButton = document.getElementById('add-claim-button');

performance.mark('reader-parsed');
const claims = expandClaims(data.claims, data.article.body);
const store = new ClaimStore({ claims: claims, links: expandLinks(data.links, claims, data.relations) });
performance.mark('reader-expanded');
const highlights = new Highlights({ root: textRoot, body: data.article.body, store: store });
const panel = new Panel({
  store: store,
  relations: data.relations,
  mayLink: data.may.add_link,
  edit: function (claim, slot) { claimForm.openEdit(claim, slot); },
  link: function (claim, slot) { linkForm.open(claim, slot); },
});
// One form open at a time.
const claimForm = new ClaimForm({
  store: store,
  highlights: highlights,
  articleId: data.article.id,
  mayAddSpeaker: data.may.add_speaker,
  onOpen: function () { linkForm.close(); },
});
const linkForm = new LinkForm({ store: store, relations: data.relations, onOpen: function () { claimForm.close(); } });
startReanchoring({ store: store, panel: panel, highlights: highlights });
const suggestions = new Suggestions({
  articleId: data.article.id,
  highlights: highlights,
  store: store,
  mayAct: data.may.add_claim,
  openClaim: function (span) { claimForm.openCreate(span); },
  status: function (text) { panel.showStatus(text); },
});
startComments({ panel: panel, counts: data.comment_counts });
startRelated({ store: store, panel: panel, articleId: data.article.id, relations: data.relations, mayLink: data.may.add_link });

/* ------------------------------------------------------------ the store's changes, shown */

store.addEventListener('claim', function (event) {
  // A claim saved from the pending selection takes its place.
  if (event.detail.created) { highlights.pending = null; }
  panel.upsert(event.detail.claim);
  panel.order();
  highlights.redraw();
});
store.addEventListener('remove', function (event) {
  panel.remove(event.detail.id);
  highlights.redraw();
  panel.refreshLinks();
});
// A claim covering a suggested sentence takes it off the "Suggested" list (the marks follow on redraw).
store.addEventListener('claim', function () { suggestions.render(); });
store.addEventListener('remove', function () { suggestions.render(); });
store.addEventListener('deleted', function (event) { panel.addDeleted(event.detail.claim); });
store.addEventListener('restored', function (event) { panel.removeDeleted(event.detail.id); });
store.addEventListener('links', function () { panel.refreshLinks(); });
store.addEventListener('status', function (event) { panel.showStatus(event.detail.text, event.detail.action); });
store.addEventListener('select', function (event) {
  const { id, previous, options } = event.detail;
  highlights.setSelected(id, previous);
  panel.setSelected(id, previous);
  if (options.scrollText) { highlights.scrollTo(id); }
  if (options.scrollCard) { panel.scrollTo(id, options.center); }
});

/* ------------------------------------------------------------ the text's mouse and keyboard */

function offerForm() {
  if (!data.may.add_claim) { return; }
  const span = highlights.selection();
  if (span) { claimForm.openCreate(span); }
}

/* A finished selection: another module may take it (highlights.js: "textselect"), else a new claim. */
function selectionFinished() {
  if (highlights.offerSelection()) { offerForm(); }
}

textRoot.addEventListener('click', function (event) {
  const mark = event.target.closest('mark.hl');
  const selection = window.getSelection();
  if (!mark || (selection && !selection.isCollapsed)) { return; }
  const ids = highlights.claimsAt(mark);
  if (!ids.length) { return; }
  // Repeated clicks on overlapping highlights step outward from the innermost claim.
  const position = ids.indexOf(store.selectedId);
  store.select(ids[(position + 1) % ids.length], { scrollCard: true });
});

// When a selection counts as finished, the caret, focus after forms, "?" (keyboard.js); touch (touch.js).
startKeyboard({
  root: textRoot,
  store: store,
  panel: panel,
  highlights: highlights,
  claimForm: claimForm,
  linkForm: linkForm,
  addButton: addButton,
  take: selectionFinished,
});
startTouchControl({ root: textRoot, highlights: highlights, take: selectionFinished });
document.addEventListener('keydown', function (event) {
  if (event.key === 'Escape' && claimForm.popover) { claimForm.cancel(); }
});

function followHash() {
  const match = /^#claim-(\d+)$/.exec(window.location.hash);
  if (match && store.has(Number(match[1]))) {
    store.select(Number(match[1]), { scrollText: true, scrollCard: true, center: true });
  }
}
window.addEventListener('hashchange', followHash);

/* ------------------------------------------------------------ first draw */

// Highlights first, and painted before any card is made; then the first screenful of cards, the rest in
// short tasks (panel.build), then the claim named in the address. The benchmark (bench/browser.py) reads
// the marks; data-ready says every card is there too.
highlights.redraw();
performance.mark('highlights-drawn');
performance.measure('highlights', 'reader-start', 'highlights-drawn');
afterPaint(function () {
  performance.mark('highlights-painted');
  const built = panel.build(store.all());
  performance.mark('cards-visible');
  built.then(function () {
    performance.mark('cards-built');
    textRoot.dataset.ready = 'true';
    followHash();
    suggestions.load(); // after the cards: the suggestions come from their own request
  });
});
