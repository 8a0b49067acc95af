// End-to-end tests of `glossalign serve` in headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core: the real binary serves a
// copy of the bundled glossary on a free loopback port; each scenario acts
// as a translator would, with the keyboard where it can, asserts on what
// the page shows, and keeps a screenshot as an artefact.
//
//   node tests/e2e/run.mjs BINARY [GLOSSARY_DB] [ARTIFACT_DIR]

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const binary = process.argv[2];
const bindir = process.env.GLA_BINARY_DIR || path.dirname(binary || '.');
const sourceDb = process.argv[3] || path.join(bindir, 'glossary.db');
const artifacts = process.argv[4] || path.join(bindir, 'e2e-artifacts');
if (!binary) {
  console.error('usage: node run.mjs BINARY [GLOSSARY_DB] [ARTIFACT_DIR]');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'gla-e2e-'));
const db = path.join(work, 'glossary.db');
copyFileSync(sourceDb, db);

function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(binary, ['serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stderrText = () => err;
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 15000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc: p, url: m[1] }); }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

const results = [];
async function scenario(name, page, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e.message}`);
  } finally {
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: false }).catch(() => {});
  }
}

function expect(cond, msg) { if (!cond) throw new Error(msg); }

const server = await startServer();
const profile = mkdtempSync(path.join(tmpdir(), 'gla-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1366, height: 800 },
});
// The page must need nothing but its own server.
const foreign = [];
browser.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url()); });
const page = browser.pages()[0] || await browser.newPage();
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

try {
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 10000 });

  await scenario('lookup-without-diacritics', page, async () => {
    // The search box has the focus on load: type as a translator would.
    await page.keyboard.type('Hoang Xu', { delay: 15 });
    // Search as you type: the concept shows before the name is complete.
    await page.locator('#results article.card[data-ref="person.hoang-xuan-chien"]').waitFor({ timeout: 5000 });
    expect(/beginning with/.test(await page.locator('#lookup-status').textContent()), 'no prefix results while typing');
    await page.screenshot({ path: path.join(artifacts, 'lookup-while-typing.png') });
    await page.keyboard.type('an Chien', { delay: 15 });
    await page.waitForFunction(() => /1 concept matches/.test(document.getElementById('lookup-status').textContent), null, { timeout: 5000 });
    const card = page.locator('#results article.card[data-ref="person.hoang-xuan-chien"]');
    await card.waitFor({ timeout: 5000 });
    const vi = await card.locator('tr td.text[lang="vi"]').allTextContents();
    expect(vi.includes('Hoàng Xuân Chiến'), `Vietnamese form not shown; got ${JSON.stringify(vi)}`);
    const title = await card.locator('h3').textContent();
    expect(title.startsWith('Hoàng Xuân Chiến'), `card title is ${title}`);
    const langs = await card.locator('td.lang').allTextContents();
    for (const l of ['vi', 'fr', 'en']) expect(langs.includes(l), `no ${l} term on the card`);
    const status = await page.locator('#lookup-status').textContent();
    expect(/1 concept matches/.test(status), `status: ${status}`);
  });

  await scenario('lookup-ambiguous-side-by-side', page, async () => {
    await page.fill('#q', '');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('Slash'); // "/" brings the search box back
    expect(await page.evaluate(() => document.activeElement.id) === 'q', '"/" did not focus the search box');
    // Build a query that hits two concepts from the glossary itself.
    const amb = await page.evaluate(async () => {
      for (const q of ['président', 'colonel', 'général', 'commandant', 'vice-président']) {
        const r = await fetch('/api/lookup?q=' + encodeURIComponent(q)).then((x) => x.json());
        if (r.count > 1) return q;
      }
      return null;
    });
    if (!amb) { console.log('     (no ambiguous query in this glossary: only the single-card case checked)'); return; }
    await page.keyboard.type(amb, { delay: 10 });
    await page.waitForSelector('#results .badge.amb', { timeout: 5000 });
    const n = await page.locator('#results article.card').count();
    expect(n > 1, `expected several cards for ${amb}, got ${n}`);
  });

  await scenario('annotate-seed-article', page, async () => {
    const seed = readFileSync(path.join(root, 'corpus', 'seeds', '003-cooperation-vietnam-russie-2024.txt'), 'utf8');
    await page.keyboard.press('Alt+2');
    expect(await page.evaluate(() => document.activeElement.id) === 'ann-text', 'Alt+2 did not focus the text box');
    await page.fill('#ann-text', seed);
    await page.selectOption('#ann-to', 'vi');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#ann-doc mark.m', { timeout: 10000 });
    const marks = await page.locator('#ann-doc mark.m').count();
    expect(marks >= 10, `only ${marks} highlights in the seed article`);
    // The text shown is the text pasted, diacritics and all.
    const shown = await page.locator('#ann-doc').textContent();
    expect(shown === seed, 'annotated view does not reproduce the document');
    // Keyboard: the first highlight has the focus and its concept shows;
    // Tab moves to the next one.
    await page.waitForSelector('#ann-panel article.card', { timeout: 5000 });
    expect(await page.evaluate(() => document.activeElement.getAttribute('data-i')) === '0', 'first mention not focused');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.getAttribute('data-i')) === '1', 'Tab did not reach the next mention');
    await page.waitForFunction(() => document.querySelector('#ann-doc mark.selected') === document.activeElement, null, { timeout: 5000 });
    await page.waitForSelector('#ann-panel article.card', { timeout: 5000 });
    const rows = await page.locator('#ann-concepts tbody tr').count();
    expect(rows > 3, `concept table has ${rows} rows`);
    const titles = await page.locator('#ann-doc mark.m').evaluateAll((ms) => ms.map((m) => m.title));
    expect(titles.some((t) => /→ vi: .*[ạảãàáâậầấẩẫăắằặẳẵêềếệểễôồốộổỗơờớợởỡưừứựửữđ]/i.test(t)),
      'no Vietnamese equivalent with diacritics in the highlights');
  });

  await scenario('add-term-and-find-it', page, async () => {
    await page.keyboard.press('Alt+3');
    await page.click('#ed-new');
    await page.fill('#ed-ref', 'term.e2e-ecole-de-traduction');
    await page.selectOption('#ed-kind', 'term');
    await page.fill('#ed-subject', 'e2e');
    const rows = page.locator('#ed-terms tr');
    await rows.nth(0).locator('.t-lang').fill('fr');
    await rows.nth(0).locator('.t-text').fill('école de traduction spécialisée');
    await rows.nth(1).locator('.t-lang').fill('vi');
    await rows.nth(1).locator('.t-text').fill('trường biên dịch chuyên ngành');
    await page.fill('#author', 'e2e-tester');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => /^Saved term\.e2e-ecole-de-traduction/.test(document.getElementById('ed-status').textContent), null, { timeout: 5000 });
    await page.waitForSelector('#ed-history li', { timeout: 5000 });
    const hist = await page.locator('#ed-history').textContent();
    expect(/e2e-tester/.test(hist) && /insert/.test(hist), `history: ${hist}`);
    // Edit it: add an English term, save, and see the change logged.
    await page.click('#ed-add-term');
    await rows.nth(2).locator('.t-lang').fill('en');
    await rows.nth(2).locator('.t-text').fill('specialised translation school');
    await page.click('#ed-save');
    await page.waitForFunction(() => /\(3 terms\)/.test(document.getElementById('ed-status').textContent), null, { timeout: 5000 });
    await page.waitForFunction(() => document.querySelectorAll('#ed-history > li').length >= 2, null, { timeout: 5000 });
    await page.screenshot({ path: path.join(artifacts, 'edit-with-history.png'), fullPage: true });
    // And find it, accents left out.
    await page.keyboard.press('Alt+1');
    await page.fill('#q', '');
    await page.keyboard.type('ecole de traduction specialisee', { delay: 5 });
    const card = page.locator('#results article.card[data-ref="term.e2e-ecole-de-traduction"]');
    await card.waitFor({ timeout: 5000 });
    const texts = await card.locator('td.text').allTextContents();
    expect(texts.includes('trường biên dịch chuyên ngành'), `terms: ${JSON.stringify(texts)}`);
    expect(texts.includes('specialised translation school'), 'the edit did not stick');
  });

  await scenario('export-buttons', page, async () => {
    await page.keyboard.press('Alt+4');
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#p-export [data-format="tbx"]')]);
    expect(dl.suggestedFilename() === 'glossary.tbx', `download named ${dl.suggestedFilename()}`);
    const file = await dl.path();
    const tbx = readFileSync(file, 'utf8');
    expect(tbx.includes('Hoàng Xuân Chiến') && tbx.includes('e2e-ecole-de-traduction'), 'TBX lacks expected entries');
    await page.waitForSelector('#stats table');
  });

  await scenario('no-foreign-requests-no-errors', page, async () => {
    expect(foreign.length === 0, `requests outside the server: ${foreign.join(', ')}`);
    expect(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
  });
} finally {
  await browser.close();
  const exited = new Promise((r) => server.proc.once('exit', (code) => r(code)));
  server.proc.kill('SIGTERM');
  const code = await exited;
  // A clean stop (and, in sanitizer builds, no leak report) is part of it.
  results.push({ name: 'graceful-stop', ok: code === 0 });
  console.log(code === 0 ? 'ok   graceful-stop' : `FAIL graceful-stop: exit ${code}\n${server.proc.stderrText()}`);
  rmSync(work, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed}/${results.length} scenarios passed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
