/*
 * The JSON API as the reader uses it: every call sends the CSRF token and resolves to
 * {ok, status, data}, never rejects; a network failure becomes status 0 with a readable detail.
 */

const UNREACHABLE = 'The server could not be reached. Check your connection and try again.';

/* Read when a request is made, from the {% csrf_token %} input the reader's page carries. */
function csrfToken() {
  const input = document.querySelector('input[name=csrfmiddlewaretoken]');
  return input ? input.value : '';
}

/* `headers`: optional extra request headers (an Idempotency-Key on a create). */
export function request(method, url, payload, headers) {
  const options = {
    method: method,
    credentials: 'same-origin',
    headers: Object.assign({ 'Accept': 'application/json', 'X-CSRFToken': csrfToken() }, headers || {}),
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
    return { ok: false, status: 0, data: { detail: UNREACHABLE } };
  });
}

/* GET with query parameters; empty parameters are left out. */
export function get(url, params) {
  const query = new URLSearchParams();
  Object.keys(params || {}).forEach(function (key) { if (params[key]) { query.set(key, params[key]); } });
  return request('GET', url + (query.toString() ? '?' + query.toString() : ''));
}

/* One readable sentence from an error body: {"detail": ...} or {"field": ["message"]}. */
export function errorMessage(result) {
  const body = result.data || {};
  if (typeof body.detail === 'string') { return body.detail; }
  const parts = [];
  Object.keys(body).forEach(function (field) {
    const value = body[field];
    const text = Array.isArray(value) ? value.join(' ') : (typeof value === 'object' ? JSON.stringify(value) : String(value));
    parts.push(field === 'detail' || field === 'non_field_errors' ? text : field + ': ' + text);
  });
  return parts.join(' ') || ('The server answered ' + result.status + '.');
}
