// tests/web/review.mjs - `enkat review` in a real browser: 100 flagged answers cleared with the
// keyboard alone, keystrokes, page loads and the page's time per decision counted.
//
// usage: node tests/web/review.mjs ENKAT REVIEW_FIXTURE SOURCE_ROOT [SCREENSHOT_DIR]
//
// Renders the example paper form (`enkat form --format pdf`, pdftoppm at 150
// dpi) as the "scans", makes a store with 100 answers waiting for review on
// them (tests/review/review_fixture), runs `enkat review --port 0` and drives
// Debian's Chromium (headless, playwright-core) through every answer with
// key presses only:
//   - a choice whose reading is preselected: Enter alone (1 key), or another
//     answer's key and Enter (2 keys); a choice with two marks (nothing
//     preselected): its key and Enter; a multiple choice: an option's key to
//     tick it and Enter; written digits: the number typed and Enter;
//   - at answer 10, Backspace goes back to answer 9, which is changed;
//   - every decision is then read back from the store (Debian's sqlite3) and
//     must be what was pressed; every copy has become a response.
// The goal of issue 14 is 100 answers in under 3 minutes. The human part is
// the keys: this asserts at most 2 keystrokes and no page load per decision
// (the page swaps in the next answer), and that the page itself needs under
// 0.3 s per decision from Enter to the next answer shown, so that 100
// decisions at 2 keys each leave over 1.2 s per answer for looking at it.
// Screenshots (a choice, digits, a multiple choice, the end page) go to
// SCREENSHOT_DIR. Expected values come from what this script pressed.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [enkat, fixture, srcRoot, shotArg] = process.argv.slice(2);
if (!enkat || !fixture || !srcRoot) {
  console.error('usage: node review.mjs ENKAT REVIEW_FIXTURE SOURCE_ROOT [SCREENSHOT_DIR]');
  process.exit(2);
}
const shotDir = shotArg || process.env.ENKAT_SCREENSHOTS || '';
const chromiumPath = process.env.ENKAT_CHROMIUM || '/usr/bin/chromium';
const N = 100;

let playwright;
try {
  playwright = await import(path.join(here, 'node_modules', 'playwright-core', 'index.mjs'));
} catch (e) {
  console.error('review.mjs: playwright-core is not installed in tests/web/node_modules ' +
                '(run scripts/setup.sh --test)');
  process.exit(1);
}

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.log(`FAIL: ${what}`);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'enkat-review-'));
const db = path.join(tmp, 'store.db');
execFileSync(enkat, ['form', '--format', 'pdf', '-o', path.join(tmp, 'form.pdf'),
                     path.join(srcRoot, 'examples', 'familjehem.yaml')]);
execFileSync('pdftoppm', ['-r', '150', '-gray', '-png', path.join(tmp, 'form.pdf'),
                          path.join(tmp, 'page')]);
const pages = fs.readdirSync(tmp).filter((f) => /^page-\d+\.png$/.test(f)).sort()
  .map((f) => path.join(tmp, f));
execFileSync(fixture, [db, path.join(srcRoot, 'examples', 'familjehem.yaml'), 'Vetlanda', '2025',
                       '150', String(N), ...pages]);

const server = spawn(enkat, ['review', '--db', db, '--port', '0'],
                     { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`enkat review did not start: ${log}`)), 15000);
  server.stderr.on('data', (d) => {
    log += d;
    const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  server.on('exit', (c) => reject(new Error(`enkat review exited with ${c}: ${log}`)));
});
check(/100 svar väntar/.test(log), `the start message counts the answers: ${log}`);

const browser = await playwright.chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
if (shotDir) fs.mkdirSync(shotDir, { recursive: true });
async function shot(page, name) {
  if (shotDir) await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
}

try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  let loads = 0;
  page.on('load', () => { loads++; });

  let keys = 0;
  async function press(k) { keys++; await page.keyboard.press(k); }
  async function type(s) { for (const c of s) await press(c); }

  await page.goto(base);
  check(loads === 1, `the first answer is one page load (${loads})`);
  const loadsAtStart = loads;

  async function progress() {
    return page.evaluate(() => {
      const p = document.getElementById('progress');
      return p ? p.textContent : (document.getElementById('done') ? 'done' : '?');
    });
  }
  // Waits until the page shows want ("12 av 100" or "done"); returns the ms.
  async function shown(want) {
    const t0 = Date.now();
    await page.waitForFunction((w) => {
      const p = document.getElementById('progress');
      const now = p ? p.textContent : (document.getElementById('done') ? 'done' : '?');
      const img = document.querySelector('img.crop');
      return now === w && (!img || (img.complete && img.naturalWidth > 0));
    }, want, { timeout: 10000 });
    return Date.now() - t0;
  }

  const expected = new Array(N);  // per position: [kind, value]
  const times = [];
  let shotsTaken = new Set();
  let i = 0;
  let wentBack = false;
  while (i < N) {
    check(await progress() === `${i + 1} av ${N}`, `answer ${i + 1} is shown (${await progress()})`);
    const state = await page.evaluate(() => {
      const f = document.getElementById('decide');
      const radios = [...f.querySelectorAll('input[type=radio][data-key]')];
      const boxes = [...f.querySelectorAll('input[type=checkbox][data-key]')]
        .filter((b) => b.name === 'o');
      const text = f.querySelector('input[type=text]');
      const label = text ? text.closest('label').textContent : '';
      return {
        radios: radios.map((r) => ({ key: r.dataset.key, value: r.value, checked: r.checked })),
        boxes: boxes.map((b) => ({ key: b.dataset.key, value: b.value, checked: b.checked })),
        text: !!text, label,
        reason: document.getElementById('reason').textContent,
        cropWidth: document.querySelector('img.crop').naturalWidth,
      };
    });
    check(state.cropWidth > 300, `answer ${i + 1}: the crop is shown (${state.cropWidth} px)`);
    const kind = state.text ? 'digits' : state.boxes.length ? 'multiple' : 'choice';
    if (!shotsTaken.has(kind + state.reason)) {
      shotsTaken.add(kind + state.reason);
      await shot(page, `review-${kind}-${shotsTaken.size}`);
    }
    const t0 = Date.now();
    if (kind === 'digits') {
      const m = /\((-?\d+)–(-?\d+)\)/.exec(state.label);
      const v = Math.min(Number(m[2]), Number(m[1]) + 1 + (i % 5));
      await type(String(v));
      expected[i] = v;
    } else if (kind === 'multiple') {
      const b = state.boxes[i % state.boxes.length];
      await press(b.key);
      const on = state.boxes.filter((x) => (x === b ? !x.checked : x.checked));
      expected[i] = on.length ? on.reduce((a, x) => a | (1 << (Number(x.value) - 1)), 0) : null;
    } else {
      const checked = state.radios.find((r) => r.checked);
      const real = state.radios.filter((r) => r.key !== '0');
      if (checked && i % 3 === 0) {
        expected[i] = checked.value;  // Enter alone keeps the reading
      } else {
        const r = real[(i + 1) % real.length];
        await press(r.key);
        // v is the scale's "don't know", which the store keeps as ENK_NA
        expected[i] = r.key === 'v' ? -2147483647 : r.value;
      }
    }
    await press('Enter');
    const next = i + 1 < N ? `${i + 2} av ${N}` : 'done';
    await shown(next);
    times.push(Date.now() - t0);
    i++;
    if (i === 10 && !wentBack) {
      // Back to the answer just given, and change it.
      wentBack = true;
      await press('Backspace');
      await shown(`10 av ${N}`);
      i = 9;
      continue;
    }
  }
  await shot(page, 'review-done');
  const decisions = N + 1; // answer 10 was decided twice
  const perDecision = keys / decisions;
  const ms = times.reduce((a, b) => a + b, 0) / times.length;
  const worst = Math.max(...times);
  console.log(`review: ${decisions} decisions, ${keys} keystrokes (${perDecision.toFixed(2)} per ` +
              `decision, Backspace included), ${loads - loadsAtStart} page loads after the first, ` +
              `the page's time from Enter to the next answer ${ms.toFixed(0)} ms on average, ` +
              `${worst} ms at worst`);
  check(perDecision <= 2.1, `at most about 2 keystrokes per decision (${perDecision})`);
  check(loads - loadsAtStart === 0, `no page load per decision (${loads - loadsAtStart})`);
  check(ms < 300, `the page needs under 0.3 s per decision (${ms} ms)`);
  // 100 decisions: keys at 0.25 s each, 1 s to look, plus the page's time.
  const estimate = N * (perDecision * 0.25 + 1.0 + ms / 1000);
  console.log(`review: a person at 0.25 s per key and 1 s per look: ${estimate.toFixed(0)} s ` +
              'for 100 answers');
  check(estimate < 180, `100 answers in under 3 minutes (${estimate} s)`);
  check(problems.length === 0, `no script error or CSP violation: ${problems.join('; ')}`);
  check(await page.evaluate(() => document.documentElement.lang) === 'sv', 'the page is Swedish');

  // The store has exactly what was pressed; every copy is a response.
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  const rows = execFileSync('sqlite3', [db, 'SELECT decision FROM scan_reviews ORDER BY copy_id, slot'])
    .toString().trim().split('\n');
  check(rows.length === N, `${N} reviews in the store (${rows.length})`);
  for (let k = 0; k < N; k++) {
    const want = expected[k];
    if (want === null || want === '-') continue; // no answer: stored as the store's own mark
    check(String(rows[k]) === String(want), `review ${k + 1}: decision ${rows[k]}, want ${want}`);
  }
  const responses = execFileSync('sqlite3', [db, 'SELECT count(*) FROM responses']).toString().trim();
  check(responses === String(N / 2), `every copy became a response (${responses}, want ${N / 2})`);
} finally {
  await browser.close();
  if (server.exitCode === null) server.kill('SIGTERM');
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
