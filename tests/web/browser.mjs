// tests/web/browser.mjs - the web form in a real browser: a respondent's whole visit,
// keyboard-only use, accessibility (axe-core) and screenshots.
//
// usage: node tests/web/browser.mjs ENKAT SOURCE_ROOT [SCREENSHOT_DIR]
//        (SCREENSHOT_DIR also from $ENKAT_SCREENSHOTS; default: none taken)
//
// Makes a store with access codes (`enkat codes` on examples/familjehem.yaml),
// runs `enkat serve` on a free loopback port and drives Debian's Chromium
// (headless, through playwright-core from tests/web/node_modules) through:
//   1. the code page: a wrong code is refused with a message; the right code,
//      typed in lower case without dashes, opens the form;
//   2. skip logic: the questions that depend on an answer appear and disappear
//      as it changes;
//   3. a validation error (a number out of range, a required question left
//      empty): the error summary has focus, the title starts with "Fel: ", a
//      link in the summary moves focus to its field, and everything typed is
//      still there; then it is corrected;
//   4. pause ("Spara och fortsätt senare"), the code again, the answers are
//      back; submit with a double click; the thank-you page;
//   5. the store (Debian's sqlite3) holds exactly one response with exactly
//      the answers given (answers to skipped questions dropped), its code is
//      spent and only the paused code's draft is left;
//   6. keyboard only: another code, radio groups, a grid item and the submit
//      button with Tab, Space, the arrow keys and Enter, a visible focus ring;
//      the store gets exactly that response too;
//   without script: every question shown, the server's errors (422, "Fel: "),
//   an invalid number kept as typed, also through a paused draft; the English
//   pages (--lang en): lang="en", the English title, axe;
//   7. axe-core (WCAG 2.0/2.1 A and AA) finds no violation on the code page,
//      the empty form, the form with errors and the thank-you page, at 360 and
//      1280 px, and nothing scrolls sideways at 360 px;
//   8. the page runs under the server's Content-Security-Policy with no
//      violation and no script error (the policy is not bypassed: axe is
//      evaluated through the DevTools protocol, which the policy does not
//      govern).
// Expected values come from what this script typed and clicked, never from
// what the server replied. Exit status 0 when every check passed.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [enkat, srcRoot, shotArg] = process.argv.slice(2);
if (!enkat || !srcRoot) {
  console.error('usage: node browser.mjs ENKAT SOURCE_ROOT [SCREENSHOT_DIR]');
  process.exit(2);
}
const shotDir = shotArg || process.env.ENKAT_SCREENSHOTS || '';
const chromiumPath = process.env.ENKAT_CHROMIUM || '/usr/bin/chromium';

let playwright;
try {
  playwright = await import(path.join(here, 'node_modules', 'playwright-core', 'index.mjs'));
} catch (e) {
  console.error('browser.mjs: playwright-core is not installed in tests/web/node_modules ' +
                '(run scripts/setup.sh --test)');
  process.exit(1);
}
const axeSource = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
if (!fs.existsSync(chromiumPath)) {
  console.error(`browser.mjs: no chromium at ${chromiumPath} (run scripts/setup.sh --test)`);
  process.exit(1);
}

// ------------------------------------------------------------------ checks
let passed = 0;
let failed = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`ok - ${what}`);
  } else {
    failed++;
    console.log(`not ok - ${what}${detail !== undefined ? `: ${detail}` : ''}`);
  }
  return ok;
}
const sortedKeys = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
function eq(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  return check(g === w, what, `got ${g}, want ${w}`);
}

// ------------------------------------------------------------------- setup
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'enkat-web-'));
const db = path.join(tmp, 'web.db');
const codesCsv = path.join(tmp, 'codes.csv');
const unit = 'Provkommun';
const year = '2020';
const questionnaire = path.join(srcRoot, 'examples', 'familjehem.yaml');
execFileSync(enkat, ['codes', '--db', db, '--year', year, '--unit', unit, '--count', '4',
                     '-o', codesCsv, '-q', questionnaire], { stdio: ['ignore', 'ignore', 'inherit'] });
const csvLines = fs.readFileSync(codesCsv, 'utf8').trim().split(/\r?\n/);
eq(csvLines[0].split(/[,;]/)[0].replace(/"/g, ''), 'kod', 'codes CSV: first header column is kod');
const codes = csvLines.slice(1).map((l) => l.split(/[,;]/)[0].replace(/"/g, ''));
eq(codes.length, 4, 'codes CSV: one row per code');
const codeShape = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
check(codes.every((c) => codeShape.test(c)), 'codes: 12 Crockford symbols in groups of four', codes.join(' '));

const servers = []; // every server started, killed at the end whatever happened
// Starts `enkat serve` on a free port; resolves when it says where it listens.
function startServer(extra = []) {
  const proc = spawn(enkat, ['serve', '--db', db, '--year', year, '--unit', unit,
                             '--listen', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  const out = { server: proc, log: '', base: null };
  servers.push(proc);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`enkat serve did not start: ${out.log}`)), 15000);
    proc.stderr.on('data', (d) => {
      out.log += d;
      const m = /enkat serve: listening on (http:\/\/[^\s/]+\/)/.exec(out.log);
      if (m && !out.base) {
        clearTimeout(timer);
        out.base = m[1];
        resolve(out);
      }
    });
    proc.on('exit', (c) => { if (!out.base) reject(new Error(`enkat serve exited with ${c}: ${out.log}`)); });
  });
}
const main = await startServer();
const server = main.server;
const base = main.base;

const browser = await playwright.chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  // This machine's network is closed: Chromium's background connections
  // (updates, sync, QUIC probes) only produce errors and delays.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

if (shotDir) fs.mkdirSync(shotDir, { recursive: true });
async function shot(page, name) {
  if (!shotDir) return;
  await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
}

async function newPage(context, width) {
  const page = await context.newPage();
  page.setDefaultTimeout(10000); // a missing element fails in 10 s, not 30
  await page.setViewportSize({ width, height: 800 });
  page.cspErrors = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) page.cspErrors.push(m.text());
  });
  page.on('pageerror', (e) => page.cspErrors.push(`script error: ${e.message}`));
  return page;
}

// axe at both widths; the page is left at its own width afterwards.
async function axeCheck(page, what) {
  const vp = page.viewportSize();
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
      await page.evaluate(axeSource);
    }
    const res = await page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
                              v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
    });
    check(res.length === 0, `axe: no WCAG 2.1 AA violation on ${what} at ${width} px`, res.join('; '));
    if (width === 360) {
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      check(sw <= 360, `no horizontal scrolling on ${what} at 360 px`, `scrollWidth ${sw}`);
    }
  }
  await page.setViewportSize(vp);
}

function cspClean(page, what) {
  check(page.cspErrors.length === 0, `no CSP violation or script error on ${what}`,
        page.cspErrors.join(' | '));
  page.cspErrors.length = 0;
}

// The field values of the form as the browser would send them (enabled
// inputs only), as { name: [values] }.
async function formState(page) {
  return page.evaluate(() => {
    const out = {};
    const form = document.querySelector('form.survey-form') || document.querySelector('form');
    for (const el of form.elements) {
      if (!el.name || el.disabled || ['kod', 'csrf', 'action', 'lang'].includes(el.name)) continue;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
      if (el.type === 'submit' || el.type === 'button') continue;
      if ((el.value || '') === '' && el.type !== 'radio' && el.type !== 'checkbox') continue;
      (out[el.name] = out[el.name] || []).push(el.value);
    }
    return out;
  });
}

async function shown(page, name) {
  return page.locator(`[name="${name}"]`).first().isVisible();
}

function field(page, name, value) {
  return page.locator(`input[name="${name}"][value="${value}"]`);
}

async function enterCode(page, typed) {
  await page.goto(base);
  await page.locator('input[name="kod"]').fill(typed);
  await Promise.all([page.waitForNavigation(), page.locator('input[name="kod"]').press('Enter')]);
}

// Titles from the questionnaire itself, not from the server.
const yamlText = fs.readFileSync(questionnaire, 'utf8');
const titleSv = /title:\s*\n\s*sv:\s*(.+)/.exec(yamlText)[1].trim();

let exitCode = 0;
try {
  const context = await browser.newContext();
  const page = await newPage(context, 360);

  // ---------------------------------------------------------- 1. code page
  const r0 = await page.goto(base);
  eq(r0.status(), 200, 'GET / is 200');
  check(/default-src 'none'/.test(r0.headers()['content-security-policy'] || ''),
        'GET / sends a Content-Security-Policy', r0.headers()['content-security-policy']);
  eq(await page.getAttribute('html', 'lang'), 'sv', 'code page: <html lang="sv">');
  await shot(page, 'code-360');
  await axeCheck(page, 'the code page');
  cspClean(page, 'the code page');

  // a wrong code (a real shape, not issued)
  await page.locator('input[name="kod"]').fill('ABCD-EFGH-JKMN');
  const [rBad] = await Promise.all([page.waitForNavigation(),
                                    page.locator('input[name="kod"]').press('Enter')]);
  eq(rBad.status(), 400, 'an unknown code is refused with 400');
  check(await page.locator('input[name="kod"]').count() === 1, 'an unknown code shows the code page again');
  await shot(page, 'code-error-360');
  await axeCheck(page, 'the code page with an error');

  // the right code, lower case, no dashes: normalised by the server
  const code1 = codes[0];
  const rForm = await (async () => {
    await page.locator('input[name="kod"]').fill(code1.replace(/-/g, '').toLowerCase());
    const [r] = await Promise.all([page.waitForNavigation(),
                                   page.locator('input[name="kod"]').press('Enter')]);
    return r;
  })();
  eq(rForm.status(), 200, 'the code typed in lower case without dashes opens the form');
  check((await page.title()).includes(titleSv), 'the form page title names the questionnaire',
        await page.title());
  eq(await page.locator('input[name="kod"]').getAttribute('value'), code1,
     'the form carries the code normalised and grouped');
  check(await page.locator('input[type="radio"]:checked, input[type="checkbox"]:checked').count() === 0,
        'no answer is pre-selected');

  // ------------------------------------------------------- empty form
  await shot(page, 'form-empty-360');
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, 'form-empty-1280');
  await page.setViewportSize({ width: 360, height: 800 });
  await axeCheck(page, 'the empty form');
  cspClean(page, 'the empty form');

  // ------------------------------------------------- layout at 390 and 1280 px
  // barnsekr_kontakt .. halso_bup are standalone scale questions of one
  // scale in a row: at 1280 px one table as a grid (each question's answers
  // side by side on one line, the same columns for all), at 390 px stacked.
  const radioBoxes = (name) => page.$$eval(`input[name="${name}"]`, (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: Math.round(r.left), y: Math.round(r.top + window.scrollY) };
  }));
  await page.setViewportSize({ width: 1280, height: 800 });
  const runA = await radioBoxes('barnsekr_kontakt');
  const runB = await radioBoxes('halso_bup');
  check(runA.length > 2 && new Set(runA.map((p) => p.y)).size === 1,
        'at 1280 px a scale question of a run has all its answers on one line', JSON.stringify(runA));
  eq(runB.map((p) => p.x), runA.map((p) => p.x), 'at 1280 px the questions of a run share the columns');
  await page.setViewportSize({ width: 390, height: 844 });
  const runC = await radioBoxes('barnsekr_kontakt');
  check(new Set(runC.map((p) => p.y)).size === runC.length && new Set(runC.map((p) => p.x)).size === 1,
        'at 390 px the answers of a question of a run are stacked', JSON.stringify(runC));
  // "Spara och fortsätt senare" is in view, not under anything, half way
  // down the form and at its first question, without scrolling to the end.
  const saveInView = async (name) => {
    await page.locator(`[name="${name}"]`).first().scrollIntoViewIfNeeded();
    return page.evaluate(() => {
      const b = document.querySelector('button[name="action"][value="spara"]');
      const r = b.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.top >= 0 && r.bottom <= window.innerHeight && (hit === b || b.contains(hit));
    });
  };
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    check(await saveInView('hemtyp'), `at ${width} px the save button is in view at the first question`);
    check(await saveInView('handledning_far'), `at ${width} px the save button is in view half way down`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 360, height: 800 });
  // A part whose questions wait for an answer says nothing yet.
  const skolaSkipped = page.locator('section[aria-labelledby="del-skola"] .section-skipped');
  check(!(await skolaSkipped.isVisible()),
        'the school part says "no questions for you" only once har_skolbarn is answered');

  // --------------------------------------------------------- 2. skip logic
  check(!(await shown(page, 'skola_samarbete')), 'skip: school questions hidden before har_skolbarn is answered');
  await field(page, 'har_skolbarn', 'ja').check();
  check(await shown(page, 'skola_samarbete'), 'skip: har_skolbarn = ja shows skola_samarbete');
  check(await shown(page, 'skola_information'), 'skip: har_skolbarn = ja shows the school grid');
  const swGrids = await page.evaluate(() => document.documentElement.scrollWidth);
  check(swGrids <= 360, 'no horizontal scrolling at 360 px with both grids shown', `scrollWidth ${swGrids}`);
  await field(page, 'skola_samarbete', '4').check();
  await field(page, 'skola_information', '5').check();
  await field(page, 'har_skolbarn', 'nej').check();
  check(!(await shown(page, 'skola_samarbete')), 'skip: har_skolbarn = nej hides skola_samarbete');
  check(!(await shown(page, 'skola_information')), 'skip: har_skolbarn = nej hides the school grid');
  check(await skolaSkipped.isVisible(), 'har_skolbarn = nej: the school part says there are no questions for you');
  check(!(await shown(page, 'handledning_hur_ofta')), 'skip: handledning_hur_ofta hidden before handledning_far');
  await field(page, 'handledning_far', 'ja').check();
  check(await shown(page, 'handledning_hur_ofta'), 'skip: handledning_far = ja shows handledning_hur_ofta');
  await field(page, 'utbildningar', '6').check();
  check(!(await shown(page, 'utbildning_nytta')), 'skip: only "Ingen utbildning" keeps utbildning_nytta hidden');
  await field(page, 'utbildningar', '6').uncheck();
  await field(page, 'utbildningar', '1').check();
  await field(page, 'utbildningar', '4').check();
  check(await shown(page, 'utbildning_nytta'), 'skip: a training chosen shows utbildning_nytta');

  // ------------------------------------------- 3. answers with an error
  // Out of range (max 50), and the required helhet_nojd and grid item
  // stod_nojd left empty.
  const freeText = 'Mer stöd <b>på kvällar</b> & "helger"\nrad två';
  await field(page, 'hemtyp', '2').check();
  await page.locator('[name="ar_som_familjehem"]').fill('99');
  await page.locator('[name="antal_placerade"]').fill('3');
  await field(page, 'handledning_hur_ofta', '2').check();
  await field(page, 'handledning_nytta', '5').check();
  await field(page, 'avlastning_fatt', 'nej').check();
  await field(page, 'stod_anpassat', '3').check();
  await field(page, 'stod_na', 'na').check();
  await field(page, 'utbildning_nytta', 'na').check();
  await field(page, 'fortsatta', '1').check();
  await page.locator('[name="forslag"]').fill(freeText);
  const typed = await formState(page);
  await shot(page, 'form-filled-360');

  const submit = page.locator('button[name="action"][value="skicka"], input[name="action"][value="skicka"]');
  const pause = page.locator('button[name="action"][value="spara"], input[name="action"][value="spara"]');
  eq(await submit.count(), 1, 'the form has one submit button (action=skicka)');
  eq(await pause.count(), 1, 'the form has one pause button (action=spara)');
  const [rErr] = await Promise.all([page.waitForNavigation(), submit.click()]);
  eq(rErr.status(), 422, 'a response with errors is 422');
  check((await page.title()).startsWith('Fel: '), 'the error page title starts with "Fel: "', await page.title());
  const summary = page.locator('.error-summary');
  eq(await summary.count(), 1, 'one error summary');
  const focusInSummary = await page.evaluate(() => {
    const s = document.querySelector('.error-summary');
    return !!s && (document.activeElement === s || s.contains(document.activeElement));
  });
  check(focusInSummary, 'the error summary has focus');
  const summaryBox = await summary.boundingBox();
  const firstQuestion = await page.locator('input[name="hemtyp"]').first().boundingBox();
  check(summaryBox && firstQuestion && summaryBox.y < firstQuestion.y, 'the error summary is above the questions');
  const links = await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => ({
    href: a.getAttribute('href'), text: a.textContent.trim() })));
  eq(links.length, 3, 'the summary links the three errors (range, required, required grid item)');
  const ids = links.map((l) => l.href.slice(1));
  const targets = await page.evaluate((ids) => ids.map((id) => {
    const el = document.getElementById(id);
    return el ? el.name : null;
  }), ids);
  eq(targets.slice().sort(), ['ar_som_familjehem', 'helhet_nojd', 'stod_nojd'], 'the summary links point at the fields in error');
  for (const l of links) {
    const target = await page.evaluate((id) => document.getElementById(id).name, l.href.slice(1));
    const beside = await page.evaluate((id) => {
      const el = document.getElementById(id);
      const box = el.closest('.question, .grid-row, fieldset');
      return box ? box.textContent : '';
    }, l.href.slice(1));
    // the link may name the question before the message ("Fråga – meddelande")
    const message = l.text.split(' – ').pop();
    check(beside.includes(message), `the message for ${target} also stands beside the field`, l.text);
  }
  const rangeLink = summary.locator(`a[href="#${ids[targets.indexOf('ar_som_familjehem')]}"]`);
  await rangeLink.click();
  eq(await page.evaluate(() => document.activeElement && document.activeElement.name),
     'ar_som_familjehem', 'the summary link moves focus to the field');
  eq(await page.locator('[name="ar_som_familjehem"]').getAttribute('aria-invalid'), 'true',
     'the field in error has aria-invalid="true"');
  eq(await formState(page), typed, 'everything typed is still there after the error');
  eq(await page.locator('[name="forslag"]').inputValue(), freeText, 'the free text is kept byte for byte (escaped, not interpreted)');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'form-error-360');
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, 'form-error-1280');
  await page.setViewportSize({ width: 360, height: 800 });
  await axeCheck(page, 'the form with errors');
  cspClean(page, 'the form with errors');
  // a grid on its own, at both widths
  const grid = page.locator('.grid-table >> visible=true').first();
  if (await grid.count()) {
    await grid.screenshot({ path: shotDir ? path.join(shotDir, 'grid-error-360.png') : path.join(tmp, 'g.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await grid.screenshot({ path: shotDir ? path.join(shotDir, 'grid-error-1280.png') : path.join(tmp, 'g.png') });
    await page.setViewportSize({ width: 360, height: 800 });
  }

  // correct all three
  await page.locator('[name="ar_som_familjehem"]').fill('12');
  await field(page, 'helhet_nojd', '4').check();
  await field(page, 'stod_nojd', '4').check();

  // ---------------------------------------------------- 4. pause, resume
  const [rSaved] = await Promise.all([page.waitForNavigation(), pause.click()]);
  eq(rSaved.status(), 200, 'pausing (action=spara) is 200');
  check(await page.locator('form.survey-form').count() === 0, 'pausing leaves the form for the saved page');
  await shot(page, 'saved-360');
  await axeCheck(page, 'the saved page');
  cspClean(page, 'the saved page');

  await enterCode(page, ` ${code1.toLowerCase()} `);
  const restored = await formState(page);
  const want = { ...typed, ar_som_familjehem: ['12'], helhet_nojd: ['4'], stod_nojd: ['4'] };
  eq(sortedKeys(restored), sortedKeys(want), 'the code again: every answer is restored, the corrections too');
  eq(await page.locator('[name="forslag"]').inputValue(), freeText, 'the free text is restored byte for byte');
  check(!(await page.title()).startsWith('Fel: '), 'a resumed draft shows no errors', await page.title());
  // the hidden school answers come back with the draft but stay skipped
  check(!(await shown(page, 'skola_samarbete')), 'skip: restored har_skolbarn = nej keeps the school questions hidden');

  // A double click: the browser sends the form twice; one response is stored
  // (checked in the store below) and the respondent sees the thank-you page.
  const posts = [];
  const onRequest = (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/svar') posts.push(req);
  };
  page.on('request', onRequest);
  // The second click may abort the first navigation (net::ERR_ABORTED, more
  // often on a loaded machine): wait again for the one that lands.
  await Promise.all([page.waitForURL('**/tack').catch(() => {}), submit.dblclick()]);
  await page.waitForURL('**/tack');
  await page.waitForLoadState('load');
  page.off('request', onRequest);
  check(posts.length >= 1, 'a double click on submit sends the form', `${posts.length} POSTs`);
  console.log(`# the double click sent ${posts.length} POST /svar`);
  check(new URL(page.url()).pathname === '/tack', 'submitting redirects to /tack', page.url());
  check(/tack/i.test(await page.locator('body').innerText()), 'the thank-you page says thank you');
  await shot(page, 'thanks-360');
  await axeCheck(page, 'the thank-you page');
  cspClean(page, 'the thank-you page');

  // the spent code once more: no second response, a clear page
  await page.goto(base);
  await page.locator('input[name="kod"]').fill(code1);
  const [rUsed] = await Promise.all([page.waitForNavigation(), page.locator('input[name="kod"]').press('Enter')]);
  eq(rUsed.status(), 409, 'the spent code is refused with 409');
  await axeCheck(page, 'the code-used page');

  // ---------------------------------------------------- 6. keyboard only
  const kpage = await newPage(context, 1280);
  await kpage.goto(base);
  const tabTo = async (pred, limit = 200) => {
    for (let i = 0; i < limit; i++) {
      await kpage.keyboard.press('Tab');
      if (await kpage.evaluate(pred)) return true;
    }
    return false;
  };
  check(await tabTo(() => document.activeElement.name === 'kod', 20), 'keyboard: Tab reaches the code field');
  await kpage.keyboard.type(codes[1]);
  await Promise.all([kpage.waitForNavigation(), kpage.keyboard.press('Enter')]);
  check(await kpage.locator('form.survey-form').count() === 1, 'keyboard: Enter in the code field opens the form');
  // hemtyp: Space picks the first option, ArrowDown moves to and picks the second
  check(await tabTo(() => document.activeElement.name === 'hemtyp'), 'keyboard: Tab reaches the radio group hemtyp');
  const focusStyle = await kpage.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow };
  });
  check(focusStyle.outline !== 'none' || focusStyle.shadow !== 'none', 'keyboard: the focused radio shows a focus indicator',
        JSON.stringify(focusStyle));
  await kpage.keyboard.press('Space');
  await kpage.keyboard.press('ArrowDown');
  await shot(kpage, 'keyboard-focus-1280');
  eq(await kpage.evaluate(() => document.querySelector('input[name="hemtyp"]:checked')?.value), '2',
     'keyboard: Space then ArrowDown selects the second option');
  check(await tabTo(() => document.activeElement.name === 'har_skolbarn'), 'keyboard: Tab reaches har_skolbarn');
  await kpage.keyboard.press('Space'); // the first radio: ja
  eq(await kpage.evaluate(() => document.querySelector('input[name="har_skolbarn"]:checked')?.value), 'ja',
     'keyboard: Space selects ja');
  check(await tabTo(() => document.activeElement.name === 'skola_samarbete'),
        'keyboard: the shown school question is reachable by Tab');
  await kpage.keyboard.press('Space');
  await kpage.keyboard.press('ArrowRight');
  await kpage.keyboard.press('ArrowRight');
  eq(await kpage.evaluate(() => document.querySelector('input[name="skola_samarbete"]:checked')?.value), '3',
     'keyboard: ArrowRight moves along the scale');
  check(await tabTo(() => document.activeElement.name === 'stod_nojd'), 'keyboard: Tab reaches the grid item stod_nojd');
  await kpage.keyboard.press('Space');
  await kpage.keyboard.press('ArrowRight');
  await kpage.keyboard.press('ArrowRight');
  await kpage.keyboard.press('ArrowRight');
  eq(await kpage.evaluate(() => document.querySelector('input[name="stod_nojd"]:checked')?.value), '4',
     'keyboard: the grid item is answered with the arrow keys');
  check(await tabTo(() => document.activeElement.name === 'helhet_nojd'), 'keyboard: Tab reaches helhet_nojd');
  await kpage.keyboard.press('Space');
  for (let i = 0; i < 4; i++) await kpage.keyboard.press('ArrowDown');
  const kHelhet = await kpage.evaluate(() => document.querySelector('input[name="helhet_nojd"]:checked')?.value);
  eq(kHelhet, '5', 'keyboard: Space and four ArrowDown give the fifth point');
  check(await tabTo(() => document.activeElement.name === 'action' && document.activeElement.value === 'skicka'),
        'keyboard: Tab reaches the submit button');
  const kState = await formState(kpage);
  await Promise.all([kpage.waitForNavigation(), kpage.keyboard.press('Enter')]);
  check(new URL(kpage.url()).pathname === '/tack', 'keyboard: Enter on the submit button submits', kpage.url());
  cspClean(kpage, 'the keyboard visit');

  // ------------------------------------------------- without JavaScript
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const npage = await newPage(nojs, 360);
  await npage.goto(base);
  await npage.locator('input[name="kod"]').fill(codes[2]);
  await Promise.all([npage.waitForNavigation(), npage.locator('input[name="kod"]').press('Enter')]);
  check(await shown(npage, 'skola_samarbete'), 'no script: every question is shown');
  const swNojs = await npage.evaluate(() => document.documentElement.scrollWidth);
  check(swNojs <= 360, 'no script: no horizontal scrolling at 360 px', `scrollWidth ${swNojs}`);
  await field(npage, 'hemtyp', '1').check();
  await npage.locator('[name="antal_placerade"]').fill('abc');
  const [rN] = await Promise.all([npage.waitForNavigation(),
    npage.locator('button[name="action"][value="skicka"], input[name="action"][value="skicka"]').click()]);
  eq(rN.status(), 422, 'no script: the server finds the errors (422)');
  check((await npage.title()).startsWith('Fel: '), 'no script: the title starts with "Fel: "');
  eq(await npage.locator('[name="antal_placerade"]').inputValue(), 'abc', 'no script: the invalid number is kept as typed');
  await shot(npage, 'form-error-nojs-360');
  // pausing keeps even what is not valid yet, as typed
  await Promise.all([npage.waitForNavigation(),
    npage.locator('button[name="action"][value="spara"], input[name="action"][value="spara"]').click()]);
  await npage.goto(base);
  await npage.locator('input[name="kod"]').fill(codes[2]);
  await Promise.all([npage.waitForNavigation(), npage.locator('input[name="kod"]').press('Enter')]);
  eq(await npage.locator('[name="antal_placerade"]').inputValue(), 'abc',
     'no script: a paused draft keeps an invalid number as typed');
  eq(await npage.locator('input[name="hemtyp"]:checked').getAttribute('value'), '1',
     'no script: a paused draft keeps the chosen radio');
  await nojs.close();

  // ------------------------------------------- the language switch
  // One server, both languages: the code page links to English, and the
  // form switches back to Swedish keeping what was entered.
  const lpage = await newPage(await browser.newContext(), 390);
  await lpage.goto(base);
  await Promise.all([lpage.waitForNavigation(), lpage.locator('a[hreflang="en"]').click()]);
  eq(await lpage.getAttribute('html', 'lang'), 'en', 'the code page\'s link to English gives the English page');
  await shot(lpage, 'code-en-390');
  await axeCheck(lpage, 'the English code page of the Swedish server');
  await lpage.locator('input[name="kod"]').fill(codes[3]);
  await Promise.all([lpage.waitForNavigation(), lpage.locator('input[name="kod"]').press('Enter')]);
  eq(await lpage.getAttribute('html', 'lang'), 'en', 'a code entered on the English page opens the English form');
  await field(lpage, 'hemtyp', '3').check();
  await lpage.locator('[name="antal_placerade"]').fill('2');
  // English labels break between words only, in every column at both widths
  for (const width of [1280, 660]) {
    await lpage.setViewportSize({ width, height: 800 });
    const broken = await lpage.evaluate(() => {
      const out = [];
      for (const th of document.querySelectorAll('.grid-table thead th')) {
        const text = th.firstChild;
        if (!text || text.nodeType !== 3) continue;
        const re = /\S+/g;
        let m;
        while ((m = re.exec(text.data))) {
          const r = document.createRange();
          r.setStart(text, m.index);
          r.setEnd(text, m.index + m[0].length);
          if (r.getClientRects().length > 1) out.push(m[0]);
        }
      }
      return out;
    });
    eq(broken, [], `English column headers at ${width} px: no word broken across lines`);
  }
  await shot(lpage, 'form-en-660');
  await lpage.setViewportSize({ width: 1280, height: 800 });
  await shot(lpage, 'form-en-1280');
  await lpage.setViewportSize({ width: 390, height: 844 });
  await axeCheck(lpage, 'the English form with a switch to Swedish');
  const [rSw] = await Promise.all([lpage.waitForNavigation(),
    lpage.locator('button[name="action"][value="sprak-sv"]').click()]);
  eq(rSw.status(), 200, 'the switch to Swedish is 200');
  eq(await lpage.getAttribute('html', 'lang'), 'sv', 'the switch gives the Swedish form');
  eq(sortedKeys(await formState(lpage)), sortedKeys({ hemtyp: ['3'], antal_placerade: ['2'] }),
     'the switch keeps what was entered');
  await shot(lpage, 'form-switched-sv-390');
  cspClean(lpage, 'the language switch');

  // ------------------------------------------------------------- 5. store
  server.kill('SIGTERM');
  const status = await new Promise((resolve) => server.on('exit', (c, s) => resolve(c ?? s)));
  eq(status, 0, 'enkat serve exits 0 on SIGTERM');
  for (const c of codes) {
    check(!main.log.includes(c) && !main.log.includes(c.replace(/-/g, '')),
          'the server log holds no code');
  }
  check(!main.log.includes('kvällar'), 'the server log holds no answer');

  // ---------------------------------------------------- the English pages
  const en = await startServer(['--lang', 'en']);
  const epage = await newPage(await browser.newContext(), 360);
  await epage.goto(en.base);
  eq(await epage.getAttribute('html', 'lang'), 'en', 'English code page: <html lang="en">');
  await axeCheck(epage, 'the English code page');
  await epage.locator('input[name="kod"]').fill(codes[3]);
  await Promise.all([epage.waitForNavigation(), epage.locator('input[name="kod"]').press('Enter')]);
  const titleEn = /title:\s*\n\s*sv:.*\n\s*en:\s*(.+)/.exec(yamlText)[1].trim();
  check((await epage.title()).includes(titleEn), 'English form: the English title', await epage.title());
  await shot(epage, 'form-empty-en-360');
  await axeCheck(epage, 'the empty English form');
  cspClean(epage, 'the English form');
  en.server.kill('SIGTERM');
  eq(await new Promise((resolve) => en.server.on('exit', (c, sig) => resolve(c ?? sig))), 0,
     'enkat serve --lang en exits 0 on SIGTERM');

  const sql = (q) => execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' }).trim();
  const rows = (q) => { const t = sql(q); return t ? JSON.parse(t) : []; };
  const responses = rows("SELECT id, source, date, respondent_key FROM responses");
  eq(responses.length, 2, 'the store holds exactly two responses (the visit and the keyboard one)');
  check(responses.every((r) => r.source === 'web' && r.respondent_key === null),
        'both responses: source web, no respondent key', JSON.stringify(responses));
  check(responses.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date)), 'both responses: a date, no time');
  // A code's row never changes; using it adds a spent mark, and a draft is
  // filed under a key of its own (docs/store.md, "Anonymity").
  eq(rows('SELECT (SELECT count(*) FROM codes) AS codes, (SELECT count(*) FROM spent) AS spent,' +
          ' (SELECT count(*) FROM codes WHERE spent = 1) AS flagged'),
     [{ codes: 4, spent: 2, flagged: 0 }], 'two codes spent, two open, no code row changed');
  eq(rows('SELECT count(*) AS n FROM drafts'), [{ n: 1 }],
     'one draft is left, the paused unsubmitted one');

  // The visit's answers, from what was typed: yes/no 1/0, a multiple choice as
  // its bit set (bit v-1), "na" as not applicable; skipped questions absent.
  const expected = {
    hemtyp: 2, ar_som_familjehem: 12, antal_placerade: 3, har_skolbarn: 0,
    stod_nojd: 4, stod_anpassat: 3, stod_na: 'na',
    handledning_far: 1, handledning_hur_ofta: 2, handledning_nytta: 5,
    avlastning_fatt: 0, utbildningar: (1 << 0) | (1 << 3), utbildning_nytta: 'na',
    helhet_nojd: 4, fortsatta: 1, forslag: freeText,
  };
  const long = rows('SELECT response_id, question, type, value, not_applicable, text FROM answers_long');
  const byResponse = {};
  for (const r of long) {
    const v = r.type === 'text' ? r.text : r.not_applicable ? 'na' : r.value;
    (byResponse[r.response_id] = byResponse[r.response_id] || {})[r.question] = v;
  }
  const found = Object.values(byResponse).filter((a) => a.har_skolbarn === 0);
  eq(found.length, 1, 'exactly one stored response is the visit');
  eq(sortedKeys(found[0] || {}), sortedKeys(expected), 'the stored response holds exactly the answers given');

  const kExpected = { hemtyp: 2, har_skolbarn: 1, skola_samarbete: 3, stod_nojd: 4,
                      helhet_nojd: Number(kHelhet) };
  eq(Object.fromEntries(Object.entries(kState).map(([k, v]) => [k, v[0]])),
     { hemtyp: '2', har_skolbarn: 'ja', skola_samarbete: '3', stod_nojd: '4', helhet_nojd: kHelhet },
     'keyboard: the form held exactly the keyed answers');
  const kFound = Object.values(byResponse).filter((a) => a.har_skolbarn === 1);
  eq(kFound.map(sortedKeys), [sortedKeys(kExpected)], 'keyboard: the stored response holds exactly the keyed answers');
} catch (e) {
  console.log(`not ok - ${e.stack || e}`);
  failed++;
} finally {
  await browser.close();
  for (const p of servers) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
if (shotDir) console.log(`screenshots in ${shotDir}`);
process.exit(failed ? 1 : exitCode);
