/*
 * Re-anchoring in the reader: confirm a relocated claim, or re-attach an orphaned or relocated one to
 * the words it now refers to.
 *
 * After an article is revised, the server re-anchors its claims: a claim whose words changed a little is
 * "relocated" until someone confirms it, and one whose words are gone is "orphaned" (listed under its own
 * heading, with its old quote). This module adds to those cards:
 *   - "Confirm": POST /api/claims/<id>/confirm/ with the version read; the claim becomes anchored.
 *   - "Re-attach": a mode in which the next selection in the article text (mouse, or Shift + arrows and
 *     Enter) PATCHes /api/claims/<id>/ with start, end, quote and version.
 * It plugs in through the hooks the other modules expose, and patches none of them: the panel's "card"
 * event (every card created or refilled gets its buttons) and the text's cancelable "textselect" event
 * (while re-attaching, the selection is taken here instead of opening the "new claim" form).
 */
import * as api from './api.js';
import { el } from './dom.js';

export function startReanchoring({ store, panel, highlights }) {
  const statusBox = document.getElementById('panel-status');
  let reattaching = null; // the claim being re-attached, or null
  let banner = null;

  function button(label, className, onClick) {
    const node = el('button', 'small ' + className, label);
    node.type = 'button';
    node.addEventListener('click', function (event) { event.stopPropagation(); onClick(); });
    return node;
  }

  /* ---------------------------------------------------------- confirming */

  function confirmRelocation(claim) {
    return api.request('POST', '/api/claims/' + claim.id + '/confirm/', { version: claim.version }).then(function (result) {
      if (result.ok) {
        store.put(result.data);
        store.status('Relocation confirmed: the claim is anchored to these words.');
        return;
      }
      if (result.status === 409 && result.data.current) { store.put(result.data.current); }
      store.status(api.errorMessage(result));
    });
  }

  /* ---------------------------------------------------------- re-attaching */

  function startReattach(claim) {
    stopReattach();
    reattaching = claim;
    document.body.classList.add('is-reattaching');
    banner = el('div', 'reattach-banner');
    banner.setAttribute('role', 'status');
    banner.id = 'reattach-banner';
    const quote = claim.quote.length > 120 ? claim.quote.slice(0, 119) + '…' : claim.quote;
    banner.appendChild(el('p', null, 'Re-attaching “' + quote + '”. Select the words in the article that this claim now refers to.'));
    banner.appendChild(el('p', 'muted small', 'Drag with the mouse, or use Shift + arrows and press Enter. Escape cancels.'));
    const error = el('p', 'error small reattach-error');
    error.hidden = true;
    error.setAttribute('role', 'alert');
    banner.appendChild(error);
    banner.appendChild(button('Cancel', 'reattach-cancel', stopReattach));
    statusBox.insertAdjacentElement('afterend', banner);
    highlights.root.focus({ preventScroll: true });
  }

  function stopReattach() {
    reattaching = null;
    document.body.classList.remove('is-reattaching');
    if (banner) { banner.remove(); banner = null; }
  }

  function finishReattach(span) {
    if (!reattaching || !span) { return; }
    const claim = store.get(reattaching.id) || reattaching;
    store.update(claim, highlights.serverSpan(span)).then(function (result) {
      if (result.ok) {
        stopReattach();
        window.getSelection().removeAllRanges();
        store.status('Claim re-attached to the selected words.');
        store.select(claim.id, { scrollCard: true });
        return;
      }
      if (result.status === 409 && result.data.current) { reattaching = result.data.current; }
      const error = banner && banner.querySelector('.reattach-error');
      if (error) {
        error.textContent = api.errorMessage(result) + ' Select again or cancel.';
        error.hidden = false;
      }
    });
  }

  // While re-attaching, a finished selection in the text is the claim's new words, not a new claim.
  highlights.addEventListener('textselect', function (event) {
    if (!reattaching) { return; }
    event.preventDefault();
    finishReattach(event.detail.span);
  });

  // While re-attaching, Escape cancels the mode and nothing else: caught in the capture phase so that
  // an open form does not close on the same key.
  document.addEventListener('keydown', function (event) {
    if (reattaching && event.key === 'Escape') { event.stopPropagation(); stopReattach(); }
  }, true);

  /* ---------------------------------------------------------- the cards' buttons */

  function decorate(card, claim) {
    let row = card.querySelector('.reanchor-row');
    const needsPerson = claim.anchor_state === 'relocated' || claim.anchor_state === 'orphaned';
    if (!needsPerson || !claim.can_edit) {
      if (row) { row.remove(); }
      return;
    }
    if (!row) {
      row = el('div', 'reanchor-row');
      card.insertBefore(row, card.querySelector('.card-slot'));
    }
    row.replaceChildren();
    const relocated = claim.anchor_state === 'relocated';
    row.appendChild(el('span', 'muted small', relocated
      ? 'The article was revised and these words changed slightly. Is the highlight right?'
      : 'The article was revised and these words are gone. Attach the claim to the words it now refers to.'));
    const actions = el('span', 'reanchor-actions');
    if (relocated) {
      actions.appendChild(button('Confirm', 'primary confirm-button', function () { confirmRelocation(store.get(claim.id) || claim); }));
    }
    actions.appendChild(button('Re-attach', 'reattach-button', function () { startReattach(store.get(claim.id) || claim); }));
    row.appendChild(actions);
  }

  panel.addEventListener('card', function (event) { decorate(event.detail.card, event.detail.claim); });
}
