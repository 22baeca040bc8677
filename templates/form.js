/* templates/form.js - the web form's progressive enhancement (survey/webform.c).
 *
 * The form works fully without this script: every question is shown, with a
 * note saying when to answer it, and the server drops answers to questions
 * that were skipped. With it:
 *   - a question whose show-if does not hold is hidden and its inputs are
 *     disabled (so they are not sent), and it comes back as answers change;
 *     a part (section) left without questions says so, once the answers
 *     its questions depend on are given (not before anything is answered);
 *   - the error summary takes focus when the page opens, and its links move
 *     focus to the field and bring its question into view.
 * A question carries its condition as data-show-if="QUESTION_ID" and
 * data-show-values="V1 V2 ..." (the field values that make it shown; for a
 * multiple-choice question, one of them chosen is enough). Conditions only
 * look at earlier questions, so one pass in page order also settles chains:
 * a hidden question's inputs are disabled, hence it has no answer, hence the
 * questions that depend on it are hidden too (as the server decides).
 * Plain ES5, no inline handlers: the server's Content-Security-Policy allows
 * this file and nothing else.
 */
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.className += ' js';

  /* A number as the server reads it: spaces (also no-break and thin spaces)
   * ignored, a typographic minus allowed, leading zeros dropped, and a word
   * after it allowed, as the server allows the question's unit ("12 år").
   * Any word is taken here: if it is not the unit, the server says so beside
   * this (visible) field, whereas refusing the unit here would hide questions
   * the server counts as shown. */
  function normalizeNumber(s) {
    var t = s.replace(/[\s\u00a0\u202f]/g, '').replace(/\u2212/g, '-');
    var m = /^([-+]?[0-9]+)[A-Za-z\u00c0-\u024f.]*$/.exec(t);
    if (!m) {
      return null;
    }
    return String(parseInt(m[1], 10));
  }

  /* The values the field `name` has now, from enabled inputs only. */
  function currentValues(form, name) {
    var out = [];
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.name !== name || el.disabled) {
        continue;
      }
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.checked) {
          out.push(el.value);
        }
      } else if (el.type === 'text') {
        var n = normalizeNumber(el.value);
        if (n !== null) {
          out.push(n);
        }
      }
    }
    return out;
  }

  function setShown(box, shown) {
    box.hidden = !shown;
    var inputs = box.querySelectorAll('input, textarea, select');
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].disabled = !shown;
    }
  }

  /* Whether the question `name` is settled: answered, or skipped itself
   * (every input of it disabled), so that what depends on it is decided. */
  function settled(form, name, have) {
    if (have.length > 0) {
      return true;
    }
    var els = form.elements;
    var any = false;
    for (var i = 0; i < els.length; i++) {
      if (els[i].name === name) {
        if (!els[i].disabled) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  function update(form) {
    var boxes = form.querySelectorAll('[data-show-if]');
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var want = (box.getAttribute('data-show-values') || '').split(' ');
      var name = box.getAttribute('data-show-if');
      var have = currentValues(form, name);
      var shown = false;
      for (var j = 0; j < have.length && !shown; j++) {
        shown = want.indexOf(have[j]) >= 0;
      }
      setShown(box, shown);
      box.setAttribute('data-settled', settled(form, name, have) ? '1' : '0');
    }
    /* A run of scale questions drawn as one table goes with its last
     * shown row, header and all. */
    var runs = form.querySelectorAll('.scale-run');
    for (var r = 0; r < runs.length; r++) {
      runs[r].hidden = runs[r].querySelectorAll('.grid-row:not([hidden])').length === 0;
    }
    /* A part whose questions are all skipped says so, but only once the
     * answers that skip them are given: before that it is merely waiting. */
    var notes = form.querySelectorAll('.section-skipped');
    for (var k = 0; k < notes.length; k++) {
      var part = notes[k].parentNode;
      var qs = part.querySelectorAll('.question');
      var any = false;
      for (var m = 0; m < qs.length && !any; m++) {
        any = qs[m].getClientRects().length > 0;
      }
      var waiting = part.querySelectorAll('[data-settled="0"]').length > 0;
      notes[k].hidden = any || waiting;
    }
  }

  function focusField(event) {
    var href = this.getAttribute('href') || '';
    var input = doc.getElementById(href.slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    /* Scroll to the whole question so its legend or label is in view, then
     * focus the input without scrolling again. */
    var box = input.closest ? input.closest('.question') : null;
    (box || input).scrollIntoView();
    try {
      input.focus({ preventScroll: true });
    } catch (e) {
      input.focus();
    }
  }

  var form = doc.querySelector('form.survey-form');
  if (form) {
    var run = function () { update(form); };
    form.addEventListener('change', run);
    form.addEventListener('input', run);
    run();
  }

  var summary = doc.querySelector('.error-summary');
  if (summary) {
    var links = summary.querySelectorAll('a[href^="#"]');
    for (var k = 0; k < links.length; k++) {
      links[k].addEventListener('click', focusField);
    }
    summary.focus();
  }
})();
