// Drives Debian's headless Chromium over the public pages of a running server: fills in and sends the
// survey (keyboard only in Polish, by mouse in English), checks that errors keep what was entered, runs
// axe-core (WCAG 2.1 A/AA) on every page, and checks the layout at 200 % zoom.
// Usage: node web_survey.mjs http://127.0.0.1:PORT
// Exits non-zero with a message on the first failed check; prints a JSON summary on success.
import { check, launchChromium, runAxe, tabTo } from './common.mjs';

const base = process.argv[2];
if (!base) throw new Error('usage: node web_survey.mjs BASE_URL');

const browser = await launchChromium();
const summary = { axe: {}, scenarios: [] };

/// A page that fails on any console error: a CSP violation or a missing stylesheet or icon shows up there.
/// A refused form answers with a 4xx status on purpose; Chromium logs that for the document itself, which
/// is not an error of the page.
async function newPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const documentStatus = m.text().startsWith('Failed to load resource') && m.location().url === page.url();
    if (!documentStatus) throw new Error(`console error on ${page.url()} (${m.location().url}): ${m.text()}`);
  });
  page.on('pageerror', (e) => { throw new Error(`page error on ${page.url()}: ${e}`); });
  return page;
}

async function axeCheck(name, url, prepare) {
  const page = await browser.newPage({ bypassCSP: true });
  await page.goto(url);
  if (prepare) await prepare(page);
  summary.axe[name] = { violations: 0, passes: await runAxe(page, name) };
  await page.context().close();
}

async function keyboardOnlyInPolish() {
  const page = await newPage();
  await page.goto(`${base}/`);
  check(page.url().endsWith('/urzad/'), `/ should lead to the only office, got ${page.url()}`);
  check(await page.getAttribute('html', 'lang') === 'pl', 'home page must be lang=pl');
  await tabTo(page, () => document.activeElement?.textContent?.includes('Oceń Urząd – wypełnij ankietę'), 'the survey link');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== 'none', 'the focused link must show a visible focus outline');
  await Promise.all([page.waitForURL('**/urzad/ankieta'), page.keyboard.press('Enter')]);

  // Overall rating: Tab into the radio group, Space picks 1, each ArrowRight moves one up: 4.
  await tabTo(page, () => document.activeElement?.name === 'q_ogolna_ocena', 'the overall rating');
  await page.keyboard.press('Space');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  check(await page.isChecked('#q-ogolna_ocena-4'), 'keyboard should have selected rating 4');
  await tabTo(page, () => document.activeElement?.name === 'q_co_poprawic', 'the first comment box');
  await page.keyboard.type('Więcej ławek w poczekalni, proszę.');
  await tabTo(page, () => document.activeElement?.type === 'submit', 'the send button');
  await Promise.all([page.waitForURL('**/urzad/dziekujemy'), page.keyboard.press('Enter')]);
  check((await page.textContent('h1')) === 'Dziękujemy!', 'the thank-you page should say Dziękujemy!');
  summary.scenarios.push('keyboard_pl');
  await page.context().close();
}

async function byMouseInEnglish() {
  const page = await newPage();
  await page.goto(`${base}/urzad/`);
  await page.click('a[hreflang="en"]');
  check(await page.getAttribute('html', 'lang') === 'en', 'the language switch should give lang=en');
  await page.click('text=Rate the Office – fill in the survey');
  check(page.url().endsWith('/urzad/ankieta?lang=en'), `English survey expected, got ${page.url()}`);
  const overall = await page.textContent('fieldset:has(#q-ogolna_ocena-5) legend');
  check(overall.includes('Overall, how do you rate the service at the office?'), `legend in English expected: ${overall}`);
  await page.click('label[for="q-ogolna_ocena-5"]');
  await page.click('label[for="q-plec-kobieta"]');
  await page.click('label[for="q-parking-na"]');
  await Promise.all([page.waitForURL('**/urzad/dziekujemy?lang=en'), page.click('button[type=submit]')]);
  check((await page.textContent('h1')) === 'Thank you!', 'the English thank-you page should say Thank you!');
  summary.scenarios.push('mouse_en');
  await page.context().close();
}

async function errorsKeepWhatWasEntered() {
  const page = await newPage();
  await page.goto(`${base}/urzad/ankieta?lang=uk`);
  await page.click('label[for="q-lokalizacja-2"]');
  await page.fill('#q-inne_uwagi', 'Дякую за допомогу');
  await page.click('button[type=submit]');
  const summaryText = await page.textContent('.error-summary');
  check(summaryText.includes('Відповідь на це питання обов’язкова.'), `Ukrainian error summary expected: ${summaryText}`);
  check(await page.isChecked('#q-lokalizacja-2'), 'the rating given must still be checked');
  check((await page.inputValue('#q-inne_uwagi')) === 'Дякую за допомогу', 'the comment must be kept');
  const fieldError = await page.textContent('#q-ogolna_ocena-error');
  check(fieldError.includes('обов’язкова'), 'the error must stand next to the question');
  await page.click('.error-summary a');
  check(await page.evaluate(() => document.activeElement?.id) === 'q-ogolna_ocena-1', 'the summary link must lead to the question');
  await page.click('label[for="q-ogolna_ocena-3"]');
  await Promise.all([page.waitForURL('**/urzad/dziekujemy?lang=uk'), page.click('button[type=submit]')]);
  summary.scenarios.push('errors_kept_uk');
  await page.context().close();
}

async function reflowsAt200PercentZoom() {
  // 200 % zoom of a 1280 px wide window lays out like a 640 px window.
  for (const path of ['/urzad/', '/urzad/ankieta', '/urzad/deklaracja-dostepnosci', '/urzad/prywatnosc']) {
    const page = await newPage({ viewport: { width: 640, height: 720 } });
    await page.goto(`${base}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `${path} scrolls sideways at 200 % zoom by ${overflow}px`);
    await page.context().close();
  }
  summary.scenarios.push('zoom_200');
}

await keyboardOnlyInPolish();
await byMouseInEnglish();
await errorsKeepWhatWasEntered();
await reflowsAt200PercentZoom();

await axeCheck('home', `${base}/urzad/`);
await axeCheck('survey_pl', `${base}/urzad/ankieta`);
await axeCheck('survey_uk', `${base}/urzad/ankieta?lang=uk`);
await axeCheck('errors', `${base}/urzad/ankieta`, async (page) => {
  await page.click('label[for="q-parking-3"]');
  await page.click('button[type=submit]');
  check(await page.isVisible('.error-summary'), 'the error page must show the summary');
});
await axeCheck('thanks', `${base}/urzad/dziekujemy`);
await axeCheck('statement', `${base}/urzad/deklaracja-dostepnosci`);
await axeCheck('privacy_pl', `${base}/urzad/prywatnosc`);
await axeCheck('privacy_en', `${base}/urzad/prywatnosc?lang=en`);
await axeCheck('not_found', `${base}/urzad/nie-ma`);
await axeCheck('banner_kit', `${base}/urzad/baner`);

await browser.close();
console.log(JSON.stringify(summary));
