// What the browser tests share: Debian's headless Chromium launched the way this machine allows, checks
// that fail the test with a message, axe-core's WCAG 2.1 A/AA run, and moving the focus with Tab.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// Debian's Chromium, headless, without the background connections a closed network refuses.
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

/// Fails the test with `message` unless `condition` holds.
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// Runs axe-core on the page as it is now (the page's context must bypass CSP: axe is injected as a
/// script, which the pages' CSP rightly forbids). Fails on any violation; returns how many rules passed.
export async function runAxe(page, name) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html).slice(0, 3) })), passes: r.passes.length };
  });
  check(result.passes > 10, `axe ran on ${name} but checked almost nothing (${result.passes} passes)`);
  check(result.violations.length === 0, `axe found violations on ${name} (${page.url()}): ${JSON.stringify(result.violations, null, 2)}`);
  return result.passes;
}

/// Presses Tab until the focused element matches, failing after `limit` presses.
export async function tabTo(page, predicate, what, limit = 400) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return;
  }
  throw new Error(`could not reach ${what} with the Tab key`);
}
