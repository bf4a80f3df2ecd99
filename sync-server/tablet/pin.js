// The service screen's PIN on the tablet, as on the Slint kiosk (`kiosk/src/service_pin.rs`): the
// server made the tablet's own PIN at enrolment and sent its argon2id hash (PHC string) at pairing; a
// change in the panel arrives with a heartbeat reply. The typed PIN is checked here, on the tablet, so
// that the service screen opens with no network (that is when it is needed most), by argon2id from
// @noble/hashes (audited, plain JavaScript, pinned and served by this server: no WebAssembly, so the
// strict Content-Security-Policy stays). After five wrong PINs in a row a pause, doubling each round.

import { argon2idAsync } from './vendor/noble-hashes/argon2.js';
import * as db from './db.js';

export const ALLOWED_TRIES = 5;
const FIRST_PAUSE_MS = 60 * 1000;
const LONGEST_PAUSE_MS = 15 * 60 * 1000;

function fromB64(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/// Reads `$argon2id$v=19$m=…,t=…,p=…$salt$hash`; null when it is not one.
export function parsePhc(phc) {
  const parts = typeof phc === 'string' ? phc.split('$') : [];
  if (parts.length !== 6 || parts[1] !== 'argon2id' || parts[2] !== 'v=19') return null;
  const params = Object.fromEntries(parts[3].split(',').map((kv) => kv.split('=')));
  const [m, t, p] = [Number(params.m), Number(params.t), Number(params.p)];
  if (![m, t, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  try {
    return { m, t, p, salt: fromB64(parts[4]), hash: fromB64(parts[5]) };
  } catch {
    return null;
  }
}

/// Whether `pin` matches the argon2id hash `phc`.
export async function verify(pin, phc) {
  const parsed = parsePhc(phc);
  if (!parsed) return false;
  const { m, t, p, salt, hash } = parsed;
  const made = await argon2idAsync(new TextEncoder().encode(pin), salt, { m, t, p, dkLen: hash.length, version: 0x13 });
  let diff = made.length ^ hash.length;
  for (let i = 0; i < hash.length; i++) diff |= made[i] ^ hash[i];
  return diff === 0;
}

/// Checks a typed PIN: { ok } or { ok: false, waitSeconds } during a pause, or { ok: false, noPin } when
/// the tablet is paired but has no PIN. Before pairing the screen opens, so that staff can pair it.
export async function check(typed) {
  const [hash, pairing, tries] = await Promise.all([db.getSetting('pin_hash'), db.getSetting('pairing'),
    db.getSetting('pin_tries')]);
  if (!hash) return pairing ? { ok: false, noPin: true } : { ok: true };
  const state = tries || { wrong: 0, rounds: 0, pause_until: 0 };
  if (Date.now() < state.pause_until) return { ok: false, waitSeconds: Math.ceil((state.pause_until - Date.now()) / 1000) };
  if (await verify(typed, hash)) {
    await db.deleteSettings(['pin_tries']);
    return { ok: true };
  }
  state.wrong += 1;
  if (state.wrong >= ALLOWED_TRIES) {
    const pause = Math.min(FIRST_PAUSE_MS * 2 ** state.rounds, LONGEST_PAUSE_MS);
    state.rounds += 1;
    state.wrong = 0;
    state.pause_until = Date.now() + pause;
    await db.setSetting('pin_tries', state);
    return { ok: false, waitSeconds: Math.ceil(pause / 1000) };
  }
  await db.setSetting('pin_tries', state);
  return { ok: false, triesLeft: ALLOWED_TRIES - state.wrong };
}
