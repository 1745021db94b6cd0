/*
 * The link form in a card's slot: search claims (text, speaker, article title) through
 * /api/claims/, choose one and a relation, and link the card's claim to it through the store.
 * Events (for keyboard.js, which moves focus): "saved" {claim} after linking, "cancel" {claim} on
 * Escape or Cancel.
 */
import * as TextMath from '../textmath.js';
import * as api from './api.js';
import { debounce, el, fromTemplate } from './dom.js';

export class LinkForm extends EventTarget {
  /* store: see store.js; relations: [{value, label}]; onOpen(): called before the form opens. */
  constructor({ store, relations, onOpen }) {
    super();
    this.store = store;
    this.relations = relations;
    this.onOpen = onOpen;
    this.form = null;
  }

  close() {
    if (this.form) { this.form.remove(); }
    this.form = null;
  }

  cancel(claim) {
    this.close();
    this.dispatchEvent(new CustomEvent('cancel', { detail: { claim: claim } }));
  }

  open(claim, slot) {
    this.onOpen();
    this.close();
    const store = this.store;
    const self = this;
    const form = fromTemplate('link-form-template');
    const results = form.querySelector('.link-results');
    const submit = form.querySelector('[type=submit]');
    const error = form.querySelector('.form-error');
    const relation = form.elements.relation;
    this.relations.forEach(function (choice) {
      const option = el('option', null, choice.label);
      option.value = choice.value;
      relation.appendChild(option);
    });
    let target = null;

    function show(found) {
      results.replaceChildren();
      found.filter(function (other) { return other.id !== claim.id; }).forEach(function (other) {
        const item = el('li', 'link-result');
        const button = el('button', 'result-button');
        button.type = 'button';
        button.appendChild(el('span', 'result-quote', '“' + TextMath.truncate(other.quote, 140) + '”'));
        const where = [other.speaker ? other.speaker.name : 'Unattributed', other.source || 'no source', TextMath.truncate(other.article_title, 70)];
        button.appendChild(el('span', 'result-where muted small', where.join(' · ')));
        button.addEventListener('click', function () {
          target = other;
          Array.from(results.children).forEach(function (child) { child.classList.remove('is-chosen'); });
          item.classList.add('is-chosen');
          button.setAttribute('aria-pressed', 'true');
          submit.disabled = false;
        });
        item.appendChild(button);
        results.appendChild(item);
      });
      if (!results.children.length) { results.appendChild(el('li', 'muted small', 'No matching claims.')); }
    }

    const search = debounce(function () {
      const params = {
        q: form.elements.q.value.trim(),
        speaker_name: form.elements.speaker_name.value.trim(),
        article_title: form.elements.article_title.value.trim(),
        page_size: '20',
      };
      api.get('/api/claims/', params).then(function (result) {
        if (result.ok) { show(result.data.results); } else { error.textContent = api.errorMessage(result); error.hidden = false; }
      });
    }, 200);
    ['q', 'speaker_name', 'article_title'].forEach(function (name) { form.elements[name].addEventListener('input', search); });

    form.querySelector('.cancel').addEventListener('click', function () { self.cancel(claim); });
    form.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); self.cancel(claim); }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!target) { return; }
      submit.disabled = true;
      error.hidden = true;
      store.link(claim, { to_claim: target.id, relation: relation.value, note: form.elements.note.value }).then(function (result) {
        submit.disabled = false;
        if (result.ok) {
          self.close();
          self.dispatchEvent(new CustomEvent('saved', { detail: { claim: claim } }));
          return;
        }
        error.textContent = api.errorMessage(result);
        error.hidden = false;
      });
    });
    slot.replaceChildren(form);
    this.form = form;
    form.elements.q.focus();
    search();
  }
}
