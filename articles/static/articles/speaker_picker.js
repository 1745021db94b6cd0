/*
 * The lists' speaker filter (articles/filters.py SpeakerPicker): a combobox (WAI-ARIA 1.2 pattern) that
 * suggests speakers from /api/speakers/?q= and keeps the chosen speaker's id in the hidden input.
 *
 * Arrow keys move through the suggestions (aria-activedescendant), Enter or a click picks one and never
 * submits the form, Escape closes the list. Text typed without picking is sent as typed: the server
 * resolves a plain name ("bonifacio bustamante") and says next to the field when it cannot.
 */
(function () {
  'use strict';

  const DELAY_MS = 180;

  function setUp(input) {
    const hidden = document.getElementById(input.dataset.speakerPicker);
    const list = document.getElementById(input.getAttribute('aria-controls'));
    if (!hidden || !list) { return; }
    let chosenLabel = hidden.value ? input.value : null;
    let options = []; // [{id, label, element}]
    let active = -1;
    let timer = null;
    let asked = '';

    function open(isOpen) {
      list.hidden = !isOpen;
      input.setAttribute('aria-expanded', String(isOpen));
      if (!isOpen) { highlight(-1); }
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.element.classList.toggle('is-active', i === index);
        option.element.setAttribute('aria-selected', String(i === index));
      });
      active = index;
      if (index >= 0) {
        input.setAttribute('aria-activedescendant', options[index].element.id);
        options[index].element.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function pick(index) {
      const option = options[index];
      input.value = option.label;
      hidden.value = option.id;
      chosenLabel = option.label;
      open(false);
    }

    function show(results) {
      list.replaceChildren();
      options = results.map(function (speaker, i) {
        const element = document.createElement('li');
        element.id = list.id + '-' + i;
        element.className = 'option';
        element.setAttribute('role', 'option');
        element.setAttribute('aria-selected', 'false');
        element.textContent = speaker.label; // text, never HTML
        // mousedown, not click: picking must happen before the input loses focus.
        element.addEventListener('mousedown', function (event) { event.preventDefault(); pick(i); });
        list.appendChild(element);
        return { id: String(speaker.id), label: speaker.label, element: element };
      });
      active = -1;
      open(options.length > 0);
    }

    function suggest(typed) {
      asked = typed;
      fetch('/api/speakers/?q=' + encodeURIComponent(typed), {
        credentials: 'same-origin', headers: { Accept: 'application/json' },
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (input.value.trim() !== typed) { return; } // the user typed on; a later answer will come
          show((data.results || []).slice(0, 20));
        })
        .catch(function () { open(false); });
    }

    input.addEventListener('input', function () {
      const typed = input.value.trim();
      if (input.value !== chosenLabel) { hidden.value = ''; chosenLabel = null; }
      clearTimeout(timer);
      if (!typed) { open(false); return; }
      if (typed !== asked || list.hidden) { timer = setTimeout(suggest, DELAY_MS, typed); }
    });

    input.addEventListener('keydown', function (event) {
      const isOpen = !list.hidden && options.length > 0;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (!isOpen) {
          if (options.length) { open(true); } else if (input.value.trim()) { suggest(input.value.trim()); }
          return;
        }
        const step = event.key === 'ArrowDown' ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === 'Enter' && isOpen) {
        event.preventDefault(); // Enter in an open list picks; it never submits the form
        if (active >= 0) { pick(active); } else { open(false); }
      } else if (event.key === 'Escape' && isOpen) {
        event.preventDefault();
        open(false);
      }
    });

    input.addEventListener('blur', function () { open(false); });

    // A chosen speaker goes as its id alone; the text box is only sent when nothing was picked.
    input.form.addEventListener('submit', function () { input.disabled = Boolean(hidden.value); });
    window.addEventListener('pageshow', function () { input.disabled = false; });
    input.form.addEventListener('reset', function () { hidden.value = ''; chosenLabel = null; open(false); });
  }

  document.querySelectorAll('input[data-speaker-picker]').forEach(setUp);
})();
