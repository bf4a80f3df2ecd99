// The manual's pictures of the web pages, taken in Debian's headless Chromium from a server filled with a
// sample office's data (tests/tests/manual_screenshots.rs starts it). With a fifth argument, instead of
// the pictures, prints the whole manual (/admin/pomoc/calosc) to that PDF file.
//   node screenshots.mjs BASE LOGIN PASSWORD OUT_DIR [PDF_FILE]
import { launchChromium, check } from './common.mjs';

const [base, login, password, out, pdfFile] = process.argv.slice(2);
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'pl-PL' });
const page = await context.newPage();
const taken = [];

async function shot(name) {
  await page.screenshot({ path: `${out}/${name}.png` });
  taken.push(`${name}.png`);
}

if (pdfFile) {
  await page.goto(`${base}/admin/pomoc/calosc`);
  await page.pdf({
    path: pdfFile,
    format: 'A4',
    printBackground: true,
    margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' },
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: '<div style="font-size:8px;width:100%;text-align:center">Instrukcja obsługi Oceń Urząd · strona <span class="pageNumber"></span> z <span class="totalPages"></span></div>',
  });
  await browser.close();
  console.log(JSON.stringify({ pdf: pdfFile }));
  process.exit(0);
}

// What a resident sees.
await page.goto(`${base}/urzad/ankieta`);
await shot('ankieta');
await page.click('button[type=submit]');
check(await page.isVisible('.error-summary, [role=alert]'), 'an empty survey must show its errors');
await shot('ankieta-bledy');
await page.click('label[for="q-ogolna_ocena-5"]');
await Promise.all([page.waitForURL('**/urzad/dziekujemy'), page.click('button[type=submit]')]);
await shot('podziekowanie');
await page.goto(`${base}/urzad/baner`);
await shot('baner');

// The admin panel.
await page.goto(`${base}/admin/logowanie`);
await shot('logowanie');
await page.fill('#login', login);
await page.fill('#password', password);
await Promise.all([page.waitForURL('**/pulpit'), page.click('button[type=submit]')]);
await shot('pulpit');
const office = `${base}/admin/urzad/urzad`;
const today = new Date().toISOString().slice(0, 10);
const quarterAgo = new Date(Date.now() - 90 * 86400e3).toISOString().slice(0, 10);
for (const [name, path] of [['dane-urzedu', '/dane'], ['ankieta-papierowa', '/papier'],
                            ['raport', `/raporty/nowy?od=${quarterAgo}&do=${today}`], ['archiwum-raportow', '/raporty'],
                            ['edytor-ankiety', '/ankieta'], ['kioski', '/kioski'], ['dziennik', '/dziennik'],
                            ['konta', '/konta'], ['klauzula', '/prywatnosc'], ['deklaracja', '/deklaracja'],
                            ['alerty-ustawienia', '/alerty/ustawienia']]) {
  const reply = await page.goto(`${office}${path}`);
  check(reply.status() === 200, `${path} answered ${reply.status()}`);
  await shot(name);
}
await browser.close();
console.log(JSON.stringify({ taken }));
