// `npm run bench:console-ui`: how fast the web console is useful, measured in Debian's Chromium on
// this machine. Builds the console (printing its gzipped JS), starts the local stack as `npm start`
// does, makes an owner (the real CLI) and a paper account with one open position (a webhook), then
// loads the page N times, each in a FRESH browser context (no cache, no service worker):
//   - signed out: first-contentful-paint and `console:first-screen` (the sign-in form rendered);
//   - signed in (the tab's session restored, as a reload does): first-contentful-paint,
//     `console:first-screen` (the shell and the overview's frame) and `console:overview-data` (the
//     overview WITH its data: the first useful screen).
// Prints median/p95 per figure and, as its last stdout line, one JSON object. Goals (issue 14):
// the first useful screen ≤ 1.5 s locally, the JS ≤ 250 KB gzipped. Figures, not assertions.
//   BENCH_CONSOLE_UI_RUNS=10 (default) npm run bench:console-ui
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { buildConsole } from '../bin/build-console';
import { browserUnavailable, launchBrowser, runCli, startStack, type RunningStack } from '../test/browser/harness';
import { percentile, round } from './stats';

const RUNS = Number(process.env.BENCH_CONSOLE_UI_RUNS ?? 10);
const OWNER = { email: 'bench-owner@example.com', password: 'Bench-owner-pass-1!' };
const SESSION_KEY = 'tvat.console.session';
const kb = (bytes: number) => round(bytes / 1024, 1);

interface Figures {
  fcp: number;
  firstScreen: number;
  overviewData?: number;
}

// the page's code as text: this project's typecheck has no DOM types
const READ_FIGURES = `({
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
  firstScreen: performance.getEntriesByName('console:first-screen')[0]?.startTime ?? -1,
  overviewData: performance.getEntriesByName('console:overview-data')[0]?.startTime ?? -1,
})`;

async function seed(stack: RunningStack): Promise<void> {
  await runCli(stack, ['user', 'add', '--email', OWNER.email, '--role', 'owner'], {
    CONSOLE_PASSWORD: OWNER.password,
  });
  const account = JSON.parse(
    await runCli(stack, ['account', 'add', '--exchange', 'paper', '--name', 'bench', '--balance', '10000', '--json']),
  ) as { id: string; token: string };
  const sent = await fetch(`${stack.base}/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      token: account.token,
      account: account.id,
      action: 'long',
      symbol: 'BTCUSDT.P',
      sl: '2%',
      tp: '4%',
      id: `bench-${Date.now()}`,
    }),
  });
  if (sent.status !== 202) throw new Error(`the seeding webhook answered ${sent.status}: ${await sent.text()}`);
}

/** signs in through the page once and returns the tab's stored session (restored in each signed-in run) */
async function signedInSession(browser: Browser, base: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.locator('input[name=email]').fill(OWNER.email);
    await page.locator('input[name=password]').fill(OWNER.password);
    await page.locator('input[name=password]').press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 60_000 });
    // the open position is booked (the executor ran): the overview the runs load has data to show
    await page.locator('tr', { hasText: 'BTC/USDT:USDT' }).first().waitFor({ timeout: 120_000 });
    return String(await page.evaluate(`sessionStorage.getItem('${SESSION_KEY}')`));
  } finally {
    await context.close();
  }
}

async function load(browser: Browser, base: string, session?: string): Promise<Figures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    if (session)
      await context.addInitScript(
        `try { sessionStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(session)}) } catch {}`,
      );
    const page = await context.newPage();
    await page.goto(`${base}/#/overview`, { waitUntil: 'load' });
    if (session) await page.getByTestId('asof').filter({ hasText: 'data as of' }).waitFor({ timeout: 60_000 });
    else await page.getByTestId('signin-form').waitFor({ timeout: 60_000 });
    const f = (await page.evaluate(READ_FIGURES)) as Required<Figures>;
    return session ? f : { fcp: f.fcp, firstScreen: f.firstScreen };
  } finally {
    await context.close();
  }
}

const summary = (samples: number[]) => ({
  median: round(percentile(samples, 50), 0),
  p95: round(percentile(samples, 95), 0),
});

async function main(): Promise<void> {
  const unavailable = browserUnavailable();
  if (unavailable) throw new Error(unavailable);
  const load0 = loadavg();
  const built = await buildConsole({ quiet: true });
  const stack = await startStack();
  const { browser, close } = await launchBrowser();
  try {
    await seed(stack);
    const session = await signedInSession(browser, stack.base);
    const out: Figures[] = [];
    const inn: Figures[] = [];
    for (let i = 0; i < RUNS; i++) {
      out.push(await load(browser, stack.base));
      inn.push(await load(browser, stack.base, session));
      process.stderr.write(`\rrun ${i + 1}/${RUNS}`);
    }
    process.stderr.write('\n');
    const result = {
      runs: RUNS,
      signedOut: {
        fcpMs: summary(out.map((f) => f.fcp)),
        signInFormMs: summary(out.map((f) => f.firstScreen)),
      },
      signedIn: {
        fcpMs: summary(inn.map((f) => f.fcp)),
        frameMs: summary(inn.map((f) => f.firstScreen)),
        overviewWithDataMs: summary(inn.map((f) => f.overviewData ?? -1)),
      },
      js: {
        gzipKB: kb(built.jsGzip),
        firstScreenGzipKB: kb(built.firstScreenJsGzip),
        files: built.files.filter((f) => f.path.endsWith('.js')).map((f) => ({ path: f.path, gzipKB: kb(f.gzip) })),
      },
      goals: { firstUsefulScreenMs: 1500, jsGzipKB: 250 },
      loadavg: { before: load0.map((v) => round(v)), after: loadavg().map((v) => round(v)) },
    };
    console.log(
      [
        `console UI, ${RUNS} cold loads each (fresh context), Chromium headless:`,
        `  signed out: first-contentful-paint median ${result.signedOut.fcpMs.median} ms, p95 ${result.signedOut.fcpMs.p95} ms; sign-in form median ${result.signedOut.signInFormMs.median} ms, p95 ${result.signedOut.signInFormMs.p95} ms`,
        `  signed in:  first-contentful-paint median ${result.signedIn.fcpMs.median} ms, p95 ${result.signedIn.fcpMs.p95} ms; overview with data median ${result.signedIn.overviewWithDataMs.median} ms, p95 ${result.signedIn.overviewWithDataMs.p95} ms (goal ≤ 1500)`,
        `  JS: ${result.js.gzipKB} KB gzipped in all, ${result.js.firstScreenGzipKB} KB for the first screen (goal ≤ 250)`,
        `  load average before ${result.loadavg.before.join(' ')}, after ${result.loadavg.after.join(' ')}`,
      ].join('\n'),
    );
    console.log(JSON.stringify(result));
  } finally {
    await close();
    await stack.stop();
  }
}

await main();
