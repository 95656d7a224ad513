// The owner's whole day in the console, on ONE local stack started once (`npm start`'s code, real
// dynalite/fauxqs/fake exchange, the local Cognito stand-in) in Debian's Chromium: users and a paper
// account made with the real CLI; the owner signs in with email, password and Enter; a TradingView
// webhook opens a long with its stop, which the overview, positions and chart show; the owner closes
// it from the console and it lands in trades and P&L; a refused alert is in the alert log with its
// reason; a viewer sees no action and the API refuses its action (403); a strategy subscription's
// paper-vs-backtest compare; the account's webhook URL copied, and a rotated token's URL shown once
// and taking an alert; no token gets 401.
// With CONSOLE_SCREENSHOTS=1 each view is photographed into docs/img (real data, not samples).
// Every wait polls a condition (the console itself polls the API every 5 s); nothing is timed.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import {
  browserUnavailable,
  buildConsole,
  launchBrowser,
  ROOT,
  runCli,
  startStack,
  type RunningStack,
} from './harness';

// the stack's start, a build, two CLI users, a webhook through the executor and a close: minutes on
// a loaded 2-core machine
jest.setTimeout(360_000);

const OWNER = { email: 'owner@example.com', password: 'Owner-pass-123!' };
const VIEWER = { email: 'viewer@example.com', password: 'Viewer-pass-456!' };
const SHOTS = process.env.CONSOLE_SCREENSHOTS ? join(ROOT, 'docs/img') : tmpdir();
// the console's polls are every 5 s; the executor and the risk-check job run on the stack's timers
const SEEN = { timeout: 120_000 };

/** the view's data arrived (its "data as of" line left "loading…") */
const loaded = (page: Page) => page.getByTestId('asof').filter({ hasText: 'data as of' }).first().waitFor(SEEN);

// `mask`: what must not be kept in a picture (a token shown once is a secret even on a throwaway stack).
const shot = (page: Page, name: string, mask: Locator[] = []) =>
  page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true, mask });

async function signIn(page: Page, base: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/#/overview`, { waitUntil: 'load' });
  await page.locator('input[name=email]').fill(user.email);
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('input[name=password]').press('Enter');
  await page.getByRole('heading', { name: 'Overview' }).waitFor(SEEN);
}

const unavailable = browserUnavailable();
if (unavailable) {
  console.warn(`BROWSER TESTS SKIPPED: ${unavailable}`);
  it.skip(`browser scenario: ${unavailable}`, () => undefined);
} else {
  describe('the owner and a viewer in the console, on the local stack with real data', () => {
    let stack: RunningStack;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    let owner: BrowserContext;
    let page: Page;
    let account: { id: string; token: string };
    const pageErrors: string[] = [];
    const cspViolations: string[] = [];

    beforeAll(async () => {
      await buildConsole();
      stack = await startStack();
      await runCli(stack, ['user', 'add', '--email', OWNER.email, '--role', 'owner'], {
        CONSOLE_PASSWORD: OWNER.password,
      });
      await runCli(stack, ['user', 'add', '--email', VIEWER.email, '--team', OWNER.email, '--role', 'viewer'], {
        CONSOLE_PASSWORD: VIEWER.password,
      });
      const added = JSON.parse(
        await runCli(stack, [
          'account',
          'add',
          '--exchange',
          'paper',
          '--name',
          'paper',
          '--balance',
          '10000',
          '--json',
        ]),
      ) as { id: string; token: string };
      account = { id: added.id, token: added.token };
      ({ browser, close: closeBrowser } = await launchBrowser());
      owner = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await owner.newPage();
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
    });

    afterAll(async () => {
      await closeBrowser?.();
      await stack?.stop();
    });

    const webhook = (body: Record<string, unknown>) =>
      fetch(`${stack.base}/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: account.token, account: account.id, ...body }),
      });

    it('the owner signs in with email, password and Enter, and lands on the overview', async () => {
      await page.goto(`${stack.base}/`, { waitUntil: 'load' });
      await page.getByTestId('signin-form').waitFor(SEEN);
      await shot(page, 'signin');
      await signIn(page, stack.base, OWNER);
      await expect(page.locator('.who').textContent()).resolves.toContain(`${OWNER.email} (owner)`);
      // the account the CLI made is on the overview (the overview's data arrived)
      await page.getByText(account.id).first().waitFor(SEEN);
    });

    it('a webhook long with sl 2 % and tp 4 % shows as a position with its stop on the overview, positions and chart', async () => {
      const sent = await webhook({
        action: 'long',
        symbol: 'BTCUSDT.P',
        sl: '2%',
        tp: '4%',
        id: `e2e-long-${Date.now()}`,
        time: new Date().toISOString(),
      });
      expect(sent.status).toBe(202);
      expect(((await sent.json()) as { status: string }).status).toBe('queued');

      // overview: the open position's row, with a stop price and not "NO STOP"
      const overviewRow = page.locator('tr', { hasText: 'BTC/USDT:USDT' }).first();
      await overviewRow.waitFor(SEEN);
      await expect(overviewRow.textContent()).resolves.toMatch(/long/);
      await expect(overviewRow.textContent()).resolves.not.toContain('NO STOP');
      await shot(page, 'overview');

      // positions: the stop is 2 % under the entry, the target 4 % over (the API's own numbers)
      const positionsAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/positions') && r.ok(), SEEN);
      await page.goto(`${stack.base}/#/positions`);
      const answer = (await (await positionsAnswer).json()) as {
        items: {
          symbol: string;
          entryPrice: string;
          stop?: { triggerPrice: string };
          targets: { triggerPrice: string }[];
        }[];
      };
      const position = answer.items.find((p) => p.symbol === 'BTC/USDT:USDT');
      expect(position?.stop).toBeDefined();
      const entry = Number(position?.entryPrice);
      expect(Number(position?.stop?.triggerPrice) / entry).toBeCloseTo(0.98, 3);
      expect(Number(position?.targets[0]?.triggerPrice) / entry).toBeCloseTo(1.04, 3);
      const row = page.getByTestId('position-row').first();
      await row.waitFor(SEEN);
      await expect(row.textContent()).resolves.not.toContain('NO STOP');
      await expect(row.getByRole('button', { name: 'Close' }).isVisible()).resolves.toBe(true);
      await shot(page, 'positions');

      // chart: the page's /candles answer carries our entry marker and the stop level; a canvas is drawn
      const candlesAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/candles') && r.ok(), SEEN);
      await row.getByRole('link', { name: 'BTC/USDT:USDT' }).click();
      const candles = (await (await candlesAnswer).json()) as {
        candles: { time: number }[];
        markers: { kind: string; side: string }[];
        levels: { kind: string; price: string }[];
      };
      // the replayed candles the paper exchange fills from (closed ones: the entry's own candle
      // may still be forming)
      expect(candles.candles.length).toBeGreaterThan(0);
      expect(candles.markers).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'entry', side: 'long' })]),
      );
      expect(candles.levels).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'stop', price: position?.stop?.triggerPrice })]),
      );
      await page.getByTestId('candle-chart').locator('canvas').first().waitFor(SEEN);
      await shot(page, 'chart');
    });

    it('the owner closes it from positions (confirm accepted): it goes, and shows in trades and P&L', async () => {
      await page.goto(`${stack.base}/#/positions`);
      const row = page.getByTestId('position-row').first();
      await row.waitFor(SEEN);
      const confirms: string[] = [];
      page.once('dialog', (dialog) => {
        confirms.push(dialog.message());
        void dialog.accept();
      });
      const actionAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/actions/close'), SEEN);
      await row.getByRole('button', { name: 'Close' }).click();
      const closed: Response = await actionAnswer;
      expect(confirms[0]).toMatch(/Close the whole long BTC\/USDT:USDT position/);
      expect(closed.status()).toBe(202);
      await page.getByTestId('action-message').waitFor(SEEN);
      // the executor closes it on the account's FIFO lane; the view's poll sees it go
      await page.getByText('No open positions.').waitFor(SEEN);

      const tradesAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/performance/trades') && r.ok(), SEEN);
      await page.goto(`${stack.base}/#/trades`);
      const trades = (await (await tradesAnswer).json()) as { items: { symbol: string; side: string }[] };
      expect(trades.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ symbol: 'BTC/USDT:USDT', side: 'long' })]),
      );
      await page.locator('tbody tr', { hasText: 'BTC/USDT:USDT' }).first().waitFor(SEEN);
      await shot(page, 'trades');

      const summaryAnswer = page.waitForResponse(
        (r) => r.url().includes('/api/v1/performance/summary') && r.ok(),
        SEEN,
      );
      await page.goto(`${stack.base}/#/performance`);
      const summary = (await (await summaryAnswer).json()) as { pnl: { all: { trades: number; realized: string } } };
      expect(summary.pnl.all.trades).toBe(1);
      // a round trip on paper pays fees and slippage: the realized P&L is not zero
      expect(Number(summary.pnl.all.realized)).not.toBe(0);
      await page
        .getByText(/1 trades?/)
        .first()
        .waitFor(SEEN);
      await shot(page, 'performance');
    });

    it('a refused alert (sl "abc") is in the alert log with its reason and field', async () => {
      const refused = await webhook({ action: 'long', symbol: 'BTCUSDT.P', sl: 'abc', id: `e2e-bad-${Date.now()}` });
      // the webhook's validation answer (docs/SIGNALS.md), naming the field
      expect(refused.status).toBe(422);
      expect(JSON.stringify(await refused.json())).toContain('"field":"sl"');
      await page.goto(`${stack.base}/#/alerts`);
      const row = page.getByTestId('alert-row').filter({ hasText: 'refused' }).first();
      await row.waitFor(SEEN);
      const text = (await row.textContent()) ?? '';
      expect(text).toContain('[sl]');
      expect(text).toMatch(/percent like/);
      // the accepted one is there too
      await page.getByTestId('alert-row').filter({ hasText: 'accepted' }).first().waitFor(SEEN);
      await shot(page, 'alerts');
    });

    it('every other view renders with the real data, without a page error or a CSP violation', async () => {
      for (const view of ['orders', 'strategies', 'risk', 'accounts']) {
        await page.goto(`${stack.base}/#/${view}`);
        await loaded(page);
        await shot(page, view);
      }
      await page.goto(`${stack.base}/#/accounts`);
      await page.getByText(account.id).first().waitFor(SEEN);
      expect(pageErrors).toEqual([]);
      expect(cspViolations).toEqual([]);
    });

    it('a viewer sees no action button, and the API refuses its action with 403', async () => {
      const viewer = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      try {
        const vpage = await viewer.newPage();
        await signIn(vpage, stack.base, VIEWER);
        await expect(vpage.locator('.who').textContent()).resolves.toContain('viewer: read only');
        // a position open again: the viewer sees it, with its stop, and no button to act on it
        const sent = await webhook({
          action: 'long',
          symbol: 'BTCUSDT.P',
          sl: '2%',
          tp: '4%',
          id: `e2e-long2-${Date.now()}`,
          time: new Date().toISOString(),
        });
        expect(sent.status).toBe(202);
        await vpage.locator('tr', { hasText: 'BTC/USDT:USDT' }).first().waitFor(SEEN);
        await shot(vpage, 'overview-mobile-viewer');
        await vpage.goto(`${stack.base}/#/positions`);
        const row = vpage.getByTestId('position-row').first();
        await row.waitFor(SEEN);
        await expect(row.textContent()).resolves.not.toContain('NO STOP');
        await expect(row.getByRole('button').count()).resolves.toBe(0);
        await shot(vpage, 'positions-mobile-viewer');
        for (const view of ['positions', 'accounts', 'strategies', 'risk', 'alerts']) {
          await vpage.goto(`${stack.base}/#/${view}`);
          await loaded(vpage);
          await expect(
            vpage
              .getByRole('button', {
                name: /Close|Reduce|Pause|Flatten|Disable|Apply|Enable|Delete|Rename|Rotate|Reset|test alert/i,
              })
              .count(),
          ).resolves.toBe(0);
        }
        const session = JSON.parse(String(await vpage.evaluate("sessionStorage.getItem('tvat.console.session')"))) as {
          accessToken: string;
        };
        const paused = await fetch(`${stack.base}/api/v1/actions/pause`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${session.accessToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ account: account.id }),
        });
        expect(paused.status).toBe(403);
        // the viewer's token does read
        expect(
          (
            await fetch(`${stack.base}/api/v1/accounts`, {
              headers: { Authorization: `Bearer ${session.accessToken}` },
            })
          ).status,
        ).toBe(200);
      } finally {
        await viewer.close();
      }
    });

    // Last: the subscription trades on the account from here on, and the rotation replaces the token
    // the steps above send their alerts with.
    it('strategies: a subscription’s compare shows the account next to the backtest, with the too-few-trades warning', async () => {
      await runCli(stack, [
        'strategy',
        'enable',
        '--account',
        account.id,
        '--strategy',
        'ema-cross',
        '--symbol',
        'ETHUSDT',
        '--timeframe',
        '1h',
      ]);
      await page.goto(`${stack.base}/#/strategies`);
      const row = page.getByTestId('subscription-row').filter({ hasText: 'ema-cross' }).first();
      await row.waitFor(SEEN);
      const compareAnswer = page.waitForResponse(
        (r) => r.url().includes('/api/v1/strategies/ema-cross.ETHUSDT.1h/compare') && r.ok(),
        SEEN,
      );
      await row.getByRole('button', { name: 'Compare' }).click();
      const answer = (await (await compareAnswer).json()) as {
        comparison: { account: { trades: number }; backtest: { trades: number; pnl: string } };
        candles: { count: number };
        warnings: string[];
      };
      // the replayed candles the runner trades on, backtested; the account has not traded it yet
      expect(answer.candles.count).toBeGreaterThan(1);
      expect(answer.comparison.account.trades).toBe(0);
      const panel = page.getByTestId('strategy-compare');
      const trades = panel.getByTestId('compare-row').filter({ hasText: 'Trades' });
      await trades.waitFor(SEEN);
      const cells = await trades.locator('td').allTextContents();
      expect(cells.slice(0, 3)).toEqual([
        'Trades',
        String(answer.comparison.account.trades),
        String(answer.comparison.backtest.trades),
      ]);
      for (const label of ['Win rate', 'P&L', 'Max drawdown'])
        await expect(panel.getByTestId('compare-row').filter({ hasText: label }).count()).resolves.toBe(1);
      await expect(panel.textContent()).resolves.toContain('account: no trades');
      await shot(page, 'strategy-compare');
      expect(pageErrors).toEqual([]);
    });

    it('strategies: a subscription’s quality score shows each part, or why it has no data', async () => {
      await page.goto(`${stack.base}/#/strategies`);
      const row = page.getByTestId('subscription-row').filter({ hasText: 'ema-cross' }).first();
      await row.waitFor(SEEN);
      const qualityAnswer = page.waitForResponse(
        (r) => r.url().includes('/api/v1/strategies/ema-cross.ETHUSDT.1h/quality') && r.ok(),
        SEEN,
      );
      await row.getByRole('button', { name: 'Quality' }).click();
      const answer = (await (await qualityAnswer).json()) as {
        quality: { score: number | null; basedOn: string; components: { label: string; score: number | null }[] };
      };
      const panel = page.getByTestId('strategy-quality');
      await panel.getByTestId('quality-row').first().waitFor(SEEN);
      // every part is a row, its score as the API gave it; a part without data says why
      await expect(panel.getByTestId('quality-row').count()).resolves.toBe(answer.quality.components.length);
      for (const part of answer.quality.components) {
        const cells = await panel
          .getByTestId('quality-row')
          .filter({ hasText: part.label })
          .first()
          .locator('td')
          .allTextContents();
        expect(cells[0]).toBe(part.label);
        expect(cells[1]).toBe(part.score === null ? '—' : part.score.toFixed(0));
        if (part.score === null) expect(cells[4]).toMatch(/^not enough data: /);
      }
      await expect(panel.getByTestId('quality-score').textContent()).resolves.toContain(answer.quality.basedOn);
      await shot(page, 'strategy-quality');
      expect(pageErrors).toEqual([]);
    });

    it('accounts: the account’s webhook URL with a copy button; a rotated token’s URL shown once, and it works', async () => {
      const accountsAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/accounts') && r.ok(), SEEN);
      await page.goto(`${stack.base}/#/accounts`);
      const { items } = (await (await accountsAnswer).json()) as {
        items: { accountId: string; webhookUrl?: string }[];
      };
      const webhookUrl = items.find((a) => a.accountId === account.id)?.webhookUrl ?? '';
      expect(webhookUrl).toMatch(new RegExp(`^http://[^/]+/webhook/${account.id}$`));
      const cell = page.locator('tr', { hasText: account.id }).getByTestId('webhook-url');
      await cell.filter({ hasText: webhookUrl }).waitFor(SEEN);
      await owner.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.base });
      await cell.getByRole('button', { name: 'Copy' }).click();
      await cell.getByRole('button', { name: 'Copied' }).waitFor(SEEN);
      await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(webhookUrl);

      page.once('dialog', (dialog) => void dialog.accept());
      const rotated = page.waitForResponse((r) => r.url().includes('/api/v1/actions/rotate-token') && r.ok(), SEEN);
      await page.locator('tr', { hasText: account.id }).getByRole('button', { name: 'Rotate token' }).click();
      const token = ((await (await rotated).json()) as { secret: string }).secret;
      await page.getByTestId('shown-once').waitFor(SEEN);
      await expect(page.getByTestId('one-time-url').textContent()).resolves.toBe(`${webhookUrl}/${token}`);
      await page.getByRole('button', { name: 'Copy URL' }).click();
      await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(`${webhookUrl}/${token}`);
      await shot(page, 'rotate-token', [page.getByTestId('one-time-url'), page.getByText(token, { exact: true })]);
      await page.getByRole('button', { name: 'I have copied it' }).click();
      // gone from the page once closed: nothing keeps it
      await expect(page.getByText(token).count()).resolves.toBe(0);
      // the URL as shown takes an alert with no token in it (the URL carries it)
      const sent = await fetch(`${webhookUrl}/${token}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ action: 'long', symbol: 'ETHUSDT.P', sl: '2%', id: `e2e-url-${Date.now()}` }),
      });
      expect(sent.status).toBe(202);
      expect(pageErrors).toEqual([]);
      expect(cspViolations).toEqual([]);
    });

    it('an API call without a token gets 401', async () => {
      expect((await fetch(`${stack.base}/api/v1/positions`)).status).toBe(401);
      expect((await fetch(`${stack.base}/api/v1/actions/pause`, { method: 'POST', body: '{}' })).status).toBe(401);
    });
  });
}
