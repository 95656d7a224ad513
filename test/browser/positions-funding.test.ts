// The positions view's Funding column in Chromium: the built console (dist/console, served with
// its CSP by bin/local/console-files.ts) with /positions answered as the console API answers it
// (docs/API.md; shape proven by test/integration/console-api/funding.int.test.ts against the
// risk-check job and the fake Binance). A short receiving a positive rate, a long paying a stale
// one, a live market never read ("unknown") and a paper position ("paper: no funding"). A
// screenshot goes to the temp folder (docs/img with CONSOLE_SCREENSHOTS=1).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { consoleFiles } from '../../bin/local/console-files';
import { browserUnavailable, buildConsole, launchBrowser, ROOT } from './harness';

jest.setTimeout(240_000);

const H = 3_600_000;
const M = 60_000;

function positions(now: number) {
  // the next settlement 2 h 13 min 45 s ahead: "in 2h 13m" (whole minutes, rounded down) while the
  // page renders within 45 s
  const next = now + 2 * H + 13 * M + 45_000;
  const base = {
    liquidationPrice: null,
    leverage: 3,
    stop: { clientOrderId: 'st', triggerPrice: '1' },
    targets: [],
    openedAt: now - 5 * H,
    markAt: now - 20_000,
    markSource: 'snapshot',
  };
  const funding = (patch: Record<string, unknown>) => ({
    rate: '0.0001',
    bpsPerInterval: 1,
    annualPct: 10.95,
    nextFundingTime: next,
    intervalMs: 8 * H,
    asOf: now - 60_000,
    stale: false,
    ...patch,
  });
  return {
    asOf: now,
    dataAsOf: now - 20_000,
    items: [
      {
        ...base,
        accountId: 'acc-live',
        accountName: 'main',
        symbol: 'ETH/USDT:USDT',
        side: 'short',
        quantity: '1.5',
        entryPrice: '3421.07',
        markPrice: '3450',
        unrealizedPnl: '-43.395',
        breakEvenPrice: '3419.7',
        notional: '5175',
        tradeId: 't-1',
        mode: 'live',
        funding: funding({ nextPayment: '0.5175' }), // 1.5 × 3,450 × 0.0001, received by the short
      },
      {
        ...base,
        accountId: 'acc-live',
        accountName: 'main',
        symbol: 'BTC/USDT:USDT',
        side: 'long',
        quantity: '0.5',
        entryPrice: '40000',
        markPrice: '41000',
        unrealizedPnl: '500',
        breakEvenPrice: '40010',
        notional: '20500',
        tradeId: 't-2',
        mode: 'live',
        funding: funding({ asOf: now - 40 * M, stale: true, nextPayment: '-2.05' }),
      },
      {
        ...base,
        accountId: 'acc-live',
        accountName: 'main',
        symbol: 'XRP/USDT:USDT',
        side: 'long',
        quantity: '100',
        entryPrice: '0.5',
        markPrice: '0.51',
        unrealizedPnl: '1',
        breakEvenPrice: '0.5',
        notional: '51',
        tradeId: 't-3',
        mode: 'live',
        funding: null,
      },
      {
        ...base,
        accountId: 'acc-demo',
        accountName: 'demo',
        symbol: 'BTC/USDT:USDT',
        side: 'long',
        quantity: '0.015',
        entryPrice: '64210.5',
        markPrice: '64980.1',
        unrealizedPnl: '11.544',
        breakEvenPrice: '64249.03',
        notional: '974.7015',
        tradeId: 't-4',
        mode: 'paper',
        funding: null,
      },
    ],
  };
}

const unavailable = browserUnavailable();
if (unavailable) {
  console.warn(`BROWSER TESTS SKIPPED: ${unavailable}`);
  it.skip(`browser tests: ${unavailable}`, () => undefined);
} else {
  describe('the positions view’s funding', () => {
    let server: Server;
    let base: string;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      await buildConsole();
      const serve = consoleFiles({
        dir: join(ROOT, 'dist/console'),
        config: () => ({
          stage: 'funding',
          apiBase: '/api/v1',
          cognito: { endpoint: '/local-cognito/', region: 'us-east-1', userPoolId: 'local', clientId: 'local-console' },
          mfa: 'off',
        }),
      });
      server = createServer((req, res) => {
        const file = serve(req.url ?? '/');
        res.writeHead(file?.statusCode ?? 404, file?.headers ?? {});
        res.end(file?.body ?? '');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const launched = await launchBrowser();
      browser = launched.browser;
      closeBrowser = launched.close;
    });

    afterAll(async () => {
      await closeBrowser?.();
      server?.close();
    });

    it('shows the rate, the signed payment with its time, stale, unknown and paper', async () => {
      page = await browser.newPage({ viewport: { width: 1440, height: 700 } });
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      const now = Date.now();
      const token = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: 'u-1', 'cognito:groups': ['owner', 'tenant-acc'], exp: now / 1000 + 86_400, auth_time: now / 1000 })).toString('base64url')}.sample`;
      const session = {
        username: 'owner@example.com',
        accessToken: token,
        expiresAt: now + 86_400_000,
        role: 'owner',
        authTime: now,
      };
      await page.addInitScript(
        `sessionStorage.setItem('tvat.console.session', ${JSON.stringify(JSON.stringify(session))})`,
      );
      await page.route('**/api/v1/**', (route) => {
        const path = new URL(route.request().url()).pathname.replace('/api/v1/', '');
        return path === 'positions'
          ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(positions(now)) })
          : route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"not_found"}}' });
      });

      await page.goto(`${base}/#/positions`);
      const cells = page.getByTestId('funding');
      await cells.nth(3).waitFor({ timeout: 30_000 });
      const texts = (await cells.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

      expect(await page.locator('th', { hasText: 'Funding' }).count()).toBe(1);
      expect(texts[0]).toBe(
        '+1.00 bp / 8h you receive ≈ 0.52 USDT at ' +
          hhmm(positions(now).items[0]!.funding!.nextFundingTime) +
          ' UTC (in 2h 13m)',
      );
      expect(texts[1]).toMatch(
        /^\+1\.00 bp \/ 8h stale · read \d\d:\d\d UTC you pay ≈ 2\.05 USDT at \d\d:\d\d UTC \(in 2h 13m\)$/,
      );
      expect(texts[2]).toBe('unknown');
      expect(texts[3]).toBe('paper: no funding');
      expect(await page.getByTestId('funding-stale').count()).toBe(1);
      // the annual figure and the reading's time on hover
      expect(await cells.nth(0).getAttribute('title')).toMatch(/^\+10\.95 % a year \(simple\) · rate 0\.0001 · read /);

      const shot = join(
        process.env.CONSOLE_SCREENSHOTS ? join(ROOT, 'docs/img') : tmpdir(),
        'console-positions-funding.png',
      );
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);
      expect(pageErrors).toEqual([]);
    });
  });
}

function hhmm(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}
