/*
 * The reader's start-up: the article text with every claim highlighted, and the claim panel beside it.
 *
 * Reads the page's data (json_script "reader-data": article, claims, links, relations, what the user
 * may do), builds the modules, passes the store's changes on to the panel and the highlights, wires
 * the text's mouse and keyboard, then draws. Writes go to the JSON API (api.js); every piece of user
 * text enters the DOM as text, never as HTML.
 */
import { ClaimForm } from './claim-form.js';
import { debounce } from './dom.js';
import { Highlights } from './highlights.js';
import { LinkForm } from './link-form.js';
import { Panel } from './panel.js';
import { startReanchoring } from './reanchor.js';
import { startRelated } from './related.js';
import { ClaimStore } from './store.js';

performance.mark('reader-start');
const data = JSON.parse(document.getElementById('reader-data').textContent);
const textRoot = document.getElementById('article-text');
const addButton = document.getElementById('add-claim-button');

const store = new ClaimStore({ claims: data.claims, links: data.links });
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

function updateAddButton() {
  if (addButton) { addButton.disabled = !highlights.selection(); }
}

function offerForm() {
  if (!data.may.add_claim) { return; }
  const span = highlights.selection();
  if (span) { claimForm.openCreate(span); }
}

/* A finished selection: another module may take it (highlights.js: "textselect"), else a new claim. */
function selectionFinished() {
  if (highlights.offerSelection()) { offerForm(); }
}

textRoot.addEventListener('mouseup', function () {
  // Let the browser finish the selection first.
  setTimeout(function () {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) { selectionFinished(); }
  }, 0);
});

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

textRoot.addEventListener('keydown', function (event) {
  if (highlights.onKeydown(event)) { updateAddButton(); return; }
  if (event.key === 'Enter' && highlights.selection()) { event.preventDefault(); selectionFinished(); }
});
textRoot.addEventListener('keyup', function (event) {
  if (event.key === 'Shift') { updateAddButton(); }
});
document.addEventListener('selectionchange', debounce(updateAddButton, 100));
if (addButton) {
  addButton.addEventListener('mousedown', function (event) { event.preventDefault(); });
  addButton.addEventListener('click', offerForm);
}
document.addEventListener('keydown', function (event) {
  if (event.key === 'Escape' && claimForm.popover) { claimForm.close(); }
});

function followHash() {
  const match = /^#claim-(\d+)$/.exec(window.location.hash);
  if (match && store.has(Number(match[1]))) {
    store.select(Number(match[1]), { scrollText: true, scrollCard: true, center: true });
  }
}
window.addEventListener('hashchange', followHash);

/* ------------------------------------------------------------ first draw */

// Cards, then highlights, then the claim named in the address. The benchmark (bench/browser.py)
// reads the "highlights-drawn" mark.
data.claims.forEach(function (claim) { panel.upsert(claim); });
panel.order();
highlights.redraw();
performance.mark('highlights-drawn');
performance.measure('highlights', 'reader-start', 'highlights-drawn');
textRoot.dataset.ready = 'true';
followHash();
