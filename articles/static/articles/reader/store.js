/*
 * The article's claims and the links touching them, the selected claim, and every write to them
 * through the API. The store draws nothing: it announces each change as an event, and main.js
 * passes it on to the panel and the highlights. Events (CustomEvent, the change in `detail`):
 *   claim     {claim, created}   a claim was added or replaced (created: just saved from a selection)
 *   remove    {id}               a claim left the article (deleted)
 *   deleted   {claim}            ... and can be restored from the "Deleted" list
 *   restored  {id}               a deleted claim came back
 *   links     {}                 links were added or removed
 *   select    {id, previous, options}  options: scrollText, scrollCard, center
 *   status    {text, action}     a message for the panel, with an optional {label, run} button
 */
import * as TextMath from '../textmath.js';
import * as api from './api.js';

/*
 * The page's compact claims (queries.compact_claims: `columns`, one `rows` entry per claim, speakers, users,
 * tags and verdicts by id in lookup tables) expanded into the API's claim objects, which the rest of the
 * reader reads. A column the server adds is copied onto every claim under its name: a new per-claim field
 * needs no change here unless it is an id to look up. A row may end early: the columns past its end hold
 * their `defaults` (queries.trimmed_rows).
 */
const NO_VERDICT = { code: 'none', label: 'No verdict', verdict: null, reason: '', rating: '' };

/* A row's value in a column, or the column's default past the row's end (defaults are numbers, text, true,
 * false or null: never an object two claims would share). */
function cell(row, at, columns, defaults) {
  return at < row.length ? row[at] : defaults[columns[at]];
}

/* A shared text by its index (queries._share), null staying null. */
function shared(texts, index) {
  return index === null ? null : texts[index];
}

export function expandClaims(compact, body) {
  const columns = compact.columns;
  const defaults = compact.defaults || {};
  // The reader's quotes that read exactly as the text at their offsets come as null: taken from the text.
  const offsets = compact.quotes_from_body ? TextMath.offsetMap(body) : null;
  const width = columns.length;
  const speakers = new Map();
  const speakerTexts = compact.speaker_texts || {};
  Object.keys(compact.speakers).forEach(function (id) {
    const speaker = { id: Number(id) };
    compact.speaker_columns.forEach(function (name, index) {
      const value = compact.speakers[id][index];
      speaker[name] = speakerTexts[name] ? shared(speakerTexts[name], value) : value;
    });
    speaker.label = speaker.description ? speaker.name + ' (' + speaker.description + ')' : speaker.name;
    speakers.set(Number(id), speaker);
  });
  const tags = compact.tags;
  const users = compact.users;
  const urls = compact.urls;
  const actions = compact.verdict_actions || {};
  const verdict = function (id) {
    if (id === null || id === undefined) { return null; }
    const row = compact.verdicts[id];
    return {
      id: id,
      rating: row.rating,
      rating_label: compact.ratings[row.rating] || row.rating,
      headline: row.headline,
      url: urls.verdict.replace('{}', id),
    };
  };
  const rows = compact.rows;
  const claims = new Array(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const claim = { article: compact.article, deleted: false };
    for (let column = 0; column < width; column++) { claim[columns[column]] = cell(row, column, columns, defaults); }
    // Speakers are shared objects: the store's speakers() and the forms read them, never change them.
    claim.speaker = claim.speaker === null ? null : speakers.get(claim.speaker);
    claim.tags = claim.tags.map(function (id) { return tags[id]; });
    claim.created_by = users[claim.created_by];
    claim.verdict = verdict(claim.verdict);
    claim.url = urls.claim.replace('{}', claim.id);
    // Status: null for "No verdict"; the next step on the verdict by kind, its label and URL sent once.
    claim.status = claim.status || NO_VERDICT;
    const action = claim.verdict_action ? actions[claim.verdict_action] : null;
    claim.verdict_action = action ? {
      label: action.label,
      url: action.url.replace('{}', claim.verdict_action === 'write' ? claim.id : claim.status.verdict),
    } : null;
    if (claim.quote === null && offsets) { claim.quote = body.slice(offsets.toUtf16(claim.start), offsets.toUtf16(claim.end)); }
    claims[index] = claim;
  }
  return claims;
}

/*
 * The page's compact links (queries.compact_links) expanded into the API's link objects, given the article's
 * claims (expanded) and the relations [{value, label}]: an end in this article is built from its claim, the
 * others from `ends`, with each article's title and outlet from `articles` (the outlet by its index in
 * `sources`); a link's relation and author by their indexes in `relations` and `users`.
 */
export function expandLinks(compact, claims, relations) {
  const byId = new Map(claims.map(function (claim) { return [claim.id, claim]; }));
  const labels = new Map(relations.map(function (relation) { return [relation.value, relation.label]; }));
  const urls = compact.urls;
  const actions = compact.verdict_actions || {};
  const endColumns = compact.end_columns;
  const end = function (claimId) {
    const claim = byId.get(claimId);
    let values;
    if (claim) {
      values = { article: claim.article, quote: claim.quote, summary: claim.summary,
        speaker: claim.speaker ? claim.speaker.name : null, anchor_state: claim.anchor_state };
    } else {
      values = { summary: null }; // not sent for claims in other articles: the cards do not show it
      const row = compact.ends[claimId];
      endColumns.forEach(function (name, index) { values[name] = cell(row, index, endColumns, compact.end_defaults); });
    }
    const article = compact.articles[values.article];
    return {
      id: claimId,
      article: values.article,
      article_title: article[0],
      source: shared(compact.sources, article[1]),
      quote: values.quote,
      summary: values.summary,
      speaker: values.speaker,
      anchor_state: values.anchor_state,
      reader_url: urls.reader.replace('{}', values.article).replace('{}', claimId),
      url: urls.claim.replace('{}', claimId),
    };
  };
  const columns = compact.columns;
  return compact.rows.map(function (row) {
    const link = {};
    columns.forEach(function (name, index) { link[name] = cell(row, index, columns, compact.defaults); });
    link.relation = compact.relations[link.relation];
    link.created_by = compact.users[link.created_by];
    link.from_claim = end(link.from_claim);
    link.to_claim = end(link.to_claim);
    link.relation_label = labels.get(link.relation) || link.relation;
    return link;
  });
}

export class ClaimStore extends EventTarget {
  constructor({ claims, links }) {
    super();
    this.claims = new Map(claims.map(function (claim) { return [claim.id, claim]; }));
    this.links = links.slice();
    this.selectedId = null;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail: detail || {} }));
  }

  /* ---------------------------------------------------------- reading */

  get(claimId) { return this.claims.get(claimId); }

  has(claimId) { return this.claims.has(claimId); }

  all() { return Array.from(this.claims.values()); }

  get size() { return this.claims.size; }

  /* The links touching a claim, from an index built once per change of this.links (not a scan per card). */
  linksOf(claimId) {
    if (this.linkIndexOf !== this.links || this.linkIndexLength !== this.links.length) {
      const index = new Map();
      const add = function (id, link) { if (!index.has(id)) { index.set(id, []); } index.get(id).push(link); };
      this.links.forEach(function (link) {
        add(link.from_claim.id, link);
        if (link.to_claim.id !== link.from_claim.id) { add(link.to_claim.id, link); }
      });
      this.linkIndex = index;
      this.linkIndexOf = this.links;
      this.linkIndexLength = this.links.length;
    }
    return this.linkIndex.get(claimId) || [];
  }

  /* The speakers of this article's claims, each once: the first suggestions for a speaker field. */
  speakers() {
    const seen = new Map();
    this.claims.forEach(function (claim) { if (claim.speaker) { seen.set(claim.speaker.id, claim.speaker); } });
    return Array.from(seen.values());
  }

  /* ---------------------------------------------------------- local changes */

  select(claimId, options) {
    const previous = this.selectedId;
    this.selectedId = claimId;
    this.emit('select', { id: claimId, previous: previous, options: options || {} });
  }

  status(text, action) {
    this.emit('status', { text: text, action: action });
  }

  /* Add or replace a claim with the server's current version of it. */
  put(claim, created) {
    this.claims.set(claim.id, claim);
    this.emit('claim', { claim: claim, created: Boolean(created) });
  }

  remove(claimId) {
    this.claims.delete(claimId);
    if (this.selectedId === claimId) { this.selectedId = null; }
    this.emit('remove', { id: claimId });
  }

  /* ---------------------------------------------------------- writes (each resolves to the API's result) */

  create(payload) {
    const store = this;
    return api.request('POST', '/api/claims/', payload).then(function (result) {
      if (result.ok) {
        store.put(result.data, true);
        store.select(result.data.id, { scrollCard: true });
        store.status('Claim saved.');
      }
      return result;
    });
  }

  /* PATCH the claim at the version read; on a conflict the store takes the server's current version. */
  update(claim, changes) {
    const store = this;
    const payload = Object.assign({ version: claim.version }, changes);
    return api.request('PATCH', '/api/claims/' + claim.id + '/', payload).then(function (result) {
      if (result.ok) { store.put(result.data); store.status('Claim updated.'); }
      if (result.status === 409 && result.data.current) { store.put(result.data.current); }
      return result;
    });
  }

  destroy(claim) {
    const store = this;
    return api.request('DELETE', '/api/claims/' + claim.id + '/').then(function (result) {
      if (!result.ok) { store.status(api.errorMessage(result)); return result; }
      store.remove(claim.id);
      store.emit('deleted', { claim: claim });
      store.status('Claim deleted.', { label: 'Undo', run: function () { store.restore(claim); } });
      return result;
    });
  }

  restore(claim) {
    const store = this;
    return api.request('POST', '/api/claims/' + claim.id + '/restore/').then(function (result) {
      if (!result.ok) { store.status(api.errorMessage(result)); return result; }
      store.emit('restored', { id: claim.id });
      store.put(result.data);
      store.emit('links');
      store.select(result.data.id, { scrollCard: true, scrollText: true });
      store.status('Deletion undone.');
      return result;
    });
  }

  link(fromClaim, payload) {
    const store = this;
    return api.request('POST', '/api/links/', Object.assign({ from_claim: fromClaim.id }, payload)).then(function (result) {
      if (result.ok) { store.links.push(result.data); store.emit('links'); store.status('Claims linked.'); }
      return result;
    });
  }

  unlink(link) {
    const store = this;
    return api.request('DELETE', '/api/links/' + link.id + '/').then(function (result) {
      if (!result.ok) { store.status(api.errorMessage(result)); return result; }
      store.links = store.links.filter(function (other) { return other.id !== link.id; });
      store.emit('links');
      store.status('Link removed.');
      return result;
    });
  }
}
