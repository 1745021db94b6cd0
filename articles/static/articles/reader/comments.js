/*
 * Discussion on a claim card: "Comments (n)" expands the claim's threads, fetched then from
 * /api/comments/?claim=<id> (the page itself carries only the counts). Post a comment, reply in a
 * thread, edit or delete your own (editors: delete any), resolve or reopen a thread.
 *
 * Typing @ and a few letters suggests people (/api/users/?q=): the text box owns a listbox of
 * suggestions (aria-autocomplete, aria-controls, aria-activedescendant); ArrowDown/ArrowUp move,
 * Enter or Tab picks, Escape closes. Comment text is hostile: it enters the DOM as text only.
 *
 * It plugs in through the panel's "card" event, like reanchor.js, and patches no other module.
 */
import * as api from './api.js';
import { debounce, el } from './dom.js';

const URL = '/api/comments/';
let serial = 0;

function nextId(prefix) {
  serial += 1;
  return prefix + '-' + serial;
}

function newKey() {
  return window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : null;
}

function button(label, className, onClick) {
  const node = el('button', 'small ' + (className || ''), label);
  node.type = 'button';
  node.addEventListener('click', function (event) { event.stopPropagation(); onClick(); });
  return node;
}

function countLabel(count) {
  return count === 1 ? '1 comment' : count + ' comments';
}

/* The @mention being typed just before the caret: {start, query}, or null. */
export function mentionBeforeCaret(text, caret) {
  const before = text.slice(0, caret);
  const match = /(^|[^\w.@+-])@([\w.+-]{0,150})$/.exec(before);
  return match ? { start: before.length - match[2].length - 1, query: match[2] } : null;
}

/*
 * A form with a labelled text box that suggests @mentions. onSubmit(text) resolves to an error message
 * (shown) or null (done: the form is cleared, or removed by the caller).
 */
function composer({ label, submitLabel, initial, onSubmit, onCancel }) {
  const form = el('form', 'comment-form');
  form.noValidate = true;
  const boxId = nextId('comment-text');
  const listId = boxId + '-suggestions';
  const hintId = boxId + '-hint';
  const labelNode = el('label', 'comment-label', label);
  labelNode.htmlFor = boxId;
  const box = el('textarea', 'comment-text-input');
  box.id = boxId;
  box.name = 'text';
  box.rows = 2;
  box.value = initial || '';
  box.setAttribute('aria-autocomplete', 'list');
  box.setAttribute('aria-haspopup', 'listbox');
  box.setAttribute('aria-controls', listId);
  box.setAttribute('aria-describedby', hintId);
  const hint = el('span', 'muted small', 'Type @ and a name to mention someone.');
  hint.id = hintId;
  const list = el('ul', 'mention-options');
  list.id = listId;
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'People to mention');
  list.hidden = true;
  const error = el('p', 'form-error error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const actions = el('div', 'form-actions');
  const submit = el('button', 'button primary small', submitLabel);
  submit.type = 'submit';
  actions.appendChild(submit);
  if (onCancel) { actions.appendChild(button('Cancel', 'button', onCancel)); }
  form.append(labelNode, box, hint, list, error, actions);

  let options = [];
  let active = -1;
  let asked = null;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    box.removeAttribute('aria-activedescendant');
  }

  function highlight(index) {
    active = index;
    Array.from(list.children).forEach(function (item, i) { item.setAttribute('aria-selected', String(i === index)); });
    if (index >= 0) { box.setAttribute('aria-activedescendant', list.children[index].id); } else { box.removeAttribute('aria-activedescendant'); }
  }

  function pick(index) {
    const mention = mentionBeforeCaret(box.value, box.selectionStart);
    const person = options[index];
    if (!mention || !person) { close(); return; }
    const inserted = '@' + person.username + ' ';
    box.value = box.value.slice(0, mention.start) + inserted + box.value.slice(box.selectionStart);
    const caret = mention.start + inserted.length;
    box.setSelectionRange(caret, caret);
    close();
    box.focus();
  }

  function show(people) {
    options = people;
    list.replaceChildren();
    people.forEach(function (person, i) {
      const item = el('li', 'mention-option');
      item.id = listId + '-' + i;
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', 'false');
      item.appendChild(el('span', 'mention-username', '@' + person.username));
      if (person.name) { item.appendChild(el('span', 'muted small', ' ' + person.name)); }
      item.addEventListener('mousedown', function (event) { event.preventDefault(); pick(i); });
      list.appendChild(item);
    });
    list.hidden = people.length === 0;
    highlight(people.length ? 0 : -1);
  }

  const suggest = debounce(function () {
    const mention = mentionBeforeCaret(box.value, box.selectionStart);
    if (!mention) { close(); return; }
    const query = mention.query;
    asked = query;
    api.get('/api/users/', { q: query }).then(function (result) {
      if (asked !== query) { return; } // a later keystroke asked again
      const still = mentionBeforeCaret(box.value, box.selectionStart);
      if (!result.ok || !still || still.query !== query) { close(); return; }
      show(result.data);
    });
  }, 150);

  box.addEventListener('input', suggest);
  box.addEventListener('blur', function () { setTimeout(close, 100); });
  box.addEventListener('keydown', function (event) {
    if (list.hidden) { return; }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  form.addEventListener('click', function (event) { event.stopPropagation(); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    onSubmit(box.value).then(function (message) {
      submit.disabled = false;
      if (message) {
        error.textContent = message;
        error.hidden = false;
        return;
      }
      box.value = '';
    });
  });
  form.focusText = function () { box.focus(); };
  return form;
}

/* One claim's discussion, inside its card. */
class ClaimDiscussion {
  constructor(card, claimId, count) {
    this.card = card;
    this.claimId = claimId;
    this.count = count;
    this.key = newKey();
    this.root = el('div', 'card-discussion');
    const regionId = 'comments-' + claimId;
    this.toggle = button('', 'comments-toggle', this.flip.bind(this));
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.setAttribute('aria-controls', regionId);
    this.region = el('section', 'comments-region');
    this.region.id = regionId;
    this.region.setAttribute('aria-label', 'Comments on this claim');
    this.region.hidden = true;
    this.status = el('p', 'comments-status muted small');
    this.status.setAttribute('role', 'status');
    this.threads = el('ol', 'comment-threads');
    this.region.append(this.threads, this.status);
    this.composer = null; // built when the discussion first opens: a page of 1,000 cards needs none up front
    this.root.append(this.toggle, this.region);
    card.appendChild(this.root);
    this.showCount();
  }

  showCount() {
    this.toggle.textContent = 'Comments (' + this.count + ')';
    this.toggle.title = countLabel(this.count);
  }

  flip() {
    if (!this.composer) {
      this.composer = composer({ label: 'Add a comment', submitLabel: 'Post comment', onSubmit: this.post.bind(this) });
      this.region.appendChild(this.composer);
    }
    this.region.hidden = !this.region.hidden;
    this.toggle.setAttribute('aria-expanded', String(!this.region.hidden));
    this.showCount();
    if (!this.region.hidden) { this.load(); }
  }

  load() {
    const self = this;
    this.status.textContent = 'Loading comments…';
    return api.get(URL, { claim: this.claimId, page_size: 500 }).then(function (result) {
      if (!result.ok) { self.status.textContent = api.errorMessage(result); return; }
      const comments = result.data.results;
      self.count = comments.filter(function (comment) { return !comment.deleted; }).length;
      self.showCount();
      self.render(comments);
      self.status.textContent = comments.length ? '' : 'No comments yet.';
    });
  }

  render(comments) {
    const self = this;
    const threads = new Map();
    comments.forEach(function (comment) {
      if (comment.parent === null) { threads.set(comment.id, { root: comment, replies: [] }); }
    });
    comments.forEach(function (comment) {
      if (comment.parent !== null && threads.has(comment.parent)) { threads.get(comment.parent).replies.push(comment); }
    });
    this.threads.replaceChildren();
    threads.forEach(function (thread) { self.threads.appendChild(self.threadView(thread)); });
  }

  threadView(thread) {
    const self = this;
    const root = thread.root;
    const item = el('li', 'comment-thread' + (root.resolved ? ' is-resolved' : ''));
    item.dataset.thread = root.id;
    if (root.resolved) {
      item.appendChild(el('p', 'thread-state small', 'Resolved by ' + root.resolved_by));
    }
    item.appendChild(this.commentView(root));
    const replies = el('ol', 'comment-replies');
    thread.replies.forEach(function (reply) {
      const li = el('li');
      li.appendChild(self.commentView(reply));
      replies.appendChild(li);
    });
    item.appendChild(replies);
    const actions = el('div', 'thread-actions');
    const slot = el('div', 'reply-slot');
    actions.appendChild(button('Reply', 'reply-button', function () {
      if (slot.firstChild) { slot.firstChild.focusText(); return; }
      const form = composer({
        label: 'Reply to ' + root.author,
        submitLabel: 'Post reply',
        onSubmit: function (text) { return self.send({ parent: root.id, text: text }); },
        onCancel: function () { slot.replaceChildren(); },
      });
      slot.appendChild(form);
      form.focusText();
    }));
    actions.appendChild(button(root.resolved ? 'Reopen' : 'Resolve', root.resolved ? 'reopen-button' : 'resolve-button', function () {
      self.write('POST', URL + root.id + '/' + (root.resolved ? 'reopen' : 'resolve') + '/', undefined,
        root.resolved ? 'Thread reopened.' : 'Thread resolved.');
    }));
    item.append(actions, slot);
    return item;
  }

  commentView(comment) {
    const self = this;
    const node = el('article', 'comment');
    node.id = 'comment-' + comment.id;
    node.setAttribute('aria-label', 'Comment by ' + comment.author);
    const head = el('p', 'comment-head small');
    head.appendChild(el('strong', 'comment-author', comment.author));
    const when = el('time', 'muted', new Date(comment.created_at).toLocaleString());
    when.dateTime = comment.created_at;
    head.append(' ', when);
    if (comment.edited_at) { head.appendChild(el('span', 'muted', ' (edited)')); }
    node.appendChild(head);
    const text = el('p', 'comment-body', comment.deleted ? 'This comment was deleted.' : comment.text);
    if (comment.deleted) { text.classList.add('muted'); }
    node.appendChild(text);
    const actions = el('div', 'comment-actions');
    if (comment.can_edit) {
      actions.appendChild(button('Edit', 'edit-comment', function () {
        const form = composer({
          label: 'Edit your comment',
          submitLabel: 'Save',
          initial: comment.text,
          onSubmit: function (value) {
            return self.write('PATCH', URL + comment.id + '/', { version: comment.version, text: value }, 'Comment saved.');
          },
          onCancel: function () { form.replaceWith(text); actions.hidden = false; },
        });
        text.replaceWith(form);
        actions.hidden = true;
        form.focusText();
      }));
    }
    if (comment.can_delete) {
      actions.appendChild(button('Delete', 'delete-comment danger', function () {
        self.write('DELETE', URL + comment.id + '/', undefined, 'Comment deleted.');
      }));
    }
    if (actions.children.length) { node.appendChild(actions); }
    return node;
  }

  post(text) {
    return this.send({ claim: this.claimId, text: text });
  }

  /* A create, with an Idempotency-Key kept until it succeeds (a retried click makes one comment). */
  send(payload) {
    const self = this;
    return api.request('POST', URL, payload, this.key ? { 'Idempotency-Key': this.key } : undefined).then(function (result) {
      if (!result.ok) { return api.errorMessage(result); }
      self.key = newKey();
      self.status.textContent = 'Comment posted.';
      return self.load().then(function () { return null; });
    });
  }

  write(method, url, payload, done) {
    const self = this;
    return api.request(method, url, payload).then(function (result) {
      if (!result.ok) {
        const message = api.errorMessage(result);
        if (result.status === 409) { return self.load().then(function () { self.status.textContent = message; return message; }); }
        self.status.textContent = message;
        return message;
      }
      return self.load().then(function () { self.status.textContent = done; return null; });
    });
  }
}

/* counts: {claim id: live comments}, from the page; threads are fetched when a card's comments open. */
export function startComments({ panel, counts }) {
  const discussions = new Map();
  panel.addEventListener('card', function (event) {
    const { card, claim } = event.detail;
    const existing = discussions.get(claim.id);
    if (existing && existing.card === card) { return; }
    discussions.set(claim.id, new ClaimDiscussion(card, claim.id, Number((counts || {})[claim.id] || 0)));
  });
}
