// The tablet's own storage, in IndexedDB: every answer until the server's receipt names it, and the
// settings (pairing, questionnaire with its ETag, information clause, service PIN hash, last sync).
// Every write resolves only when its transaction has completed: the thank-you is shown after that.
//
// answers: { id, response, state: 'pending' | 'sent' | 'rejected', saved_at, sent_at?, errors? }
// settings: values by name.

const NAME = 'ocen-urzad-tablet';
const VERSION = 1;

/// Sent answers are kept this long, then removed (the server has them).
const RETENTION_DAYS = 30;

let opened = null;

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const r = indexedDB.open(NAME, VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        const answers = db.createObjectStore('answers', { keyPath: 'id' });
        answers.createIndex('state', 'state');
        db.createObjectStore('settings');
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error('baza tabletu zablokowana przez inną kartę'));
    });
  }
  return opened;
}

/// Runs `work(stores)` in one transaction; resolves with its result once the transaction has completed
/// (for a write: is on disk as far as the browser can tell), rejects if it aborted.
async function transaction(names, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode, { durability: 'strict' });
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error || new Error('transakcja przerwana'));
    tx.onerror = () => reject(tx.error);
    const stores = names.map((n) => tx.objectStore(n));
    Promise.resolve(work(...stores)).then((r) => { result = r; }, (e) => { tx.abort(); reject(e); });
  });
}

/// Stores a new answer as pending. Resolves when it is durably written.
export function saveAnswer(response) {
  return transaction(['answers'], 'readwrite', (answers) => {
    answers.add({ id: response.id, response, state: 'pending', saved_at: new Date().toISOString() });
  });
}

/// Up to `limit` pending answers, oldest first (ids are UUIDv7: time first).
export function pending(limit) {
  return transaction(['answers'], 'readonly', async (answers) => {
    const all = await request(answers.index('state').getAll('pending'));
    all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return all.slice(0, limit).map((a) => a.response);
  });
}

/// Counts of answers by state.
export function counts() {
  return transaction(['answers'], 'readonly', async (answers) => {
    const index = answers.index('state');
    const [pending, sent, rejected] = await Promise.all(
      ['pending', 'sent', 'rejected'].map((s) => request(index.count(s))));
    return { pending, sent, rejected };
  });
}

/// Marks what the receipt names: held by the server → sent; rejected → rejected with the reasons. Any
/// answer the receipt does not name stays pending.
export function acknowledge(results) {
  const now = new Date().toISOString();
  return transaction(['answers'], 'readwrite', async (answers) => {
    for (const r of results) {
      const record = await request(answers.get(r.id));
      if (!record || record.state !== 'pending') continue;
      if (r.outcome === 'rejected') {
        record.state = 'rejected';
        record.errors = r.errors || [];
      } else {
        record.state = 'sent';
        record.sent_at = now;
      }
      answers.put(record);
    }
  });
}

/// Every answer not delivered (pending or rejected), for the export on the service screen.
export function undelivered() {
  return transaction(['answers'], 'readonly', async (answers) => {
    const all = await request(answers.getAll());
    return all.filter((a) => a.state !== 'sent');
  });
}

/// Removes sent answers older than the retention period.
export function prune() {
  const cutoff = new Date(Date.now() - RETENTION_DAYS * 86400 * 1000).toISOString();
  return transaction(['answers'], 'readwrite', async (answers) => {
    const sent = await request(answers.index('state').getAll('sent'));
    for (const a of sent) if (a.sent_at < cutoff) answers.delete(a.id);
  });
}

export function getSetting(name) {
  return transaction(['settings'], 'readonly', (settings) => request(settings.get(name)));
}

export function setSetting(name, value) {
  return transaction(['settings'], 'readwrite', (settings) => { settings.put(value, name); });
}

export function deleteSettings(names) {
  return transaction(['settings'], 'readwrite', (settings) => { for (const n of names) settings.delete(n); });
}
