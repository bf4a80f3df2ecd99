// The tablet's screens: pairing, the start with faces, a question a screen, the thank-you, the
// information clause, and the service screen behind a long press and the PIN. Storage first: the
// thank-you shows only after the answer's IndexedDB write has completed (`db.saveAnswer`).

import * as db from './db.js';
import { DEFAULT_CONFIG, Flow } from './flow.js';
import * as pin from './pin.js';
import { pair, SyncError, Worker } from './sync.js';
import { WORDS } from './words.js';

const $ = (id) => document.getElementById(id);
const SCREENS = ['loading', 'pair', 'start', 'question', 'thanks', 'not-saved', 'privacy', 'pin', 'service'];
/// How long the service button must be held.
const HOLD_MS = 2000;

let flow = null;
let config = { ...DEFAULT_CONFIG };
let current = 'loading';
let idleTimer = null;
let thanksTimer = null;
let worker = null;

function show(name) {
  current = name;
  for (const s of SCREENS) $(`screen-${s}`).hidden = s !== name;
  $('tools').hidden = !['start', 'question', 'privacy'].includes(name);
  if (['pin', 'service', 'pair'].includes(name)) $('revoked-banner').hidden = true;
  document.documentElement.lang = ['pair', 'pin', 'service', 'loading'].includes(name) ? 'pl' : (flow?.lang || 'pl');
  const heading = $(`screen-${name}`).querySelector('h1');
  // The new screen's heading takes the focus, so that a screen reader reads where the visitor is.
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
}

function words() {
  return WORDS[flow?.lang || 'pl'];
}

/// A face drawn as SVG: the mouth curves from sad (1) to happy (5).
function faceSvg(rating) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 100 100');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `face face-${rating}`);
  const el = (name, attrs) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    svg.appendChild(e);
  };
  el('circle', { cx: 50, cy: 50, r: 46, class: 'skin' });
  el('circle', { cx: 35, cy: 40, r: 6, class: 'eye' });
  el('circle', { cx: 65, cy: 40, r: 6, class: 'eye' });
  const curve = { 1: -18, 2: -9, 3: 0, 4: 12, 5: 22 }[rating];
  el('path', { d: `M 28 68 Q 50 ${68 + curve} 72 68`, class: 'mouth' });
  return svg;
}

function button(label, onClick, className = '') {
  const b = document.createElement('button');
  b.type = 'button';
  if (className) b.className = className;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/// The flow over the questionnaire and settings stored now. With `keepLang`, a language the visitor chose
/// on the start screen stays (a questionnaire the sync brought must not switch it back to Polish).
async function loadFlow(keepLang = false) {
  const [pairing, held, saved] = await Promise.all([db.getSetting('pairing'), db.getSetting('questionnaire'),
    db.getSetting('config')]);
  config = { ...DEFAULT_CONFIG, ...(saved || {}) };
  const lang = flow?.lang;
  flow = pairing && held ? new Flow(config, held.pkg, pairing.office, pairing.device) : null;
  if (flow && keepLang && lang) flow.lang = lang;
  $('office-name').textContent = held?.pkg.office_name || 'Oceń Urząd';
}

/// The start screen: its words at once (a tap on a language changes them before the next frame), then
/// whether there is an information clause to offer, which is read from storage.
async function renderStart() {
  const w = words();
  $('anonymous').textContent = w.anonymous;
  $('privacy-open').textContent = w.privacy;
  const faces = $('faces');
  faces.replaceChildren();
  $('no-questionnaire').hidden = !!flow;
  if (!flow) {
    $('start-question').textContent = 'Oceń Urząd';
    $('privacy-open').hidden = !(await db.getSetting('privacy'));
    return;
  }
  const screen = flow.screen();
  $('start-question').textContent = screen.question;
  for (const face of screen.faces) {
    const b = button('', () => answered(flow.tapFace(Number(face.value))), `face-button rating-${face.value}`);
    b.dataset.value = face.value;
    b.append(faceSvg(Number(face.value)));
    const label = document.createElement('span');
    label.textContent = face.label;
    b.append(label);
    faces.append(b);
  }
  updateLangButtons();
  $('privacy-open').hidden = !(await db.getSetting('privacy'));
}

function renderQuestion() {
  const w = words();
  const screen = flow.screen();
  $('progress').textContent = `${w.progress} ${screen.number} / ${screen.total}`;
  $('question-text').textContent = screen.text;
  const list = $('choices');
  list.replaceChildren();
  for (const c of screen.choices) {
    const b = button(c.label, () => {
      const done = flow.choose(c.value);
      if (done) answered(done); else if (screen.multiple) renderQuestion(); else render();
    }, 'choice');
    b.dataset.value = c.value;
    if (screen.multiple) b.setAttribute('aria-pressed', String(c.selected));
    else if (c.selected) b.classList.add('selected');
    list.append(b);
  }
  $('back').textContent = w.back;
  const chosen = screen.choices.some((c) => c.selected);
  $('skip').textContent = screen.multiple && chosen ? w.next : w.skip;
  updateLangButtons();
}

function updateLangButtons() {
  for (const b of $('langs').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.lang === flow?.lang));
  const large = document.documentElement.classList.contains('large');
  $('text-size').textContent = large ? words().text_size_normal : words().text_size;
  $('text-size').setAttribute('aria-pressed', String(large));
}

function render() {
  if (!flow) { show('start'); renderStart(); return; }
  const screen = flow.screen();
  if (screen.kind === 'question') { renderQuestion(); if (current !== 'question') show('question'); else focusHeading('question'); }
  else if (screen.kind === 'start') { renderStart(); show('start'); }
}

function focusHeading(name) {
  const h = $(`screen-${name}`).querySelector('h1');
  h.tabIndex = -1;
  h.focus({ preventScroll: true });
}

/// A finished questionnaire: stored before the thank-you; a failed write shows that it was not saved.
async function answered(response) {
  if (!response) { render(); armIdle(); return; }
  clearTimeout(idleTimer);
  try {
    await db.saveAnswer(response);
  } catch (e) {
    console.warn('zapis odpowiedzi nieudany', e);
    const w = words();
    $('not-saved-title').textContent = w.not_saved_title;
    $('not-saved-text').textContent = w.not_saved_text;
    $('not-saved-close').textContent = w.start_again;
    show('not-saved');
    return;
  }
  const w = words();
  $('thanks-title').textContent = w.thanks_title;
  $('thanks-text').textContent = w.thanks_text;
  $('thanks-close').textContent = w.start_again;
  show('thanks');
  worker?.wake();
  clearTimeout(thanksTimer);
  thanksTimer = setTimeout(backToStart, config.thanks_seconds * 1000);
}

/// Back to the start in Polish, with the newest questionnaire the sync brought (between visitors only).
async function backToStart() {
  clearTimeout(thanksTimer);
  clearTimeout(idleTimer);
  document.documentElement.classList.remove('large');
  await loadFlow();
  await renderStart();
  await updateRevoked();
  show('start');
}

function armIdle() {
  clearTimeout(idleTimer);
  if (!['question', 'privacy', 'pin', 'service', 'not-saved'].includes(current)) return;
  const seconds = current === 'service' || current === 'pin' ? 120 : config.idle_seconds;
  idleTimer = setTimeout(async () => {
    const partial = flow?.idle();
    if (partial) {
      // A questionnaire left in the middle keeps what was answered, stored like any other.
      await db.saveAnswer(partial).catch((e) => console.warn('zapis częściowej odpowiedzi nieudany', e));
      worker?.wake();
    }
    backToStart();
  }, seconds * 1000);
}

async function updateRevoked() {
  const [revoked, counts] = await Promise.all([db.getSetting('revoked'), db.counts()]);
  const banner = $('revoked-banner');
  // For the staff at the counter; the service screen says the same in its own place.
  banner.hidden = !revoked || ['pin', 'service'].includes(current);
  if (revoked) {
    banner.textContent = `Ten tablet został odwołany w panelu administracyjnym i nie wysyła już odpowiedzi. ` +
      `Odpowiedzi niewysłane (${counts.pending}) są zachowane na tablecie: pobierz je na ekranie serwisowym ` +
      `i sparuj tablet ponownie nowym kodem z panelu.`;
  }
  return { revoked, counts };
}

function localTime(iso) {
  if (!iso) return 'jeszcze nie';
  return new Intl.DateTimeFormat('pl-PL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Warsaw' })
    .format(new Date(iso));
}

async function renderService() {
  const [pairing, lastSync, lastError, { revoked, counts }] = await Promise.all([db.getSetting('pairing'),
    db.getSetting('last_sync'), db.getSetting('last_error'), updateRevoked()]);
  $('st-device').textContent = pairing?.device || 'nie sparowany';
  $('st-office').textContent = pairing?.office || '–';
  $('st-pending').textContent = String(counts.pending);
  $('st-rejected').textContent = String(counts.rejected);
  $('st-last-sync').textContent = localTime(lastSync);
  $('st-last-error').textContent = lastError ? `${localTime(lastError.at)}: ${lastError.message}` : 'brak';
  $('revoked-note').hidden = !revoked;
  $('revoked-note').textContent = revoked
    ? `Tablet został odwołany w panelu administracyjnym (serwer: „${revoked.message}”). Odpowiedzi niewysłane: ` +
      `${counts.pending}. Pobierz je przyciskiem niżej i sparuj tablet ponownie.`
    : '';
  for (const r of document.querySelectorAll('input[name=mode]')) r.checked = r.value === config.mode;
  for (const r of document.querySelectorAll('input[name=faces]')) r.checked = Number(r.value) === config.faces;
  $('sync-now').disabled = !pairing || !!revoked;
}

async function exportUndelivered() {
  const [pairing, answers] = await Promise.all([db.getSetting('pairing'), db.undelivered()]);
  const data = {
    format: 'ocen-urzad-tablet-answers',
    format_version: 1,
    office: pairing?.office || null,
    device: pairing?.device || null,
    exported_at: new Date().toISOString(),
    answers: answers.map((a) => ({ state: a.state, saved_at: a.saved_at, errors: a.errors, response: a.response })),
  };
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `odpowiedzi-${pairing?.device || 'tablet'}-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  $('service-message').textContent = `Pobrano plik z ${answers.length} odpowiedziami.`;
}

/// The service button opens the PIN screen only when held (pointer or key) for HOLD_MS: a tap by a
/// visitor does nothing.
function setUpHold() {
  const hold = $('service-hold');
  let timer = null;
  const start = (e) => {
    if (e.type === 'keydown' && (e.repeat || !['Enter', ' '].includes(e.key))) { if (e.repeat) e.preventDefault(); return; }
    e.preventDefault();
    clearTimeout(timer);
    timer = setTimeout(openPin, HOLD_MS);
  };
  const stop = () => clearTimeout(timer);
  hold.addEventListener('pointerdown', start);
  hold.addEventListener('keydown', start);
  for (const ev of ['pointerup', 'pointerleave', 'pointercancel', 'keyup', 'blur']) hold.addEventListener(ev, stop);
  hold.addEventListener('contextmenu', (e) => e.preventDefault());
}

async function openPin() {
  if (current === 'pin' || current === 'service') return;
  $('pin').value = '';
  $('pin-error').textContent = '';
  show('pin');
  $('pin').focus();
  armIdle();
}

async function openService() {
  await renderService();
  show('service');
  armIdle();
}

function setUp() {
  $('pair-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const code = $('pair-code').value.trim();
    if (!code) { $('pair-error').textContent = 'Wpisz kod parowania z panelu.'; return; }
    $('pair-error').textContent = 'Parowanie…';
    try {
      await pair(code);
      $('pair-error').textContent = '';
      worker.wake();
      await backToStart();
    } catch (err) {
      $('pair-error').textContent = err instanceof SyncError && err.kind === 'network'
        ? 'Brak połączenia z serwerem. Sprawdź sieć tabletu i spróbuj ponownie.'
        : `Nie sparowano: ${err.message}`;
    }
  });
  for (const b of $('langs').querySelectorAll('button')) {
    b.addEventListener('click', () => {
      if (!flow) return;
      flow.lang = b.dataset.lang;
      document.documentElement.lang = flow.lang;
      if (current === 'question') renderQuestion(); else renderStart();
    });
  }
  $('text-size').addEventListener('click', () => {
    document.documentElement.classList.toggle('large');
    updateLangButtons();
  });
  $('back').addEventListener('click', () => { flow.back(); render(); });
  $('skip').addEventListener('click', () => {
    const done = flow.skip();
    if (done) answered(done); else render();
  });
  $('not-saved-close').addEventListener('click', backToStart);
  // The next visitor need not wait for the thank-you to go.
  $('thanks-close').addEventListener('click', backToStart);
  $('privacy-open').addEventListener('click', async () => {
    const notice = await db.getSetting('privacy');
    if (!notice) return;
    $('privacy-title').textContent = words().privacy;
    const box = $('privacy-text');
    box.replaceChildren(...notice.text.split(/\n\s*\n/).map((para) => {
      const p = document.createElement('p');
      p.textContent = para;
      return p;
    }));
    $('privacy-url').textContent = notice.url;
    $('privacy-close').textContent = words().close;
    show('privacy');
    armIdle();
  });
  $('privacy-close').addEventListener('click', () => { show(flow?.inProgress() ? 'question' : 'start'); });
  $('pin-cancel').addEventListener('click', backToStart);
  $('pin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('pin-error').textContent = 'Sprawdzanie…';
    const result = await pin.check($('pin').value);
    if (result.ok) { $('pin-error').textContent = ''; await openService(); return; }
    $('pin').value = '';
    $('pin-error').textContent = result.noPin
      ? 'Tablet nie ma PIN-u serwisowego. Nadaj go w panelu (Kioski → Zmień PIN); tablet dostanie go przy synchronizacji.'
      : result.waitSeconds
        ? `Zbyt wiele błędnych PIN-ów. Spróbuj ponownie za ${result.waitSeconds} s.`
        : `Błędny PIN. Pozostałe próby: ${result.triesLeft}.`;
  });
  $('sync-now').addEventListener('click', () => { $('service-message').textContent = 'Wysyłanie…'; worker.wake(); });
  $('export').addEventListener('click', exportUndelivered);
  for (const r of document.querySelectorAll('input[name=mode], input[name=faces]')) {
    r.addEventListener('change', async () => {
      const mode = document.querySelector('input[name=mode]:checked')?.value || config.mode;
      const faces = Number(document.querySelector('input[name=faces]:checked')?.value || config.faces);
      await db.setSetting('config', { ...(await db.getSetting('config')), mode, faces });
      await loadFlow();
      $('service-message').textContent = 'Zapisano ustawienia.';
    });
  }
  $('unpair').addEventListener('click', async () => {
    const { pending } = await db.counts();
    const question = pending
      ? `Odłączyć tablet? Na tablecie jest ${pending} niewysłanych odpowiedzi: zostaną zachowane i wysłane po ponownym sparowaniu.`
      : 'Odłączyć tablet od serwera? Do dalszej pracy potrzebny będzie nowy kod parowania z panelu.';
    if (!window.confirm(question)) return;
    await db.deleteSettings(['pairing', 'questionnaire', 'privacy', 'pin_hash', 'revoked', 'last_error', 'pin_tries']);
    flow = null;
    $('office-name').textContent = 'Oceń Urząd';
    $('revoked-banner').hidden = true;
    show('pair');
  });
  $('service-close').addEventListener('click', backToStart);
  // Any touch or key keeps a started questionnaire from being reset.
  for (const ev of ['pointerdown', 'keydown']) document.addEventListener(ev, () => armIdle(), { passive: true });
  setUpHold();
}

async function main() {
  setUp();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/kiosk/sw.js', { scope: '/kiosk/' })
      .catch((e) => console.warn('service worker nie zarejestrowany', e));
  }
  worker = new Worker(async (event) => {
    // A questionnaire the sync brought is taken between visitors only.
    if (event.ok && event.report.questionnaireUpdated && (current === 'start' || current === 'loading') && !flow?.inProgress()) {
      await loadFlow(true);
      await renderStart();
    }
    if (current === 'service') {
      await renderService();
      $('service-message').textContent = event.ok ? `Wysłano: ${event.report.sent}.` : `Nie wysłano: ${event.error.message}`;
    }
    if (current === 'start') await updateRevoked();
    document.body.dataset.syncs = String(Number(document.body.dataset.syncs || 0) + 1);
  });
  const pairing = await db.getSetting('pairing');
  if (!pairing) {
    show('pair');
  } else {
    await backToStart();
  }
  document.body.dataset.ready = 'true';
  worker.wake();
}

main().catch((e) => {
  console.error(e);
  $('screen-loading').querySelector('p').textContent = `Błąd uruchomienia tabletu: ${e.message}`;
});
