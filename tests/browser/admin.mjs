// Drives Debian's headless Chromium through the admin panel of a running server: logs in, types in a
// paper questionnaire with the keyboard alone, corrects it, publishes a new questionnaire version, and
// checks the archived report and the audit log; runs axe-core (WCAG 2.1 A/AA) on every admin page.
// With DEMO_LOGIN (same password), the admin of an office filled with sample data: its dashboard (figures
// and the trend chart) and the report form, which makes a report with one press as it starts.
// Usage: node admin.mjs BASE_URL LOGIN PASSWORD [DEMO_LOGIN]
// Exits non-zero with a message on the first failed check; prints a JSON summary on success.
import { check, launchChromium, runAxe, tabTo as tabToOn } from './common.mjs';

const [base, login, password, demoLogin] = process.argv.slice(2);
if (!password) throw new Error('usage: node admin.mjs BASE_URL LOGIN PASSWORD');
const browser = await launchChromium();
const summary = { axe: {}, steps: [] };

// One context for the whole session; axe is injected into pages of a CSP-bypassing twin context that
// shares the session cookie.
const context = await browser.newContext();
const page = await context.newPage();
page.on('pageerror', (e) => { throw new Error(`page error on ${page.url()}: ${e}`); });
const axeContext = await browser.newContext({ bypassCSP: true });

/// Checks the page at `url`, or, given `html`, that exact page as the session sees it now (a page that is
/// the answer to a POST, such as a form shown again with its errors).
async function axeCheck(name, url, html, session = context) {
  await axeContext.addCookies(await session.cookies());
  const p = await axeContext.newPage();
  await p.goto(url);
  if (html) await p.setContent(html, { waitUntil: 'load' });
  summary.axe[name] = { violations: 0, passes: await runAxe(p, name) };
  await p.close();
}

function tabTo(predicate, what) {
  return tabToOn(page, predicate, what, 200);
}

await axeCheck('login', `${base}/admin/logowanie`);
await page.goto(`${base}/admin/logowanie`);
await page.fill('#login', login);
await page.fill('#password', 'zle-haslo-123');
await page.click('button[type=submit]');
check((await page.textContent('.error-summary')).includes('Nieprawidłowy login lub hasło.'), 'a wrong password must be refused clearly');
await page.fill('#password', password);
await Promise.all([page.waitForURL('**/admin/urzad/urzad/pulpit'), page.click('button[type=submit]')]);
summary.steps.push('login');

// Paper entry with the keyboard alone: the serial field has the focus; Tab goes down the sheet.
await page.goto(`${base}/admin/urzad/urzad/papier`);
check(await page.evaluate(() => document.activeElement?.id) === 'serial', 'the serial field must have the focus');
await page.keyboard.type('P-0001');
await tabTo(() => document.activeElement?.name === 'q_komorka', 'the first question');
// komorka: 1 (Inna, no departments), czestotliwosc: 2, sprawa_zalatwiona: 1, wlasciwy_pracownik: 2, then ratings.
for (const value of ['1', '2', '1', '2', '5', '4', '0', '3']) {
  await page.keyboard.type(value);
  await page.keyboard.press('Tab');
}
await tabTo(() => document.activeElement?.name === 'q_ogolna_ocena', 'the overall rating');
await page.keyboard.type('4');
await Promise.all([page.waitForURL('**/papier?zapisano=P-0001'), page.keyboard.press('Enter')]);
check((await page.textContent('.notice')).includes('Zapisano ankietę, arkusz nr P-0001. Wprowadź następną.'), 'saved notice expected');
check(await page.evaluate(() => document.activeElement?.id) === 'serial', 'the form must be ready for the next sheet');
summary.steps.push('paper_by_keyboard');
await axeCheck('paper_entry', `${base}/admin/urzad/urzad/papier`);

// The same serial again is refused, naming when it was entered.
await page.keyboard.type('P-0001');
await tabTo(() => document.activeElement?.name === 'q_ogolna_ocena', 'the overall rating');
await page.keyboard.type('5');
await page.keyboard.press('Enter');
await page.waitForSelector('.error-summary');
check((await page.textContent('.error-summary')).includes('Arkusz nr P-0001 został już wprowadzony'), 'duplicate serial must be refused');
await axeCheck('paper_errors', `${base}/admin/urzad/urzad/papier`, await page.content());
summary.steps.push('duplicate_serial_refused');

// Correct the sheet: overall 4 → 2.
await page.goto(`${base}/admin/urzad/urzad/papier/lista`);
await axeCheck('paper_list', `${base}/admin/urzad/urzad/papier/lista`);
await page.click('text=Popraw lub wycofaj');
const correctionUrl = page.url();
check((await page.inputValue('#q-ogolna_ocena')) === '4', 'the correction form shows what was typed');
await axeCheck('paper_correction', correctionUrl);
await page.fill('#q-ogolna_ocena', '2');
await Promise.all([page.waitForURL('**/papier/lista'), page.click('text=Zapisz poprawkę')]);
check((await page.textContent('table')).includes('poprawiana 1×'), 'the list must show the correction');
summary.steps.push('correction');

// Edit the questionnaire and publish a new version.
await page.goto(`${base}/admin/urzad/urzad/ankieta`);
await axeCheck('editor', `${base}/admin/urzad/urzad/ankieta`);
await page.fill('#qt-parking-pl', 'Miejsca do parkowania przy urzędzie');
await Promise.all([page.waitForURL('**/admin/urzad/urzad/ankieta'), page.click('text=Zapisz pytanie parking')]);
check((await page.textContent('.warning')).includes('Edytujesz projekt nowej wersji ankiety'), 'a draft must be announced');
await axeCheck('preview', `${base}/admin/urzad/urzad/ankieta/podglad`);
await page.click('text=Opublikuj jako wersję 2');
const published = await page.textContent('.notice');
check(published.includes('Opublikowano wersję 2 ankiety. Przed publikacją zarchiwizowano raport nr 1'), `publication notice expected: ${published}`);
summary.steps.push('publish');

await page.goto(`${base}/admin/urzad/urzad/raporty`);
await axeCheck('reports', `${base}/admin/urzad/urzad/raporty`);
await page.click('text=Raport nr 1');
const report = await page.textContent('main');
check(report.includes('przed zmianą ankiety') && report.includes('Ogólna ocena obsługi'), 'the archived report must show the figures');
await axeCheck('report', page.url());
summary.steps.push('archived_report');

await page.goto(`${base}/admin/urzad/urzad/dziennik`);
const log = await page.textContent('table');
for (const action of ['nieudane logowanie', 'logowanie', 'wprowadzenie ankiety', 'poprawienie ankiety', 'edycja projektu ankiety', 'publikacja ankiety']) {
  check(log.includes(action), `the audit log lacks "${action}"`);
}
await axeCheck('audit_log', `${base}/admin/urzad/urzad/dziennik`);
summary.steps.push('audit_log');

const today = new Date().toISOString().slice(0, 10);
await axeCheck('report_view', `${base}/admin/urzad/urzad/raporty/nowy?od=2020-01-01&do=${today}`);
for (const [name, path] of [['dashboard', '/admin/urzad/urzad/pulpit'], ['office_data', '/admin/urzad/urzad/dane'],
                            ['comments', '/admin/urzad/urzad/uwagi'], ['password', '/admin/haslo']]) {
  await axeCheck(name, `${base}${path}`);
}

if (demoLogin) {
  const demo = await browser.newContext();
  const dp = await demo.newPage();
  dp.on('pageerror', (e) => { throw new Error(`page error on ${dp.url()}: ${e}`); });
  await dp.goto(`${base}/admin/logowanie`);
  await dp.fill('#login', demoLogin);
  await dp.fill('#password', password);
  await Promise.all([dp.waitForURL('**/admin/urzad/demo/pulpit'), dp.click('button[type=submit]')]);
  // The dashboard leads with the figures, then the trend as an image with a title and a description.
  const firstHeading = await dp.textContent('main h2');
  check(firstHeading.startsWith('Wyniki: 1 stycznia'), `the dashboard must open with the year's results, not "${firstHeading}"`);
  check(/\d/.test(await dp.textContent('.tile-value')), 'the overall index must be shown');
  check(await dp.locator('svg[role=img] title').count() === 1 && await dp.locator('svg[role=img] desc').count() === 1,
    'the trend chart must have a title and a description');
  check(await dp.locator('svg[role=img] [data-value]').count() >= 10, 'a year of sample data scores nearly every month');
  await axeCheck('dashboard_sample', `${base}/admin/urzad/demo/pulpit`, undefined, demo);
  summary.steps.push('dashboard_sample');

  // The report form as it starts: one press on "Generuj raport", by keyboard, gives a report.
  await dp.goto(`${base}/admin/urzad/demo/raporty/nowy`);
  await axeCheck('report_form', `${base}/admin/urzad/demo/raporty/nowy`, undefined, demo);
  await dp.getByRole('button', { name: 'Generuj raport', exact: true }).focus();
  await Promise.all([dp.waitForURL('**/raporty/nowy?od=*'), dp.keyboard.press('Enter')]);
  const made = await dp.textContent('main');
  check(made.includes('Raport: Urząd Gminy Pokazowej') && made.includes('Ogólna ocena obsługi'), 'one press must make a report');
  await axeCheck('report_one_press', dp.url(), undefined, demo);
  summary.steps.push('report_one_press');
  await demo.close();
}
await browser.close();
console.log(JSON.stringify(summary));
