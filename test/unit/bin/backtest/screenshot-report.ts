// Opens a backtest report in Debian's headless Chromium (playwright-core), waits for its charts,
// reports any page error or request that left the file, and saves a screenshot:
// `node --import tsx test/unit/bin/backtest/screenshot-report.ts <report.html> [out.png]`
// (docs/img/backtest-report.png by default). Not a test (jest only runs *.test.ts).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [file, out = 'docs/img/backtest-report.png'] = process.argv.slice(2);
if (!file) throw new Error('usage: screenshot-report.ts <report.html> [out.png]');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`request left the file: ${r.url()}`));
  await page.goto(pathToFileURL(resolve(file)).href);
  await page.waitForSelector('body[data-charts="ready"]', { timeout: 30_000 });
  const canvases = await page.locator('canvas').count();
  await page.screenshot({ path: out, fullPage: false });
  console.log(
    `${out}: ${canvases} canvases drawn; ${problems.length ? problems.join('; ') : 'no page error, no request outside the file'}`,
  );
} finally {
  await browser.close();
}
