/*
 * The lists' speaker filter (articles/filters.py SpeakerPicker): a search box that suggests speakers
 * from /api/speakers/?q= and keeps the chosen speaker's id in the hidden input the form submits.
 *
 * Typing a name that is not one of the suggestions clears the id and marks the box invalid, so the
 * browser refuses to apply the filters with a message instead of silently dropping the speaker.
 */
(function () {
  'use strict';

  const DELAY_MS = 180;
  const UNCHOSEN = 'Choose a speaker from the suggestions, or clear the box.';

  function setUp(input) {
    const hidden = document.getElementById(input.dataset.speakerPicker);
    const list = document.getElementById(input.getAttribute('list'));
    if (!hidden || !list) { return; }
    const known = new Map(); // label -> id, for every speaker suggested so far
    if (input.value && hidden.value) { known.set(input.value, hidden.value); }
    let timer = null;

    function settle() {
      const typed = input.value.trim();
      hidden.value = typed ? (known.get(typed) || '') : '';
      input.setCustomValidity(typed && !hidden.value ? UNCHOSEN : '');
    }

    function suggest(typed) {
      const url = '/api/speakers/?q=' + encodeURIComponent(typed);
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (input.value.trim() !== typed) { return; } // the user typed on; a later answer will come
          list.replaceChildren();
          (data.results || []).forEach(function (speaker) {
            known.set(speaker.label, String(speaker.id));
            const option = document.createElement('option');
            option.value = speaker.label; // text, never HTML
            list.appendChild(option);
          });
          settle();
        })
        .catch(function () { /* no suggestions; the box stays as typed */ });
    }

    input.addEventListener('input', function () {
      settle();
      clearTimeout(timer);
      const typed = input.value.trim();
      if (typed && !known.has(typed)) { timer = setTimeout(suggest, DELAY_MS, typed); }
    });
    input.form.addEventListener('reset', function () { hidden.value = ''; input.setCustomValidity(''); });
  }

  document.querySelectorAll('input[data-speaker-picker]').forEach(setUp);
})();
