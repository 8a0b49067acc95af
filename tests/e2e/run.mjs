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

  // A segment pair from the bundled glossary's own concepts: the general's
  // name left without its diacritics (name-form) and Hanoï not translated
  // (missing-term). Typed and run with the keyboard only.
  await scenario('check-pair', page, async () => {
    await page.keyboard.press('Alt+5');
    expect(await page.evaluate(() => document.activeElement.id) === 'ck-src', 'Alt+5 did not focus the source box');
    expect(await page.locator('#ck-doc').isHidden(), 'the file line shows before any file was opened');
    await page.keyboard.type('Le général Phan Van Giang est arrivé à Hanoï.', { delay: 2 });
    for (let i = 0; i < 4 && await page.evaluate(() => document.activeElement.id) !== 'ck-tgt'; i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id) === 'ck-tgt', 'Tab did not reach the translation box');
    await page.keyboard.type('Đại tướng Phan Van Giang đã đến thủ đô.', { delay: 2 });
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#ck-results li.f', { timeout: 10000 });
    const found = await page.locator('#ck-results li.f').evaluateAll((ls) => ls.map((l) => ({
      kind: l.getAttribute('data-kind'), sev: l.querySelector('.sev').textContent,
      msg: l.querySelector('.msg').textContent, exp: (l.querySelector('.exp span') || {}).textContent,
      ref: (l.querySelector('.ref') || {}).textContent })));
    const nameForm = found.find((f) => f.kind === 'name-form');
    expect(nameForm && nameForm.sev === 'error' && nameForm.exp === 'Phan Văn Giang' && /Phan Van Giang/.test(nameForm.msg) &&
      nameForm.ref === 'person.phan-van-giang', `no name-form finding for Phan Van Giang: ${JSON.stringify(found)}`);
    const missing = found.find((f) => f.kind === 'missing-term');
    expect(missing && missing.exp === 'Hà Nội' && missing.ref === 'place.ha-noi', `no missing-term finding for Hanoï: ${JSON.stringify(found)}`);
    // The spans concerned are highlighted on each side.
    const srcMarks = await page.locator('#ck-results td.src mark.f').allTextContents();
    const tgtMarks = await page.locator('#ck-results td.tgt mark.f').allTextContents();
    expect(srcMarks.includes('Hanoï'), `source highlights: ${JSON.stringify(srcMarks)}`);
    expect(tgtMarks.includes('Phan Van Giang'), `target highlights: ${JSON.stringify(tgtMarks)}`);
    expect(await page.locator('#ck-results td.tgt').textContent() === 'Đại tướng Phan Van Giang đã đến thủ đô.', 'target text altered');
    // Keyboard: the first finding has the focus and its span is selected;
    // the arrow keys walk the findings and move the selection with them.
    expect(await page.evaluate(() => document.activeElement.matches('#ck-results li.f')), 'first finding not focused');
    const selText = () => page.evaluate(() => Array.from(document.querySelectorAll('#ck-results mark.f.selected')).map((m) => m.textContent).join('|'));
    const firstKind = await page.evaluate(() => document.activeElement.getAttribute('data-kind'));
    const sel1 = await selText();
    expect(sel1 === (firstKind === 'name-form' ? 'Phan Van Giang' : 'Hanoï'), `selection on focus: ${sel1}`);
    await page.keyboard.press('ArrowDown');
    const sel2 = await selText();
    expect(sel2 === (firstKind === 'name-form' ? 'Hanoï' : 'Phan Van Giang'), `selection after ArrowDown: ${sel2}`);
    const status = await page.locator('#ck-status').textContent();
    expect(/^2 findings in 1 of 1 segment \(fr → vi\)/.test(status), `status: ${status}`);
    // A corrected translation is clean.
    await page.fill('#ck-tgt', 'Đại tướng Phan Văn Giang đã đến Hà Nội.');
    await page.click('#ck-go');
    await page.waitForFunction(() => /^0 findings/.test(document.getElementById('ck-status').textContent), null, { timeout: 5000 });
    expect(await page.locator('#ck-results').isHidden(), 'findings table still shown for a clean pair');
    // Back to the faulty one for the screenshot.
    await page.fill('#ck-tgt', 'Đại tướng Phan Van Giang đã đến thủ đô.');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#ck-results li.f', { timeout: 5000 });
  });

  await scenario('check-xliff-file', page, async () => {
    const xlf = `<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="bilan.txt" source-language="fr-FR" target-language="vi-VN" datatype="plaintext">
    <body>
      <trans-unit id="u1"><source>Le général Phan Van Giang est arrivé à Hanoï.</source><target>Đại tướng Phan Văn Giang đã đến Hà Nội.</target></trans-unit>
      <trans-unit id="u2"><source>Le <g id="1">ministère de la Défense</g> a tenu 3 conférences.</source><target>Bộ Quốc phòng đã tổ chức hội nghị.</target></trans-unit>
      <trans-unit id="u3"><source>Sans traduction.</source></trans-unit>
    </body>
  </file>
</xliff>
`;
    await page.locator('#ck-doc-file').setInputFiles({ name: 'bilan.xlf', mimeType: 'application/xliff+xml', buffer: Buffer.from(xlf) });
    await page.waitForFunction(() => /segments/.test(document.getElementById('ck-status').textContent), null, { timeout: 10000 });
    const status = await page.locator('#ck-status').textContent();
    expect(/^1 finding in 1 of 3 segments \(fr → vi\); 1 not translated/.test(status), `status: ${status}`);
    expect(/bilan\.xlf/.test(await page.locator('#ck-doc-name').textContent()), 'file name not shown');
    const rows = await page.locator('#ck-results tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-segment')));
    expect(JSON.stringify(rows) === '["u2"]', `rows with findings: ${JSON.stringify(rows)}`);
    const kinds = await page.locator('#ck-results li.f').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-kind')));
    expect(JSON.stringify(kinds) === '["number"]', `finding kinds: ${JSON.stringify(kinds)}`);
    expect((await page.locator('#ck-results td.src mark.f').allTextContents()).includes('3'), 'the number is not highlighted');
    // The inline code is left out of the text shown.
    expect(await page.locator('#ck-results td.src').textContent() === 'Le ministère de la Défense a tenu 3 conférences.', 'source text of u2');
    // A broken file gets a message naming the line (and the browser logs
    // the 400 answer, which is expected here and only here).
    const errorsBefore = consoleErrors.length;
    await page.locator('#ck-doc-file').setInputFiles({ name: 'broken.xlf', mimeType: 'application/xliff+xml', buffer: Buffer.from(xlf.replace('</target></trans-unit>\n      <trans-unit id="u2">', '</trans-unit>\n      <trans-unit id="u2">')) });
    await page.waitForFunction(() => document.getElementById('ck-status').classList.contains('error'), null, { timeout: 5000 });
    const err = await page.locator('#ck-status').textContent();
    expect(/^broken\.xlf:5: /.test(err), `error message: ${err}`);
    const logged = consoleErrors.splice(errorsBefore);
    expect(logged.length <= 1 && logged.every((m) => /status of 400/.test(m)), `console: ${logged.join(' | ')}`);
    await page.locator('#ck-doc-file').setInputFiles({ name: 'bilan.xlf', mimeType: 'application/xliff+xml', buffer: Buffer.from(xlf) });
    await page.waitForSelector('#ck-results li.f', { timeout: 5000 });
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
