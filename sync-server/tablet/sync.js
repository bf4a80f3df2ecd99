// Bringing answers home through the server's sync API (`/api/v1/`, docs/sync-api.md), as the Slint
// kiosk does (`kiosk/src/sync.rs`): batches with receipts, an answer marked sent only when the receipt
// names it, a lost receipt answered "already stored" on the resend; then the questionnaire by ETag, the
// information clause and a heartbeat. Passes run at start, after every new answer, every minute while
// all is well, and after a failure with exponential backoff and jitter.

import * as db from './db.js';
import { uuid7 } from './uuid7.js';

export const WIRE_VERSION = 1;
/// Answers per upload (the server takes at most 500).
export const BATCH = 200;
/// What the heartbeat reports as the program: the tablet app and its protocol.
export const APP_VERSION = 'tablet-web 1';
const INTERVAL_MS = 60 * 1000;

/// This page's run: a heartbeat's clock names it as a kiosk names its boot.
const RUN_ID = uuid7();

export class SyncError extends Error {
  constructor(kind, message, code = null, status = 0) {
    super(message);
    this.kind = kind; // 'network' | 'refused' | 'bad_reply' | 'not_paired'
    this.code = code;
    this.status = status;
  }
}

async function call(path, { method = 'GET', token = null, body = undefined, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1/${path}`, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (e) {
    throw new SyncError('network', `brak połączenia z serwerem (${e.message})`);
  }
  return response;
}

async function reply(response) {
  const text = await response.text().catch(() => '');
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* read below */ }
  if (response.ok && json) return json;
  if (!response.ok) {
    const code = json?.code || 'http';
    const message = json?.message || `HTTP ${response.status}`;
    throw new SyncError('refused', message, code, response.status);
  }
  throw new SyncError('bad_reply', 'niezrozumiała odpowiedź serwera');
}

/// Exchanges the one-time code for the tablet's token and keeps the pairing. Sent once: the server
/// spends the code when it reads it.
export async function pair(code) {
  const r = await reply(await call('pair', { method: 'POST', body: { wire_version: WIRE_VERSION, code: code.trim() } }));
  const pairing = { token: r.token, office: r.office, device: r.device, paired_at: new Date().toISOString() };
  await db.setSetting('pairing', pairing);
  await db.deleteSettings(['revoked', 'questionnaire', 'last_error']);
  if (r.service_pin_hash) await db.setSetting('pin_hash', r.service_pin_hash);
  // Ask the browser to keep this site's storage even when the tablet runs short of space.
  if (navigator.storage?.persist) await navigator.storage.persist().catch(() => false);
  return pairing;
}

/// The heartbeat's clock: the wall clock, and this page's run with the milliseconds since it began in place
/// of a kiosk's boot and uptime. Answers carry no such clock: a tablet's own clock is set by the network
/// and kept by its battery, while a browser's monotonic clock may stop while the tablet sleeps, which
/// would make the server's correction wrong.
function deviceClock() {
  return { boot_id: RUN_ID, uptime_ms: Math.round(performance.now()), wall: new Date().toISOString() };
}

/// One pass. Stops at the first failure; what was acknowledged before it stays acknowledged.
export async function syncOnce() {
  const pairing = await db.getSetting('pairing');
  if (!pairing) throw new SyncError('not_paired', 'tablet nie jest sparowany z serwerem');
  const token = pairing.token;
  const report = { sent: 0, rejected: 0, questionnaireUpdated: false };
  for (;;) {
    const responses = await db.pending(BATCH);
    if (!responses.length) break;
    for (const r of responses) if (!r.office) r.office = pairing.office;
    const receipt = await reply(await call('responses', {
      method: 'POST', token, body: { wire_version: WIRE_VERSION, device: pairing.device, responses },
    }));
    const sentIds = new Set(responses.map((r) => r.id));
    const results = (receipt.results || []).filter((r) => sentIds.has(r.id));
    if (!results.length) throw new SyncError('bad_reply', 'potwierdzenie nie dotyczy wysłanych odpowiedzi');
    report.sent += results.filter((r) => r.outcome !== 'rejected').length;
    report.rejected += results.filter((r) => r.outcome === 'rejected').length;
    await db.acknowledge(results);
  }
  // Answers first; the questionnaire matters only for the next visitor.
  const held = await db.getSetting('questionnaire');
  const q = await call('questionnaire', { token, headers: held?.etag ? { 'If-None-Match': held.etag } : {} });
  if (q.status !== 304) {
    const etag = q.headers.get('ETag') || '';
    const pkg = await reply(q);
    await db.setSetting('questionnaire', { pkg, etag });
    report.questionnaireUpdated = true;
  }
  try {
    const notice = await reply(await call('privacy-notice', { token }));
    await db.setSetting('privacy', notice);
  } catch (e) {
    // A server without the clause (404) leaves the tablet with what it has.
    if (!(e.kind === 'refused' && e.status === 404)) throw e;
  }
  const counts = await db.counts();
  const beat = await reply(await call('heartbeat', {
    method: 'POST', token,
    body: {
      wire_version: WIRE_VERSION, app_version: APP_VERSION, pending: counts.pending, clock: deviceClock(), device_kind: 'tablet',
    },
  }));
  if (beat.service_pin_hash) await db.setSetting('pin_hash', beat.service_pin_hash);
  await db.prune();
  await db.setSetting('last_sync', new Date().toISOString());
  await db.deleteSettings(['last_error']);
  return report;
}

/// How long to wait after `failures` failed passes in a row: doubling from 2 s up to 5 min, plus up to
/// 20 % random jitter so that tablets coming back after an outage do not all call at once.
export function backoff(failures, random = Math.random) {
  const base = Math.min(2000 * 2 ** Math.min(failures, 16), 300000);
  return base + base * 0.2 * random();
}

/// The background worker: `wake()` asks for a pass now; `onChange` hears after every pass.
export class Worker {
  constructor(onChange) {
    this.onChange = onChange;
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.again = false;
    // The network is back: start again at once, without the backoff the outage built up.
    window.addEventListener('online', () => { this.failures = 0; this.wake(); });
  }

  wake() {
    if (this.running) { this.again = true; return; }
    clearTimeout(this.timer);
    this.run();
  }

  async run() {
    this.running = true;
    let wait = INTERVAL_MS;
    try {
      if (await db.getSetting('revoked')) {
        wait = null; // a revoked tablet stays quiet until it is paired again
      } else {
        const report = await syncOnce();
        this.failures = 0;
        this.onChange?.({ ok: true, report });
      }
    } catch (e) {
      if (e.kind === 'not_paired') {
        wait = null;
      } else if (e.kind === 'refused' && e.code === 'unauthorized') {
        // Revoked in the panel (or the pairing was removed there): nothing will go through with this
        // token. The answers stay on the tablet for export or a new pairing.
        await db.setSetting('revoked', { at: new Date().toISOString(), message: e.message });
        wait = null;
      } else {
        this.failures += 1;
        wait = backoff(this.failures);
      }
      await db.setSetting('last_error', { at: new Date().toISOString(), message: e.message }).catch(() => {});
      this.onChange?.({ ok: false, error: e });
    }
    this.running = false;
    if (this.again) { this.again = false; this.run(); return; }
    if (wait !== null) this.timer = setTimeout(() => this.run(), wait);
  }
}
