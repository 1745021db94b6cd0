/*
 * The claim form: a floating "New claim" form next to a selection in the text, or an edit form in a
 * card's slot; with its speaker field (suggestions from this article, then /api/speakers/?q=, or a
 * new speaker). Saving goes through the store; errors are shown in the form, which stays open.
 *
 * Events (for keyboard.js, which moves focus): "saved" {claim} after a save, "cancel" {span, claim}
 * when the user closes the form with Escape or Cancel (span: the selection of a new claim; claim: the
 * claim being edited).
 * A new claim's speaker is pre-filled from the machine's suggestion for the span
 * (POST /api/articles/<id>/speaker-suggestion/), marked "Suggested" in words until the reviewer
 * changes it; the claim is saved with the suggestion's id, so the desk knows whether it was kept.
 */
import * as TextMath from '../textmath.js';
import * as api from './api.js';
import { debounce, el, fromTemplate } from './dom.js';

export class ClaimForm extends EventTarget {
  /*
   * store, highlights: see store.js and highlights.js; articleId: the article claims are added to;
   * mayAddSpeaker: whether the user may create speakers; onOpen(): called before a form opens (main.js
   * closes the link form there, so one form is open at a time).
   */
  constructor({ store, highlights, articleId, mayAddSpeaker, onOpen }) {
    super();
    this.store = store;
    this.highlights = highlights;
    this.articleId = articleId;
    this.mayAddSpeaker = mayAddSpeaker;
    this.onOpen = onOpen;
    this.form = null;
    this.popover = null;
    this.editing = null;
  }

  /* Escape or Cancel: close, and say so with what the form was for. */
  cancel() {
    if (!this.form) { return; }
    const detail = { span: this.highlights.pending, claim: this.editing };
    this.close();
    this.dispatchEvent(new CustomEvent('cancel', { detail: detail }));
  }

  close() {
    if (this.form) { this.form.remove(); }
    if (this.popover) { this.popover.remove(); }
    this.form = null;
    this.popover = null;
    this.editing = null;
    if (this.highlights.pending) { this.highlights.pending = null; this.highlights.redraw(); }
  }

  /* A floating form next to the selection; the selection stays shown as a pending highlight. */
  openCreate(span) {
    this.close();
    this.onOpen();
    const highlights = this.highlights;
    const rect = highlights.selectionRect();
    highlights.pending = span;
    highlights.redraw();
    window.getSelection().removeAllRanges();
    const popover = el('div', 'popover');
    popover.setAttribute('role', 'dialog');
    popover.setAttribute('aria-label', 'New claim');
    const form = this.build(null, span);
    popover.appendChild(el('h3', null, 'New claim'));
    popover.appendChild(form);
    // The popover lives in the article pane so it scrolls with the text it belongs to.
    const pane = highlights.root.closest('.reader-article');
    pane.appendChild(popover);
    const paneBox = pane.getBoundingClientRect();
    const top = (rect ? rect.bottom : paneBox.top + 120) - paneBox.top + pane.scrollTop + 8;
    const left = Math.min((rect ? rect.left : paneBox.left + 40) - paneBox.left, pane.clientWidth - popover.offsetWidth - 16);
    popover.style.top = top + 'px';
    popover.style.left = Math.max(8, left) + 'px';
    this.popover = popover;
    this.form = form;
    form.querySelector('.speaker-input').focus();
    this.suggestSpeaker(form, span);
  }

  /* Ask for the span's speaker; pre-fill it unless the reviewer already typed one or closed the form. */
  suggestSpeaker(form, span) {
    const self = this;
    const where = this.highlights.serverSpan(span);
    const status = el('p', 'speaker-suggestion-status muted small', 'Looking for the speaker…');
    status.setAttribute('role', 'status');
    form.querySelector('.speaker-row').appendChild(status);
    api.request('POST', '/api/articles/' + this.articleId + '/speaker-suggestion/', { start: where.start, end: where.end })
      .then(function (result) {
        if (self.form !== form) { return; }
        if (!result.ok || !result.data.name) {
          status.textContent = result.ok ? 'No speaker suggested for this span.' : '';
          status.hidden = !result.ok;
          return;
        }
        status.remove();
        form.speakerField.suggest(result.data);
      });
  }

  openEdit(claim, slot) {
    this.close();
    this.onOpen();
    const form = this.build(claim, null);
    slot.replaceChildren(form);
    this.form = form;
    this.editing = claim;
    form.querySelector('textarea').focus();
  }

  build(claim, span) {
    const store = this.store;
    const highlights = this.highlights;
    const articleId = this.articleId;
    const form = fromTemplate('claim-form-template');
    const quote = claim ? claim.quote : highlights.quoteOf(span);
    form.querySelector('.form-quote').textContent = '“' + TextMath.truncate(quote, 200) + '”';
    const speaker = speakerField(form, claim ? claim.speaker : null, { store: store, mayAdd: this.mayAddSpeaker });
    form.speakerField = speaker;
    if (claim) {
      form.elements.summary.value = claim.summary;
      form.elements.tags.value = claim.tags.join(', ');
      form.querySelector('[type=submit]').textContent = 'Save changes';
    }
    const error = form.querySelector('.form-error');
    const self = this;
    form.querySelector('.cancel').addEventListener('click', function () { self.cancel(); });
    form.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); self.cancel(); }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      const fields = {
        summary: form.elements.summary.value,
        tags: TextMath.parseTags(form.elements.tags.value),
      };
      Object.assign(fields, speaker.payload(claim));
      const submit = form.querySelector('[type=submit]');
      submit.disabled = true;
      error.hidden = true;
      const request = claim
        ? store.update(store.get(claim.id), fields)
        : store.create(Object.assign({ article: articleId }, highlights.serverSpan(span), fields));
      request.then(function (result) {
        submit.disabled = false;
        if (result.ok) {
          self.close();
          self.dispatchEvent(new CustomEvent('saved', { detail: { claim: result.data } }));
          return;
        }
        error.textContent = result.status === 409
          ? 'Someone else changed this claim while you were editing (it is now version ' + result.data.current_version +
            '). The card shows their version; your changes are still in this form: save again to apply them.'
          : api.errorMessage(result);
        error.hidden = false;
      });
    });
    return form;
  }
}

/*
 * Wire the speaker field of a claim form; returns {payload(claim)} giving the speaker fields to send.
 * (The list filters' speaker box, speaker_picker.js, is a different widget: a plain form field.)
 */
let speakerFieldCount = 0;

function speakerField(form, initial, { store, mayAdd }) {
  const input = form.querySelector('.speaker-input');
  const options = form.querySelector('.speaker-options');
  const newFields = form.querySelector('.new-speaker');
  // Each open form's combobox names its own listbox (the form is cloned from one template).
  speakerFieldCount += 1;
  options.id = 'speaker-options-' + speakerFieldCount;
  options.setAttribute('aria-label', 'Speaker suggestions');
  input.setAttribute('aria-controls', options.id);
  let chosen = initial ? { id: initial.id, label: initial.label } : null;
  let active = -1;
  if (chosen) { input.value = chosen.label; }
  // The machine's suggestion shown in the field: {id, label, marker}, until the reviewer changes the field.
  let suggested = null;
  let suggestionId = null;

  function unmark() {
    if (!suggested) { return; }
    suggested.marker.remove();
    input.removeAttribute('aria-describedby');
    suggested = null;
  }

  function render(speakers, typed) {
    options.replaceChildren();
    activate(-1);
    speakers.slice(0, 8).forEach(function (speaker) {
      const option = el('li', 'option');
      option.setAttribute('role', 'option');
      option.dataset.name = speaker.name;
      option.appendChild(el('span', 'name', speaker.name));
      if (speaker.description) { option.appendChild(el('span', 'muted small', ' · ' + speaker.description)); }
      option.addEventListener('mousedown', function (event) { event.preventDefault(); choose(speaker); });
      options.appendChild(option);
    });
    const exact = speakers.some(function (speaker) { return speaker.name.toLowerCase() === typed.toLowerCase(); });
    if (typed && !exact && mayAdd) {
      const create = el('li', 'option create', 'New speaker “' + typed + '”');
      create.setAttribute('role', 'option');
      create.addEventListener('mousedown', function (event) { event.preventDefault(); chooseNew(); });
      options.appendChild(create);
    }
    Array.from(options.children).forEach(function (option, index) {
      option.id = options.id + '-' + index;
      option.setAttribute('aria-selected', 'false');
    });
    options.hidden = options.children.length === 0;
    input.setAttribute('aria-expanded', String(!options.hidden));
  }

  /* The highlighted option (-1: none), told to assistive technology through aria-activedescendant. */
  function activate(index) {
    const items = Array.from(options.children);
    active = index;
    items.forEach(function (item, at) {
      item.classList.toggle('is-active', at === index);
      item.setAttribute('aria-selected', String(at === index));
    });
    if (index >= 0 && items[index]) {
      input.setAttribute('aria-activedescendant', items[index].id);
      items[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function hide() {
    options.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function choose(speaker) {
    unmark();
    chosen = { id: speaker.id, label: speaker.label || speaker.name };
    input.value = chosen.label;
    hide();
    newFields.hidden = true;
  }

  function chooseNew() {
    chosen = null;
    hide();
    newFields.hidden = false;
    newFields.querySelector('input').focus();
  }

  const search = debounce(function (typed) {
    api.get('/api/speakers/', { q: typed }).then(function (result) {
      if (result.ok && input.value.trim() === typed) { render(result.data.results || [], typed); }
    });
  }, 180);

  input.addEventListener('input', function () {
    unmark();
    chosen = null;
    const typed = input.value.trim();
    newFields.hidden = !typed || !mayAdd;
    if (!typed) { render(store.speakers(), ''); return; }
    search(typed);
  });
  input.addEventListener('focus', function () { if (!input.value.trim()) { render(store.speakers(), ''); } });
  input.addEventListener('blur', hide);
  input.addEventListener('keydown', function (event) {
    const items = Array.from(options.children);
    // Enter in the combobox picks, never submits: the half-typed name is not a speaker yet.
    if (event.key === 'Enter') {
      event.preventDefault();
      if (options.hidden || items.length === 0) { return; }
      const typed = input.value.trim().toLowerCase();
      const exact = items.findIndex(function (item) { return item.dataset.name && item.dataset.name.toLowerCase() === typed; });
      const pick = active >= 0 ? active : exact;
      if (pick >= 0) { items[pick].dispatchEvent(new MouseEvent('mousedown', { cancelable: true })); }
      return;
    }
    if (options.hidden || items.length === 0) {
      if (event.key === 'ArrowDown' && !input.value.trim()) { event.preventDefault(); render(store.speakers(), ''); }
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      activate((active + (event.key === 'ArrowDown' ? 1 : items.length - 1 + (active < 0 ? 1 : 0))) % items.length);
    } else if (event.key === 'Escape') {
      // The first Escape closes the list; the next one closes the form.
      event.stopPropagation();
      event.preventDefault();
      hide();
    }
  });

  return {
    /* Pre-fill a suggestion ({id, speaker, name, cue, score}) unless the field was already filled in. */
    suggest: function (suggestion) {
      if (input.value.trim() || chosen) { return; }
      suggestionId = suggestion.id;
      const known = suggestion.speaker;
      if (known) {
        chosen = { id: known.id, label: known.label || known.name };
        input.value = chosen.label;
      } else {
        input.value = suggestion.name;
        newFields.hidden = !mayAdd;
      }
      const marker = el('p', 'speaker-suggested small');  // after the label: a <p> may not sit inside one
      marker.id = options.id + '-suggested';
      marker.appendChild(el('strong', null, 'Suggested'));
      marker.appendChild(document.createTextNode(
        (known ? ' speaker' : ' new speaker') + ', from “' + suggestion.cue + '” (' +
        Math.round(suggestion.score * 100) + '% sure). Save to keep it, or change it.'));
      (input.closest('label') || input).insertAdjacentElement('afterend', marker);
      input.setAttribute('aria-describedby', marker.id);
      suggested = { marker: marker };
    },
    /* Whether the suggestion is still shown as it came (for tests and the form's state). */
    isSuggested: function () { return suggested !== null; },
    /* Chosen speaker -> {speaker: id}; typed name -> {new_speaker}; cleared -> {speaker: null}; plus the
     * suggestion's id when one was shown, so the server records whether it was kept. */
    payload: function (claim) {
      const fields = speakerPayload(claim);
      if (suggestionId !== null && !claim) { fields.speaker_suggestion = suggestionId; }
      return fields;
    },
  };

  function speakerPayload(claim) {
    const typed = input.value.trim();
    if (chosen && typed === chosen.label) {
      return claim && claim.speaker && claim.speaker.id === chosen.id ? {} : { speaker: chosen.id };
    }
    if (!typed) { return claim && !claim.speaker ? {} : { speaker: null }; }
    return {
      new_speaker: {
        name: typed,
        description: form.elements.speaker_description.value,
        affiliation: form.elements.speaker_affiliation.value,
      },
    };
  }
}
