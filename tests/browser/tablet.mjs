// The tablet at the counter (/kiosk/) in Debian's headless Chromium, with a persistent profile as a real
// tablet has, through a proxy the test steers (tablet_proxy.mjs). The admin enrols the tablet in the
// panel; the tablet is paired with that code; 50 answers are given offline (touch and keyboard), the app
// is reloaded offline (it starts from its service worker), and delivered when the network is back; the
// browser is closed while a batch's receipt is on its way and started again; a receipt is lost on the
// way; the service screen opens by a long press (touch and keyboard) and the PIN; the admin revokes the
// tablet, which says so in Polish, keeps its unsent answers and exports them; an answer the browser
// refuses to store (a quota error) shows "not saved" instead of the thank-you. axe-core (WCAG 2.1 A/AA) on
// every screen.
// Usage: node tablet.mjs BASE_URL LOGIN PASSWORD [SCREENSHOT_DIR]
// Prints a JSON summary: the ids of the answers the server must hold exactly once, the ids kept on the
// revoked tablet, and what every receipt said.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { check, launchChromium, tabTo } from './common.mjs';
import { startProxy } from './tablet_proxy.mjs';

const [base, login, password, shots] = process.argv.slice(2);
if (!password) throw new Error('usage: node tablet.mjs BASE_URL LOGIN PASSWORD [SCREENSHOT_DIR]');

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const proxy = await startProxy(base);
const app = `${proxy.url}/kiosk/`;
const profile = mkdtempSync(join(tmpdir(), 'tablet-profile-'));
const summary = { axe: {}, scenarios: [], delivered: [], kept: [], exported: [], receipts: {}, screenshots: [] };

// ---- the admin enrols the tablet in the panel -------------------------------------------------------
const adminBrowser = await launchChromium();
const admin = await adminBrowser.newPage();
await admin.goto(`${base}/admin/logowanie`);
await admin.fill('#login', login);
await admin.fill('#password', password);
await Promise.all([admin.waitForURL('**/pulpit'), admin.click('button[type=submit]')]);
await admin.goto(`${base}/admin/urzad/urzad/kioski`);
await admin.fill('#kiosk-name', 'tablet-okienko-3');
await Promise.all([admin.waitForLoadState('load'), admin.click('form[action$="/kioski"] button[type=submit]')]);
const codes = await admin.$$eval('.notice code', (els) => els.map((e) => e.textContent));
const [code, , pin] = codes;
check(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code) && /^\d{6,12}$/.test(pin), `the panel should show a code and a PIN: ${codes}`);

// ---- the tablet ---------------------------------------------------------------------------------------
let context;
let page;

/// Starts (or starts again) the tablet's browser on the same profile, as a tablet after a reboot.
async function startTablet() {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1024, height: 768 },
    hasTouch: true,
    locale: 'pl-PL',
    acceptDownloads: true,
  });
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => { throw new Error(`page error on the tablet: ${e}`); });
  page.on('console', (m) => {
    // Refused requests while offline are expected; a refused script or style (CSP) is a fault.
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) {
      throw new Error(`CSP refused something on the tablet: ${m.text()}`);
    }
  });
}

async function visible(selector) {
  await page.locator(selector).first().waitFor({ state: 'visible' });
}

async function axe(name) {
  // Injected through the DevTools protocol, which the page's CSP does not govern: the app's own policy
  // stays in force while axe checks it.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html).slice(0, 3) })), passes: r.passes.length };
  });
  check(result.passes > 5, `axe ran on ${name} but checked almost nothing (${result.passes} passes)`);
  check(result.violations.length === 0, `axe found violations on ${name}: ${JSON.stringify(result.violations, null, 2)}`);
  summary.axe[name] = { violations: 0, passes: result.passes };
}

async function shot(name) {
  if (!shots) return;
  await page.screenshot({ path: join(shots, name) });
  summary.screenshots.push(name);
}

/// The answers in the tablet's IndexedDB: id and state.
function stored() {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const r = indexedDB.open('ocen-urzad-tablet');
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const q = r.result.transaction('answers').objectStore('answers').getAll();
      q.onsuccess = () => { r.result.close(); resolve(q.result.map((a) => ({ id: a.id, state: a.state }))); };
      q.onerror = () => reject(q.error);
    };
  }));
}

async function pendingIds() {
  return (await stored()).filter((a) => a.state === 'pending').map((a) => a.id).sort();
}

async function waitUntilNothingPending() {
  await page.waitForFunction(() => new Promise((resolve) => {
    const r = indexedDB.open('ocen-urzad-tablet');
    r.onsuccess = () => {
      const q = r.result.transaction('answers').objectStore('answers').index('state').count('pending');
      q.onsuccess = () => { r.result.close(); resolve(q.result === 0); };
    };
  }), null, { timeout: 60000, polling: 200 });
}

/// One visitor by touch: a face, the department ("Inna"), the first option of the second follow-up.
async function answerByTouch(rating) {
  await page.tap(`#faces button[data-value="${rating}"]`);
  await page.tap('#choices button[data-value="inna"]');
  await page.tap('#choices button >> nth=0');
  await visible('#screen-thanks');
  await page.tap('#thanks-close');
  await visible('#faces button');
}

/// Presses Tab until the focused button is the one of `value`.
async function tabToValue(value) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.dataset?.value) === value) return;
  }
  throw new Error(`could not reach the button of ${value} with the Tab key`);
}

/// One visitor by keyboard alone.
async function answerByKeyboard(rating) {
  await tabToValue(String(rating));
  await page.keyboard.press('Enter');
  await visible('#screen-question');
  await tabToValue('inna');
  await page.keyboard.press('Enter');
  await tabTo(page, () => document.activeElement?.classList?.contains('choice'), 'the first answer', 60);
  await page.keyboard.press('Enter');
  await visible('#screen-thanks');
  await tabTo(page, () => document.activeElement?.id === 'thanks-close', 'the button back to the start', 60);
  await page.keyboard.press('Enter');
  await visible('#faces button');
}

/// Opens the service screen: the gear held down (by touch or by a key) for two seconds, then the PIN.
async function openService(how) {
  // On the start screen, settled: a screen shown during the hold moves the focus, which ends the hold.
  await visible('#faces button');
  if (how === 'keyboard') {
    await page.focus('#service-hold');
    await page.keyboard.down('Enter');
    await visible('#screen-pin');
    await page.keyboard.up('Enter');
  } else {
    const box = await page.locator('#service-hold').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await visible('#screen-pin');
    await page.mouse.up();
  }
  await page.fill('#pin', pin);
  await page.click('#pin-form button[type=submit]');
  await visible('#screen-service');
}

async function goOffline() {
  proxy.mode = 'down';
  await context.setOffline(true);
}

async function goOnline() {
  proxy.mode = 'pass';
  await context.setOffline(false);
}

// Pairing: the code typed on the tablet.
await startTablet();
await page.goto(app);
await visible('#screen-pair');
check(await page.getAttribute('html', 'lang') === 'pl', 'the tablet speaks Polish');
await axe('pairing');
await shot('tablet-parowanie.png');
await page.fill('#pair-code', 'ZZZZ-ZZZZ');
await page.click('#pair-form button[type=submit]');
await page.waitForFunction(() => document.getElementById('pair-error').textContent.startsWith('Nie sparowano'));
check((await page.textContent('#pair-error')).includes('Nieznany lub już użyty kod parowania'), 'a wrong code is explained in Polish');
await page.fill('#pair-code', code);
await page.keyboard.press('Enter');
await visible('#faces button');
check((await page.textContent('#start-question')) === 'Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?', 'the overall question from the server');
check((await page.textContent('#office-name')) === 'Urząd Gminy Testowo', 'the office name from the server');
// The service worker has the app before the network goes.
await page.evaluate(async () => { await navigator.serviceWorker.ready; });
await axe('start');
await shot('tablet-start.png');
summary.scenarios.push('paired');

// Other screens while online: languages, the larger text, a question, the thank-you, the clause.
await page.click('#langs button[data-lang="en"]');
check((await page.textContent('#start-question')) === 'Overall, how do you rate the service at the office?', 'English from the questionnaire');
check(await page.getAttribute('html', 'lang') === 'en', 'lang=en');
await axe('start_en');
await page.click('#langs button[data-lang="uk"]');
check(await page.getAttribute('html', 'lang') === 'uk', 'lang=uk');
await page.click('#text-size');
check(await page.evaluate(() => document.documentElement.classList.contains('large')), 'the text-size switch');
await axe('start_uk_large');
await page.tap('#faces button[data-value="4"]');
await visible('#screen-question');
await axe('question_uk_large');
await page.click('#langs button[data-lang="pl"]');
await page.click('#text-size');
await shot('tablet-pytanie.png');
await page.tap('#choices button[data-value="inna"]');
await page.tap('#choices button >> nth=0');
await visible('#screen-thanks');
check((await page.textContent('#thanks-title')) === 'Dziękujemy!', 'the thank-you in Polish');
await axe('thanks');
await shot('tablet-dziekujemy.png');
await page.tap('#thanks-close');
await visible('#faces button');
await waitUntilNothingPending();
await visible('#privacy-open');
await page.click('#privacy-open');
await visible('#screen-privacy');
check((await page.textContent('#privacy-text')).length > 200, 'the information clause from the server');
await axe('privacy');
await page.click('#privacy-close');
await visible('#faces button');
summary.delivered.push(...(await stored()).map((a) => a.id));

// ---- 50 answers offline, a reload offline, delivered once when the network is back ------------------
await goOffline();
for (let i = 0; i < 50; i++) {
  const rating = (i % 5) + 1;
  if (i % 10 === 9) await answerByKeyboard(rating); else await answerByTouch(rating);
}
const offline = await pendingIds();
check(offline.length === 50, `50 answers pending offline, got ${offline.length}`);
await page.reload();
await visible('#faces button');
check((await pendingIds()).join() === offline.join(), 'the 50 answers survive a reload offline');
summary.scenarios.push('reload_offline');
const deliveredOffline = proxy.nextReceipt((r) => r.mode === 'pass');
await goOnline();
const receipt = await deliveredOffline;
await waitUntilNothingPending();
summary.receipts.offline = proxy.receipts.filter((r) => r.delivered).slice(-1)[0].receipt.results.map((r) => r.outcome);
summary.delivered.push(...offline);
summary.scenarios.push('offline_50');
check(receipt.receipt.results.length === 50, `one batch of 50, got ${receipt.receipt.results.length}`);

// ---- the browser closed while a batch's receipt is on its way ---------------------------------------
await goOffline();
for (let i = 0; i < 5; i++) await answerByTouch(5 - i);
const closed = await pendingIds();
check(closed.length === 5, 'five answers pending before the close');
proxy.mode = 'pass';
const held = proxy.nextReceipt((r) => r.mode === 'hold');
proxy.mode = 'hold';
await context.setOffline(false);
const heldReceipt = await held;
check(heldReceipt.receipt.results.every((r) => r.outcome === 'stored'), 'the server stored the batch whose receipt was held');
await context.close();
proxy.mode = 'pass';
for (const res of proxy.held.splice(0)) res.socket?.destroy();
await startTablet();
const resent = proxy.nextReceipt((r) => r.mode === 'pass');
await page.goto(app);
summary.receipts.after_close = (await resent).receipt.results.map((r) => r.outcome);
await waitUntilNothingPending();
summary.delivered.push(...closed);
summary.scenarios.push('closed_during_batch');

// ---- a receipt lost on the way -----------------------------------------------------------------------
await visible('#faces button');
await goOffline();
for (let i = 0; i < 3; i++) await answerByTouch(2);
const dropped = await pendingIds();
const lost = proxy.nextReceipt((r) => r.mode === 'drop');
const again = proxy.nextReceipt((r) => r.mode === 'pass');
await context.setOffline(false);
proxy.mode = 'drop';
summary.receipts.lost = (await lost).receipt.results.map((r) => r.outcome);
summary.receipts.resent = (await again).receipt.results.map((r) => r.outcome);
await waitUntilNothingPending();
summary.delivered.push(...dropped);
summary.scenarios.push('receipt_lost');

// ---- the service screen: a long press by touch and by keyboard, then the PIN -------------------------
{
  const box = await page.locator('#service-hold').boundingBox();
  await page.tap('#service-hold');
  check(await page.locator('#screen-pin').isHidden(), 'a short tap on the gear does nothing');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await visible('#screen-pin');
  await page.mouse.up();
  await axe('pin');
  await page.fill('#pin', '000000');
  await page.click('#pin-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('pin-error').textContent.startsWith('Błędny PIN'));
  check((await page.textContent('#pin-error')).includes('Pozostałe próby: 4'), 'a wrong PIN is refused in Polish with the tries left');
  await page.fill('#pin', pin);
  await page.click('#pin-form button[type=submit]');
  await visible('#screen-service');
  check((await page.textContent('#st-pending')) === '0', 'nothing pending on the service screen');
  check((await page.textContent('#st-device')) === 'tablet-okienko-3', 'the tablet name on the service screen');
  await axe('service');
  await shot('tablet-serwis.png');
  // Full mode, one visitor who skips everything after the faces.
  await page.check('input[name=mode][value=full]');
  await page.waitForFunction(() => document.getElementById('service-message').textContent === 'Zapisano ustawienia.');
  await page.click('#service-close');
  await visible('#faces button');
  await page.tap('#faces button[data-value="3"]');
  await visible('#screen-question');
  check((await page.textContent('#progress')).endsWith('/ 38'), `full mode asks 38 questions: ${await page.textContent('#progress')}`);
  for (let i = 0; i < 40 && await page.locator('#screen-question').isVisible(); i++) {
    const before = await page.textContent('#progress');
    await page.click('#skip');
    // The last skip stores the answer before the thank-you shows: the question stays until then.
    await page.waitForFunction((p) => document.getElementById('progress').textContent !== p
      || !document.getElementById('screen-thanks').hidden, before);
  }
  await visible('#screen-thanks');
  await page.click('#thanks-close');
  await visible('#faces button');
  await waitUntilNothingPending();
  await openService('keyboard');
  await page.check('input[name=mode][value=smiley]');
  await page.waitForFunction(() => document.getElementById('service-message').textContent === 'Zapisano ustawienia.');
  await page.click('#service-close');
  summary.delivered.push(...(await stored()).map((a) => a.id).filter((id) => !summary.delivered.includes(id)));
  summary.scenarios.push('service_screen');
}

// ---- revoked in the panel: told so, the unsent answers kept and exported ----------------------------
await admin.goto(`${base}/admin/urzad/urzad/kioski`);
const row = await admin.textContent('tr:has-text("tablet-okienko-3")');
check(row.includes('Tablet') && row.includes('działa'), `the panel lists the tablet as a working tablet: ${row}`);
await Promise.all([admin.waitForLoadState('load'), admin.click('form[action*="/odwolaj"] button[type=submit]')]);
await visible('#faces button');
await answerByTouch(1);
await answerByTouch(2);
await visible('#revoked-banner');
const banner = await page.textContent('#revoked-banner');
check(banner.includes('odwołany w panelu administracyjnym') && banner.includes('(2)'), `the revoked tablet says so: ${banner}`);
await axe('revoked_start');
summary.kept = await pendingIds();
check(summary.kept.length === 2, 'the two answers stay on the revoked tablet');
await openService('touch');
check(!(await page.locator('#revoked-note').isHidden()), 'the service screen says the tablet was revoked');
await axe('revoked_service');
await shot('tablet-odwolany.png');
const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
summary.exported = exported.answers.map((a) => a.response.id).sort();
check(summary.exported.join() === summary.kept.join(), 'the export holds exactly the unsent answers');
check(exported.answers.every((a) => a.response.channel === 'kiosk_touch' && a.response.answers.ogolna_ocena), 'exported answers are whole responses');
summary.scenarios.push('revoked_export');

// ---- storage first: an answer that cannot be written shows no thank-you ------------------------------
await page.click('#service-close');
await visible('#faces button');
const before = (await stored()).length;
// The browser refuses the write as with a full disk (a quota error), for this page only.
await page.evaluate(() => {
  window.realAdd = IDBObjectStore.prototype.add;
  IDBObjectStore.prototype.add = () => { throw new DOMException('no space', 'QuotaExceededError'); };
});
await page.tap('#faces button[data-value="5"]');
await page.tap('#choices button[data-value="usc"]');
await page.tap('#choices button >> nth=0');
await visible('#screen-not-saved');
check(await page.locator('#screen-thanks').isHidden(), 'no thank-you for an answer not stored');
check((await page.textContent('#not-saved-title')) === 'Nie udało się zapisać odpowiedzi', 'the visitor is told in Polish');
await axe('not_saved');
await page.evaluate(() => { IDBObjectStore.prototype.add = window.realAdd; });
await page.click('#not-saved-close');
await visible('#faces button');
check((await stored()).length === before, 'nothing half-stored');
summary.scenarios.push('not_saved');

await context.close();
await adminBrowser.close();
await proxy.close();
rmSync(profile, { recursive: true, force: true });
summary.delivered = [...new Set(summary.delivered)].sort();
// Answered ones only: a pass under way when the admin revoked the tablet may have met a 401 there.
summary.questionnaire_statuses = [...new Set(proxy.api.filter((r) => r.path === '/api/v1/questionnaire' && r.status < 400)
  .map((r) => r.status))].sort();
console.log(JSON.stringify(summary));
