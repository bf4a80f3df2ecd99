// Drives Debian's headless Chromium through the admin panel of a running server: logs in, types in a
// paper questionnaire with the keyboard alone, corrects it, publishes a new questionnaire version, and
// checks the archived report and the audit log; creates a read-only (nadzór) account whose first login
// must change its generated password; enrols a kiosk and refuses an easy PIN for it; by keyboard alone generates a report, archives it, publishes its
// public version and adds a corrective action; runs axe-core (WCAG 2.1 A/AA) on every admin page and on
// the public results pages.
// With DEMO_LOGIN (same password), the admin of an office filled with sample data: its dashboard (figures
// and the trend chart) and the report form, which makes a report with one press as it starts.
// With OPERATOR_LOGIN (same password), the operator's list of offices and its host-name form.
// Usage: node admin.mjs BASE_URL LOGIN PASSWORD [DEMO_LOGIN [OPERATOR_LOGIN]]
// Exits non-zero with a message on the first failed check; prints a JSON summary on success.
import { check, launchChromium, runAxe, tabTo as tabToOn } from './common.mjs';

const [base, login, password, demoLogin, operator] = process.argv.slice(2);
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
async function axeCheck(name, url, html, from = context) {
  await axeContext.clearCookies();
  await axeContext.addCookies(await from.cookies());
  const p = await axeContext.newPage();
  await p.goto(url);
  if (html) await p.setContent(html, { waitUntil: 'load' });
  summary.axe[name] = { violations: 0, passes: await runAxe(p, name) };
  await p.close();
}

function tabTo(predicate, what) {
  return tabToOn(page, predicate, what, 200);
}

/// Presses Tab until the focused element is a link whose address passes `test` (run here, so it may use
/// this script's values, which a predicate run in the page cannot).
async function tabToLink(test, what) {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    if (href && test(href)) return;
  }
  throw new Error(`could not reach ${what} with the Tab key`);
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

// Keyboard only (Tab, Enter, Space, typing; no clicks): generate a report, archive it with conclusions,
// publish it with a sign-off, add a corrective action.
await page.goto(`${base}/admin/urzad/urzad/raporty`);
await tabTo(() => document.activeElement?.getAttribute('href')?.endsWith('/raporty/nowy'), 'the report form link');
await Promise.all([page.waitForURL('**/raporty/nowy'), page.keyboard.press('Enter')]);
await tabTo(() => document.activeElement?.getAttribute('href')?.includes('/raporty/nowy?od='), 'a preset period');
await Promise.all([page.waitForURL('**/raporty/nowy?od=*'), page.keyboard.press('Enter')]);
await tabTo(() => document.activeElement?.id === 'wnioski', 'the conclusions box');
await page.keyboard.type('Oznakować drogę do kasy.');
await tabTo(() => document.activeElement?.textContent?.includes('Zarchiwizuj raport z wnioskami'), 'the archive button');
await Promise.all([page.waitForURL(/\/raporty\/\d+$/), page.keyboard.press('Enter')]);
const archivedUrl = page.url();
check((await page.textContent('main')).includes('Oznakować drogę do kasy.'), 'the archived report shows its conclusions');
summary.steps.push('report_archived_by_keyboard');

await tabTo(() => document.activeElement?.getAttribute('href')?.endsWith('/publikacja'), 'the publication link');
await Promise.all([page.waitForURL('**/publikacja'), page.keyboard.press('Enter')]);
check(await page.inputValue('#sporzadzil') === login, 'the preparer defaults to the admin');
check(await page.inputValue('#data_zatwierdzenia') !== '', 'the date of approval defaults to today');
await tabTo(() => document.activeElement?.id === 'zatwierdzil', 'the approver field');
await page.keyboard.type('Jan Kowalski, Wójt Gminy');
await tabTo(() => document.activeElement?.textContent?.includes('Opublikuj wyniki') && document.activeElement?.type === 'submit', 'the publish button');
const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
check(outline !== 'none', 'the focused button must show a visible focus outline');
await Promise.all([page.waitForURL('**/publikacja?opublikowano'), page.keyboard.press('Space')]);
check((await page.textContent('.notice')).includes('Opublikowano wyniki'), 'the publication must be confirmed');
const publicationUrl = page.url().replace('?opublikowano', '');
summary.steps.push('published_by_keyboard');

await tabToLink((href) => href === new URL(archivedUrl).pathname, 'the link back to the report');
await Promise.all([page.waitForURL(archivedUrl), page.keyboard.press('Enter')]);
await tabTo(() => document.activeElement?.getAttribute('href')?.endsWith('/dzialania'), 'the actions link');
await Promise.all([page.waitForURL('**/dzialania'), page.keyboard.press('Enter')]);
const actionsUrl = page.url();
await tabTo(() => document.activeElement?.id === 'co', 'the action field');
await page.keyboard.type('Tablica z planem budynku przy wejściu');
await page.keyboard.press('Tab');
check(await page.evaluate(() => document.activeElement?.id) === 'kto', 'Tab goes from the action to whoever is responsible');
await page.keyboard.type('Referat Organizacyjny');
await page.keyboard.press('Tab');
check(await page.evaluate(() => document.activeElement?.id) === 'termin', 'then to the deadline');
// A date field takes its parts as digits in the order of the browser's locale (en-US: month, day, year).
await page.keyboard.type('06302027');
check(await page.inputValue('#termin') === '2027-06-30', `the deadline typed by keyboard, got ${await page.inputValue('#termin')}`);
await tabTo(() => document.activeElement?.id === 'uwagi', 'the notes');
await page.keyboard.type('Projekt tablicy gotowy.');
await tabTo(() => document.activeElement?.textContent?.includes('Dodaj działanie'), 'the add button');
await Promise.all([page.waitForURL('**/dzialania?dodano=*'), page.keyboard.press('Enter')]);
check((await page.textContent('.notice')).includes('Zapisano działanie nr'), 'the action must be confirmed');
const row = await page.textContent('tbody');
check(row.includes('Tablica z planem budynku przy wejściu') && row.includes('30 czerwca 2027') && row.includes('zaplanowane'), `the action is listed: ${row}`);
summary.steps.push('action_added_by_keyboard');

await axeCheck('publication', publicationUrl);
await axeCheck('actions', actionsUrl);
// The form refused: sent with the session's cookie and token (the pages' CSP rightly forbids a script's fetch).
const csrf = await page.inputValue('input[name=csrf]');
const refused = await context.request.post(actionsUrl, {
  form: { csrf, co: '', kto: '', termin: '31.13.2027', status: 'planned', uwagi: '' },
  maxRedirects: 0,
});
const errors = { status: refused.status(), html: await refused.text() };
check(errors.status === 422 && errors.html.includes('wpisz: co trzeba zrobić'), `a wrong action must be refused: ${errors.status}`);
await axeCheck('actions_errors', actionsUrl, errors.html);
const editPath = await page.getAttribute('a[href*="/dzialania/"]', 'href');
await axeCheck('action_edit', `${base}${editPath}`);
const reportId = new URL(archivedUrl).pathname.split('/').pop();
await page.goto(`${base}/urzad/`);
await tabTo(() => document.activeElement?.getAttribute('href') === '/urzad/wyniki', 'the results link on the home page');
await Promise.all([page.waitForURL('**/urzad/wyniki'), page.keyboard.press('Enter')]);
await tabToLink((href) => href === `/urzad/wyniki/${reportId}`, 'the published report');
await Promise.all([page.waitForURL(`**/urzad/wyniki/${reportId}`), page.keyboard.press('Enter')]);
const publicPage = await page.textContent('main');
check(publicPage.includes('Jan Kowalski, Wójt Gminy') && !publicPage.includes('Oznakować drogę do kasy.'), 'the public page has the sign-off and no internal conclusions');
await axeCheck('public_results', `${base}/urzad/wyniki`);
await axeCheck('public_result', `${base}/urzad/wyniki/${reportId}`);
summary.steps.push('public_results');
// The information clause: the default shown for editing, an empty text refused with a message, then the
// default restored.
await page.goto(`${base}/admin/urzad/urzad/prywatnosc`);
await axeCheck('privacy_notice', `${base}/admin/urzad/urzad/prywatnosc`);
await page.fill('#text', ' ');
await page.click('text=Zapisz klauzulę');
await page.waitForSelector('.error-summary');
check((await page.textContent('.error-summary')).includes('Klauzula nie może być pusta'), 'an empty clause must be refused');
await axeCheck('privacy_notice_errors', `${base}/admin/urzad/urzad/prywatnosc`, await page.content());
await page.click('button[value=domyslna]');
await page.waitForSelector('.notice');
summary.steps.push('privacy_notice');

// The accessibility statement: refused without its non-conformities, then saved and shown publicly.
await page.goto(`${base}/admin/urzad/urzad/deklaracja`);
await axeCheck('statement_edit', `${base}/admin/urzad/urzad/deklaracja`);
await page.check('#status-czesciowo_zgodna');
await page.click('text=Zapisz deklarację');
await page.waitForSelector('.error-summary');
await axeCheck('statement_errors', `${base}/admin/urzad/urzad/deklaracja`, await page.content());
await page.fill('#non_conformities', 'Raport PDF nie ma struktury nagłówków.');
await page.fill('#published_on', '2026-01-15');
await page.fill('#prepared_on', '2026-01-10');
await page.check('#prepared-samoocena');
await page.fill('#contact_name', 'Anna Nowak');
await page.fill('#contact_email', 'dostepnosc@urzad.example.pl');
await page.fill('#architecture', 'Wejście z podjazdem od ul. Głównej.');
await page.click('text=Zapisz deklarację');
await page.waitForSelector('.notice');
check((await page.textContent('.notice')).includes('Zapisano deklarację dostępności.'), 'the statement must be saved');
await axeCheck('statement_public', `${base}/urzad/deklaracja-dostepnosci`);
summary.steps.push('statement');

const today = new Date().toISOString().slice(0, 10);
await axeCheck('report_view', `${base}/admin/urzad/urzad/raporty/nowy?od=2020-01-01&do=${today}`);
// The report's charts: drawn on the server as SVG images, each named by its title and description.
await page.goto(`${base}/admin/urzad/urzad/raporty/nowy?od=2020-01-01&do=${today}`);
const charts = await page.evaluate(() => [...document.querySelectorAll('figure.chart svg')].map((svg) => ({
  role: svg.getAttribute('role'),
  names: (svg.getAttribute('aria-labelledby') || '').split(' ').map((id) => document.getElementById(id)?.textContent.trim() || ''),
  width: svg.getBoundingClientRect().width,
})));
check(charts.length >= 4, `the report must show its charts, found ${charts.length}`);
for (const chart of charts) {
  check(chart.role === 'img' && chart.names.length === 2 && chart.names.every((n) => n.length > 0), `a chart lacks its title or description: ${JSON.stringify(chart)}`);
  check(chart.width > 100, `a chart is not drawn: ${JSON.stringify(chart)}`);
}
check(await page.evaluate(() => document.body.textContent.includes('Pytania wyboru i metryczka')), 'the report must have the choice questions');
summary.steps.push('report_charts');
for (const [name, path] of [['dashboard', '/admin/urzad/urzad/pulpit'], ['office_data', '/admin/urzad/urzad/dane'],
                            ['comments', '/admin/urzad/urzad/uwagi'], ['password', '/admin/haslo']]) {
  await axeCheck(name, `${base}${path}`);
}
// Alerts: the badge on every page leads to the list (an alert was raised before the run); one is
// acknowledged with a comment; the settings form refuses a mistake with its message; one's own subscription.
check((await page.textContent('.alert-badge')).includes('Nowe alerty'), 'the badge must announce the new alert');
await page.click('.alert-badge a');
await page.waitForURL('**/alerty');
await axeCheck('alerts', `${base}/admin/urzad/urzad/alerty`);
await page.fill('textarea[name=komentarz]', 'Informatyk sprawdza zasilanie');
await Promise.all([page.waitForNavigation(), page.click('text=Przyjmij do wiadomości')]);
check((await page.textContent('main')).includes('przyjęty do wiadomości'), 'the alert must be acknowledged');
check((await page.textContent('.alert-badge')).includes('brak nowych'), 'the badge must clear');
summary.steps.push('alert_acknowledged');
await page.goto(`${base}/admin/urzad/urzad/alerty/ustawienia`);
await axeCheck('alert_settings', `${base}/admin/urzad/urzad/alerty/ustawienia`);
await page.fill('#opening_hours', 'pn-pt 8-16');
await page.click('text=Zapisz ustawienia');
await page.waitForSelector('.error-summary');
check((await page.textContent('.error-summary')).includes('Godziny otwarcia'), 'wrong opening hours must be refused');
await axeCheck('alert_settings_errors', `${base}/admin/urzad/urzad/alerty/ustawienia`, await page.content());
await axeCheck('subscriptions', `${base}/admin/powiadomienia`);
// Accounts: a nadzór account is created; its generated password is shown once.
await page.goto(`${base}/admin/urzad/urzad/konta`);
await axeCheck('accounts', `${base}/admin/urzad/urzad/konta`);
await page.fill('#new-login', 'jan.nadzor');
await page.selectOption('#new-role', 'supervisor');
await Promise.all([page.waitForURL('**/admin/urzad/urzad/konta'), page.click('text=Utwórz konto')]);
const generated = (await page.textContent('.notice code')).trim();
check(generated.length === 20, `a generated password must be shown once: ${generated}`);
check((await page.textContent('table')).includes('czeka na zmianę hasła'), 'the new account waits for its password change');
await axeCheck('accounts_created', `${base}/admin/urzad/urzad/konta`, await page.content());
summary.steps.push('account_created');

await axeCheck('sessions', `${base}/admin/sesje`);
check((await (async () => { await page.goto(`${base}/admin/sesje`); return page.textContent('table'); })()).includes('tak – ta przeglądarka'), 'the sessions page marks this session');

// The new account's first login: every page leads to the password page until the password is changed.
const second = await browser.newContext();
const newcomer = await second.newPage();
newcomer.on('pageerror', (e) => { throw new Error(`page error on ${newcomer.url()}: ${e}`); });
await newcomer.goto(`${base}/admin/logowanie`);
await newcomer.fill('#login', 'jan.nadzor');
await newcomer.fill('#password', generated);
await Promise.all([newcomer.waitForURL('**/admin/haslo'), newcomer.click('button[type=submit]')]);
check((await newcomer.textContent('main')).includes('Ustal własne hasło'), 'the forced change must be explained');
await axeCheck('forced_password', `${base}/admin/haslo`, undefined, second);
await newcomer.goto(`${base}/admin/urzad/urzad/raporty`);
check(newcomer.url().endsWith('/admin/haslo'), `before the change every page leads to the password page, not ${newcomer.url()}`);
await newcomer.fill('#current', generated);
await newcomer.fill('#new', 'Nadzor-Wlasne-Haslo-9');
await newcomer.fill('#repeat', 'Nadzor-Wlasne-Haslo-9');
await Promise.all([newcomer.waitForURL('**/admin/urzad/urzad/pulpit'), newcomer.click('main button[type=submit]')]);
const nav = await newcomer.textContent('nav');
check(nav.includes('Raporty') && nav.includes('Dziennik zdarzeń') && !nav.includes('Dane urzędu') && !nav.includes('Konta'),
  `nadzór sees only its pages: ${nav}`);
summary.steps.push('forced_password_change');


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

// The operator's list of offices with the host name form; a malformed host name is refused with a message.
if (operator) {
  await context.clearCookies();
  await page.goto(`${base}/admin/logowanie`);
  await page.fill('#login', operator);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL('**/admin/'), page.click('button[type=submit]')]);
  await axeCheck('offices', `${base}/admin/`);
  await page.fill('#host', 'https://ankieta.urzad.example.pl/');
  await page.click('text=Zapisz nazwę hosta');
  await page.waitForSelector('.error-summary');
  check((await page.textContent('.error-summary')).includes('nie jest nazwą hosta'), 'a malformed host name must be refused');
  await axeCheck('offices_errors', `${base}/admin/`, await page.content());
  summary.steps.push('office_host');
  await axeCheck('server_alerts', `${base}/admin/alerty`);
}
await browser.close();
console.log(JSON.stringify(summary));
