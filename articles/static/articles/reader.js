/*
 * The reader: the article text with every claim highlighted, and the claim panel beside it.
 *
 * Data arrives embedded in the page (json_script "reader-data"); writes go to the JSON API.
 * Every piece of user text (article, quotes, summaries, notes, names) enters the DOM through
 * textContent or text nodes, never as HTML. Offsets from the server are Unicode code points;
 * TextMath converts them to and from the UTF-16 positions of DOM ranges.
 *
 * Parts: Api (fetch with CSRF), Highlights (text + marks, selection -> offsets), Cards (the panel),
 * ClaimForm (create/edit with the speaker picker), LinkForm (search + relate), and the Reader state
 * that ties them together. Re-attaching an orphaned claim reuses Reader.reattach(claim, span).
 */
(function () {
  'use strict';

  performance.mark('reader-start');
  const TextMath = window.TextMath;
  const data = JSON.parse(document.getElementById('reader-data').textContent);
  const body = data.article.body;
  const offsets = TextMath.offsetMap(body);
  const csrfToken = document.querySelector('input[name=csrfmiddlewaretoken]').value;
  const relationLabels = new Map(data.relations.map(function (r) { return [r.value, r]; }));

  /* ------------------------------------------------------------ small DOM helpers */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function debounce(fn, wait) {
    let timer = null;
    return function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  /* ------------------------------------------------------------ Api */

  const Api = {
    /* Resolves to {ok, status, data}; network failures become status 0 with a message. */
    request: function (method, url, payload) {
      const options = {
        method: method,
        credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRFToken': csrfToken },
      };
      if (payload !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(payload);
      }
      return fetch(url, options).then(function (response) {
        if (response.status === 204) { return { ok: true, status: 204, data: null }; }
        return response.json().catch(function () { return {}; }).then(function (json) {
          return { ok: response.ok, status: response.status, data: json };
        });
      }, function () {
        return { ok: false, status: 0, data: { detail: 'The server could not be reached. Check your connection and try again.' } };
      });
    },
    get: function (url, params) {
      const query = new URLSearchParams();
      Object.keys(params || {}).forEach(function (key) { if (params[key]) { query.set(key, params[key]); } });
      return Api.request('GET', url + (query.toString() ? '?' + query.toString() : ''));
    },
    /* One readable sentence from an error body: {"detail": ...} or {"field": ["message"]}. */
    message: function (result) {
      const body = result.data || {};
      if (typeof body.detail === 'string') { return body.detail; }
      const parts = [];
      Object.keys(body).forEach(function (field) {
        const value = body[field];
        const text = Array.isArray(value) ? value.join(' ') : (typeof value === 'object' ? JSON.stringify(value) : String(value));
        parts.push(field === 'detail' || field === 'non_field_errors' ? text : field + ': ' + text);
      });
      return parts.join(' ') || ('The server answered ' + result.status + '.');
    },
  };

  /* ------------------------------------------------------------ Highlights */

  const textRoot = document.getElementById('article-text');

  const Highlights = {
    marksByClaim: new Map(),

    /* Redraw the text with a <mark> per segment covered by claims; `pending` is the selection being saved. */
    draw: function (claims, pending) {
      const spans = [];
      claims.forEach(function (claim) {
        if (claim.start === null || claim.start === undefined) { return; }
        spans.push({ id: claim.id, start: offsets.toUtf16(claim.start), end: offsets.toUtf16(claim.end) });
      });
      if (pending) { spans.push({ id: 'pending', start: pending.start, end: pending.end }); }
      const fragment = document.createDocumentFragment();
      const marksByClaim = new Map();
      TextMath.segments(body.length, spans).forEach(function (segment) {
        const text = document.createTextNode(body.slice(segment.start, segment.end));
        if (segment.ids.length === 0) { fragment.appendChild(text); return; }
        const mark = document.createElement('mark');
        const claimIds = segment.ids.filter(function (id) { return id !== 'pending'; });
        mark.className = 'hl depth-' + Math.min(claimIds.length, 3) + (claimIds.length < segment.ids.length ? ' hl-pending' : '');
        mark.dataset.claims = claimIds.join(' ');
        mark.appendChild(text);
        fragment.appendChild(mark);
        claimIds.forEach(function (id) {
          if (!marksByClaim.has(id)) { marksByClaim.set(id, []); }
          marksByClaim.get(id).push(mark);
        });
      });
      textRoot.replaceChildren(fragment);
      this.marksByClaim = marksByClaim;
    },

    claimsAt: function (mark) {
      return mark.dataset.claims ? mark.dataset.claims.split(' ').map(Number) : [];
    },

    setSelected: function (claimId, previousId) {
      (this.marksByClaim.get(previousId) || []).forEach(function (mark) { mark.classList.remove('is-selected'); });
      (this.marksByClaim.get(claimId) || []).forEach(function (mark) { mark.classList.add('is-selected'); });
    },

    scrollTo: function (claimId) {
      const marks = this.marksByClaim.get(claimId);
      if (marks && marks.length) { marks[0].scrollIntoView({ block: 'center', behavior: 'smooth' }); }
    },

    /* The current selection inside the text as tidy UTF-16 offsets {start, end}, or null. */
    selection: function () {
      const selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return null; }
      const range = selection.getRangeAt(0);
      const inside = function (node) { return textRoot.contains(node); };
      if (!inside(range.startContainer) && !inside(range.endContainer)) { return null; }
      const start = inside(range.startContainer) ? this._offsetOf(range.startContainer, range.startOffset) : 0;
      const end = inside(range.endContainer) ? this._offsetOf(range.endContainer, range.endOffset) : body.length;
      return TextMath.tidySelection(body, start, end);
    },

    _offsetOf: function (node, offset) {
      const range = document.createRange();
      range.setStart(textRoot, 0);
      range.setEnd(node, offset);
      return range.toString().length;
    },

    /* Where on screen the selection is, to place the form next to it. */
    selectionRect: function () {
      const selection = window.getSelection();
      if (!selection || selection.rangeCount === 0) { return null; }
      const rects = selection.getRangeAt(0).getClientRects();
      return rects.length ? rects[rects.length - 1] : selection.getRangeAt(0).getBoundingClientRect();
    },

    /*
     * Keyboard selection: Shift + arrows extend the selection (by word with Ctrl/Alt); without one,
     * it starts at the first line visible in the window. Browsers do not offer this on read-only text.
     */
    onKeydown: function (event) {
      const directions = { ArrowLeft: 'backward', ArrowRight: 'forward', ArrowUp: 'backward', ArrowDown: 'forward' };
      if (!event.shiftKey || !directions[event.key]) { return false; }
      const selection = window.getSelection();
      if (!selection.rangeCount || !textRoot.contains(selection.anchorNode)) {
        const box = textRoot.getBoundingClientRect();
        const x = box.left + 2;
        const y = Math.max(box.top, 0) + 4;
        let range = null;
        if (document.caretRangeFromPoint) {
          range = document.caretRangeFromPoint(x, y);
        } else if (document.caretPositionFromPoint) {
          const position = document.caretPositionFromPoint(x, y);
          if (position) { range = document.createRange(); range.setStart(position.offsetNode, position.offset); }
        }
        if (!range || !textRoot.contains(range.startContainer)) { range = document.createRange(); range.setStart(textRoot, 0); }
        selection.collapse(range.startContainer, range.startOffset);
      }
      const granularity = event.key === 'ArrowUp' || event.key === 'ArrowDown' ? 'line' : (event.ctrlKey || event.altKey ? 'word' : 'character');
      selection.modify('extend', directions[event.key], granularity);
      event.preventDefault();
      return true;
    },
  };

  /* ------------------------------------------------------------ Reader state */

  const claims = new Map();       // id -> claim, live claims of this article
  let links = data.links.slice(); // links touching this article's claims
  let selectedId = null;
  const cardList = document.getElementById('claim-cards');
  const orphanedSection = document.getElementById('orphaned-section');
  const deletedSection = document.getElementById('deleted-section');
  const statusBox = document.getElementById('panel-status');
  const addButton = document.getElementById('add-claim-button');
  const panelFilter = document.getElementById('panel-filter');
  const countBadge = document.getElementById('claim-count');
  let pendingSpan = null; // UTF-16 span of the selection whose form is open

  data.claims.forEach(function (claim) { claims.set(claim.id, claim); });

  function linksOf(claimId) {
    return links.filter(function (link) { return link.from_claim.id === claimId || link.to_claim.id === claimId; });
  }

  function redrawHighlights() {
    Highlights.draw(Array.from(claims.values()), pendingSpan);
    if (selectedId !== null) { Highlights.setSelected(selectedId, null); }
  }

  function showStatus(text, action) {
    statusBox.replaceChildren(el('span', null, text));
    statusBox.classList.toggle('is-visible', Boolean(text));
    if (action) {
      const button = el('button', 'button small', action.label);
      button.type = 'button';
      button.addEventListener('click', action.run);
      statusBox.appendChild(button);
    }
  }

  function select(claimId, options) {
    options = options || {};
    const previous = selectedId;
    selectedId = claimId;
    Highlights.setSelected(claimId, previous);
    Cards.setSelected(claimId, previous);
    if (options.scrollText) { Highlights.scrollTo(claimId); }
    if (options.scrollCard) { Cards.scrollTo(claimId, options.center); }
  }

  const Reader = {
    add: function (claim) {
      claims.set(claim.id, claim);
      Cards.upsert(claim);
      Cards.order();
      redrawHighlights();
    },
    replace: function (claim) {
      claims.set(claim.id, claim);
      Cards.upsert(claim);
      Cards.order();
      redrawHighlights();
    },
    remove: function (claimId) {
      claims.delete(claimId);
      Cards.remove(claimId);
      if (selectedId === claimId) { selectedId = null; }
      redrawHighlights();
      Cards.refreshLinks();
    },
    create: function (payload) {
      return Api.request('POST', '/api/claims/', payload).then(function (result) {
        if (result.ok) {
          pendingSpan = null;
          Reader.add(result.data);
          select(result.data.id, { scrollCard: true });
          showStatus('Claim saved.');
        }
        return result;
      });
    },
    update: function (claim, changes) {
      const payload = Object.assign({ version: claim.version }, changes);
      return Api.request('PATCH', '/api/claims/' + claim.id + '/', payload).then(function (result) {
        if (result.ok) { Reader.replace(result.data); showStatus('Claim updated.'); }
        if (result.status === 409 && result.data.current) { Reader.replace(result.data.current); }
        return result;
      });
    },
    /* Move a claim to new text (an orphaned or relocated claim confirmed by the reviewer). */
    reattach: function (claim, span) {
      return Reader.update(claim, {
        start: offsets.toCodePoint(span.start), end: offsets.toCodePoint(span.end), quote: body.slice(span.start, span.end),
      });
    },
    destroy: function (claim) {
      return Api.request('DELETE', '/api/claims/' + claim.id + '/').then(function (result) {
        if (!result.ok) { showStatus(Api.message(result)); return result; }
        Reader.remove(claim.id);
        Cards.addDeleted(claim);
        showStatus('Claim deleted.', { label: 'Undo', run: function () { Reader.restore(claim); } });
        return result;
      });
    },
    restore: function (claim) {
      return Api.request('POST', '/api/claims/' + claim.id + '/restore/').then(function (result) {
        if (!result.ok) { showStatus(Api.message(result)); return result; }
        Cards.removeDeleted(claim.id);
        Reader.add(result.data);
        Cards.refreshLinks();
        select(result.data.id, { scrollCard: true, scrollText: true });
        showStatus('Deletion undone.');
        return result;
      });
    },
    link: function (fromClaim, payload) {
      return Api.request('POST', '/api/links/', Object.assign({ from_claim: fromClaim.id }, payload)).then(function (result) {
        if (result.ok) { links.push(result.data); Cards.refreshLinks(); showStatus('Claims linked.'); }
        return result;
      });
    },
    unlink: function (link) {
      return Api.request('DELETE', '/api/links/' + link.id + '/').then(function (result) {
        if (!result.ok) { showStatus(Api.message(result)); return result; }
        links = links.filter(function (other) { return other.id !== link.id; });
        Cards.refreshLinks();
        showStatus('Link removed.');
        return result;
      });
    },
  };

  /* ------------------------------------------------------------ Cards (the panel) */

  const Cards = {
    byId: new Map(),

    upsert: function (claim) {
      let card = this.byId.get(claim.id);
      if (!card) {
        card = fromTemplate('claim-card-template');
        card.id = 'card-' + claim.id;
        card.dataset.claim = claim.id;
        this.byId.set(claim.id, card);
        this._wire(card, claim.id);
      }
      this.fill(card, claim);
      return card;
    },

    /* Put the claim's current text into its card, leaving an open form in the card's slot alone. */
    fill: function (card, claim) {
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
      card.querySelector('.compare-link').href = claim.url;
      card.querySelector('.edit-button').hidden = !claim.can_edit;
      card.querySelector('.delete-button').hidden = !claim.can_edit;
      card.querySelector('.link-button').hidden = !data.may.add_link;
      card.dataset.search = [claim.quote, claim.summary, speaker ? speaker.name : '', claim.tags.join(' ')].join(' ').toLowerCase();
      this.fillLinks(card, claim.id);
    },

    fillLinks: function (card, claimId) {
      const mine = linksOf(claimId);
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
          unlink.setAttribute('aria-label', 'Remove this link');
          unlink.addEventListener('click', function (event) { event.stopPropagation(); Reader.unlink(link); });
          item.appendChild(unlink);
        }
        list.appendChild(item);
      });
    },

    refreshLinks: function () {
      const self = this;
      this.byId.forEach(function (card, id) { self.fillLinks(card, id); });
    },

    _wire: function (card, claimId) {
      card.addEventListener('click', function (event) {
        if (event.target.closest('a, button, form')) { return; }
        select(claimId, { scrollText: true });
      });
      card.addEventListener('keydown', function (event) {
        if (event.target === card && (event.key === 'Enter' || event.key === ' ')) {
          event.preventDefault();
          select(claimId, { scrollText: true });
        }
      });
      card.querySelector('.edit-button').addEventListener('click', function () {
        ClaimForm.openEdit(claims.get(claimId), card.querySelector('.card-slot'));
      });
      card.querySelector('.delete-button').addEventListener('click', function () {
        Reader.destroy(claims.get(claimId));
      });
      card.querySelector('.link-button').addEventListener('click', function () {
        LinkForm.open(claims.get(claimId), card.querySelector('.card-slot'));
      });
    },

    /* Cards in text order; orphaned claims under their own heading. */
    order: function () {
      const sorted = Array.from(claims.values()).sort(TextMath.compareClaims);
      const orphanList = orphanedSection.querySelector('ol');
      const self = this;
      sorted.forEach(function (claim) {
        const card = self.byId.get(claim.id);
        (claim.start === null || claim.start === undefined ? orphanList : cardList).appendChild(card);
      });
      orphanedSection.hidden = orphanList.children.length === 0;
      countBadge.textContent = String(claims.size);
      cardList.classList.toggle('is-empty', cardList.children.length === 0);
      this.applyFilter();
    },

    remove: function (claimId) {
      const card = this.byId.get(claimId);
      if (card) { card.remove(); this.byId.delete(claimId); }
      this.order();
    },

    addDeleted: function (claim) {
      const item = el('li', 'claim-card deleted');
      item.dataset.claim = claim.id;
      item.appendChild(el('p', 'quote', '“' + TextMath.truncate(claim.quote, 120) + '”'));
      const undo = el('button', 'button small', 'Undo delete');
      undo.type = 'button';
      undo.addEventListener('click', function () { Reader.restore(claim); });
      item.appendChild(undo);
      deletedSection.querySelector('ol').appendChild(item);
      deletedSection.hidden = false;
    },

    removeDeleted: function (claimId) {
      const list = deletedSection.querySelector('ol');
      Array.from(list.children).forEach(function (item) { if (Number(item.dataset.claim) === claimId) { item.remove(); } });
      deletedSection.hidden = list.children.length === 0;
    },

    setSelected: function (claimId, previousId) {
      const previous = this.byId.get(previousId);
      if (previous) { previous.classList.remove('is-selected'); previous.removeAttribute('aria-current'); }
      const card = this.byId.get(claimId);
      if (card) { card.classList.add('is-selected'); card.setAttribute('aria-current', 'true'); }
    },

    scrollTo: function (claimId, center) {
      const card = this.byId.get(claimId);
      if (card) { card.scrollIntoView({ block: center ? 'center' : 'nearest', behavior: 'smooth' }); }
    },

    applyFilter: function () {
      const needle = panelFilter.value.trim().toLowerCase();
      this.byId.forEach(function (card) { card.hidden = Boolean(needle) && card.dataset.search.indexOf(needle) === -1; });
    },
  };

  /* ------------------------------------------------------------ ClaimForm (create and edit) */

  const ClaimForm = {
    form: null,
    popover: null,

    close: function () {
      if (this.form) { this.form.remove(); }
      if (this.popover) { this.popover.remove(); }
      this.form = null;
      this.popover = null;
      if (pendingSpan) { pendingSpan = null; redrawHighlights(); }
    },

    /* A floating form next to the selection; the selection stays shown as a pending highlight. */
    openCreate: function (span) {
      this.close();
      LinkForm.close();
      const rect = Highlights.selectionRect();
      pendingSpan = span;
      redrawHighlights();
      window.getSelection().removeAllRanges();
      const popover = el('div', 'popover');
      popover.setAttribute('role', 'dialog');
      popover.setAttribute('aria-label', 'New claim');
      const form = this._build(null, span);
      popover.appendChild(el('h3', null, 'New claim'));
      popover.appendChild(form);
      // The popover lives in the article pane so it scrolls with the text it belongs to.
      const pane = textRoot.closest('.reader-article');
      pane.appendChild(popover);
      const paneBox = pane.getBoundingClientRect();
      const top = (rect ? rect.bottom : paneBox.top + 120) - paneBox.top + pane.scrollTop + 8;
      const left = Math.min((rect ? rect.left : paneBox.left + 40) - paneBox.left, pane.clientWidth - popover.offsetWidth - 16);
      popover.style.top = top + 'px';
      popover.style.left = Math.max(8, left) + 'px';
      this.popover = popover;
      this.form = form;
      form.querySelector('.speaker-input').focus();
    },

    openEdit: function (claim, slot) {
      this.close();
      LinkForm.close();
      const form = this._build(claim, null);
      slot.replaceChildren(form);
      this.form = form;
      form.querySelector('textarea').focus();
    },

    _build: function (claim, span) {
      const form = fromTemplate('claim-form-template');
      const quote = claim ? claim.quote : body.slice(span.start, span.end);
      form.querySelector('.form-quote').textContent = '“' + TextMath.truncate(quote, 200) + '”';
      const picker = SpeakerPicker.attach(form, claim ? claim.speaker : null);
      if (claim) {
        form.elements.summary.value = claim.summary;
        form.elements.tags.value = claim.tags.join(', ');
        form.querySelector('[type=submit]').textContent = 'Save changes';
      }
      const error = form.querySelector('.form-error');
      const self = this;
      form.querySelector('.cancel').addEventListener('click', function () { self.close(); });
      form.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') { event.preventDefault(); self.close(); }
      });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        const fields = {
          summary: form.elements.summary.value,
          tags: TextMath.parseTags(form.elements.tags.value),
        };
        Object.assign(fields, picker.payload(claim));
        const submit = form.querySelector('[type=submit]');
        submit.disabled = true;
        error.hidden = true;
        const live = claim ? claims.get(claim.id) : null;
        const request = claim
          ? Reader.update(live, fields)
          : Reader.create(Object.assign({
            article: data.article.id,
            start: offsets.toCodePoint(span.start),
            end: offsets.toCodePoint(span.end),
            quote: quote,
          }, fields));
        request.then(function (result) {
          submit.disabled = false;
          if (result.ok) { self.close(); return; }
          error.textContent = result.status === 409
            ? 'Someone else changed this claim while you were editing (it is now version ' + result.data.current_version +
              '). The card shows their version; your changes are still in this form: save again to apply them.'
            : Api.message(result);
          error.hidden = false;
        });
      });
      return form;
    },
  };

  /* ------------------------------------------------------------ SpeakerPicker */

  const SpeakerPicker = {
    /* Wire the speaker field of a claim form; returns {payload(claim)} giving the speaker fields to send. */
    attach: function (form, initial) {
      const input = form.querySelector('.speaker-input');
      const options = form.querySelector('.speaker-options');
      const newFields = form.querySelector('.new-speaker');
      let chosen = initial ? { id: initial.id, label: initial.label } : null;
      let active = -1;
      if (chosen) { input.value = chosen.label; }

      function localSpeakers() {
        const seen = new Map();
        claims.forEach(function (claim) { if (claim.speaker) { seen.set(claim.speaker.id, claim.speaker); } });
        return Array.from(seen.values());
      }

      function render(speakers, typed) {
        options.replaceChildren();
        active = -1;
        speakers.slice(0, 8).forEach(function (speaker) {
          const option = el('li', 'option');
          option.setAttribute('role', 'option');
          option.appendChild(el('span', 'name', speaker.name));
          if (speaker.description) { option.appendChild(el('span', 'muted small', ' · ' + speaker.description)); }
          option.addEventListener('mousedown', function (event) { event.preventDefault(); choose(speaker); });
          options.appendChild(option);
        });
        const exact = speakers.some(function (speaker) { return speaker.name.toLowerCase() === typed.toLowerCase(); });
        if (typed && !exact && data.may.add_speaker) {
          const create = el('li', 'option create', 'New speaker “' + typed + '”');
          create.setAttribute('role', 'option');
          create.addEventListener('mousedown', function (event) { event.preventDefault(); chooseNew(); });
          options.appendChild(create);
        }
        options.hidden = options.children.length === 0;
        input.setAttribute('aria-expanded', String(!options.hidden));
      }

      function choose(speaker) {
        chosen = { id: speaker.id, label: speaker.label || speaker.name };
        input.value = chosen.label;
        options.hidden = true;
        newFields.hidden = true;
        input.setAttribute('aria-expanded', 'false');
      }

      function chooseNew() {
        chosen = null;
        options.hidden = true;
        newFields.hidden = false;
        input.setAttribute('aria-expanded', 'false');
        newFields.querySelector('input').focus();
      }

      const search = debounce(function (typed) {
        Api.get('/api/speakers/', { q: typed }).then(function (result) {
          if (result.ok && input.value.trim() === typed) { render(result.data.results || [], typed); }
        });
      }, 180);

      input.addEventListener('input', function () {
        chosen = null;
        const typed = input.value.trim();
        newFields.hidden = !typed || !data.may.add_speaker;
        if (!typed) { render(localSpeakers(), ''); return; }
        search(typed);
      });
      input.addEventListener('focus', function () { if (!input.value.trim()) { render(localSpeakers(), ''); } });
      input.addEventListener('blur', function () { options.hidden = true; input.setAttribute('aria-expanded', 'false'); });
      input.addEventListener('keydown', function (event) {
        const items = Array.from(options.children);
        if (options.hidden || items.length === 0) { return; }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          active = (active + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          items.forEach(function (item, index) { item.classList.toggle('is-active', index === active); });
        } else if (event.key === 'Enter' && active >= 0) {
          event.preventDefault();
          items[active].dispatchEvent(new MouseEvent('mousedown', { cancelable: true }));
        } else if (event.key === 'Escape') {
          event.stopPropagation();
          options.hidden = true;
        }
      });

      return {
        /* Chosen speaker -> {speaker: id}; typed name -> {new_speaker}; cleared -> {speaker: null}. */
        payload: function (claim) {
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
        },
      };
    },
  };

  /* ------------------------------------------------------------ LinkForm */

  const LinkForm = {
    form: null,

    close: function () {
      if (this.form) { this.form.remove(); }
      this.form = null;
    },

    open: function (claim, slot) {
      ClaimForm.close();
      this.close();
      const form = fromTemplate('link-form-template');
      const results = form.querySelector('.link-results');
      const submit = form.querySelector('[type=submit]');
      const error = form.querySelector('.form-error');
      const relation = form.elements.relation;
      data.relations.forEach(function (choice) {
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
        Api.get('/api/claims/', params).then(function (result) {
          if (result.ok) { show(result.data.results); } else { error.textContent = Api.message(result); error.hidden = false; }
        });
      }, 200);
      ['q', 'speaker_name', 'article_title'].forEach(function (name) { form.elements[name].addEventListener('input', search); });

      form.querySelector('.cancel').addEventListener('click', function () { LinkForm.close(); });
      form.addEventListener('keydown', function (event) { if (event.key === 'Escape') { LinkForm.close(); } });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        if (!target) { return; }
        submit.disabled = true;
        error.hidden = true;
        Reader.link(claim, { to_claim: target.id, relation: relation.value, note: form.elements.note.value }).then(function (result) {
          submit.disabled = false;
          if (result.ok) { LinkForm.close(); return; }
          error.textContent = Api.message(result);
          error.hidden = false;
        });
      });
      slot.replaceChildren(form);
      this.form = form;
      form.elements.q.focus();
      search();
    },
  };

  /* ------------------------------------------------------------ wiring */

  function updateAddButton() {
    if (addButton) { addButton.disabled = !Highlights.selection(); }
  }

  function offerForm() {
    if (!data.may.add_claim) { return; }
    const span = Highlights.selection();
    if (span) { ClaimForm.openCreate(span); }
  }

  textRoot.addEventListener('mouseup', function () {
    // Let the browser finish the selection first.
    setTimeout(function () {
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed) { offerForm(); }
    }, 0);
  });

  textRoot.addEventListener('click', function (event) {
    const mark = event.target.closest('mark.hl');
    const selection = window.getSelection();
    if (!mark || (selection && !selection.isCollapsed)) { return; }
    const ids = Highlights.claimsAt(mark);
    if (!ids.length) { return; }
    // Repeated clicks on overlapping highlights step outward from the innermost claim.
    const position = ids.indexOf(selectedId);
    select(ids[(position + 1) % ids.length], { scrollCard: true });
  });

  textRoot.addEventListener('keydown', function (event) {
    if (Highlights.onKeydown(event)) { updateAddButton(); return; }
    if (event.key === 'Enter' && Highlights.selection()) { event.preventDefault(); offerForm(); }
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
    if (event.key === 'Escape' && ClaimForm.popover) { ClaimForm.close(); }
  });
  panelFilter.addEventListener('input', function () { Cards.applyFilter(); });

  function followHash() {
    const match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (match && claims.has(Number(match[1]))) { select(Number(match[1]), { scrollText: true, scrollCard: true, center: true }); }
  }
  window.addEventListener('hashchange', followHash);

  // First draw: cards, then highlights, then the claim named in the address.
  data.claims.forEach(function (claim) { Cards.upsert(claim); });
  Cards.order();
  redrawHighlights();
  performance.mark('highlights-drawn');
  performance.measure('highlights', 'reader-start', 'highlights-drawn');
  textRoot.dataset.ready = 'true';
  followHash();

  window.DeskReader = { Reader: Reader, Highlights: Highlights, select: select, claims: claims };
})();
