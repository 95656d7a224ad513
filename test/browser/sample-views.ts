// Screenshots of every console view with SAMPLE data (states the real stack rarely shows: a tripped
// kill switch, a live account, many trades), into the system's temp folder; docs/img holds the
// real-data ones test/browser/scenario.test.ts takes (CONSOLE_SCREENSHOTS=1). The built console (dist/console, served by bin/local/console-files.ts with its
// CSP) in Chromium, with the API answered by SAMPLE data shaped as /work/notes/s4/api-contract.md
// says and a signed-in owner put in the tab's storage. Not a test (it asserts nothing about the
// API, which is built elsewhere): a way to LOOK at each view, its layout on a desktop and a phone.
//   node --import tsx bin/build-console.ts && node --import tsx test/browser/sample-views.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleFiles } from '../../bin/local/console-files';
import { browserUnavailable, launchBrowser, ROOT } from './harness';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const token = (groups: string[]) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: 'u-1', 'cognito:groups': groups, exp: NOW / 1000 + 86_400, auth_time: NOW / 1000 })).toString('base64url')}.sample`;

const candles = Array.from({ length: 120 }, (_, i) => {
  const base = 64_000 + Math.sin(i / 9) * 900 + i * 12;
  return {
    time: NOW - (120 - i) * H,
    open: base,
    high: base + 180,
    low: base - 160,
    close: base + (i % 3 === 0 ? -90 : 110),
    volume: 100 + i,
  };
});
const account = (id: string, name: string, mode: 'paper' | 'live', equity: string, tripped = false) => ({
  accountId: id,
  name,
  exchange: mode === 'paper' ? 'paper' : 'binanceusdm',
  mode,
  status: tripped ? 'halted' : 'active',
  currency: 'USDT',
  balance: { equity, free: '8120.55', walletBalance: equity },
  dataAsOf: NOW - 20_000,
  killSwitches: [
    { name: 'daily-loss', tripped, ...(tripped ? { reason: 'daily loss 5.2 % over 5 %', at: NOW - 2 * H } : {}) },
    { name: 'drawdown', tripped: false },
  ],
  openPositions: mode === 'paper' ? 1 : 1,
  lastReconcileAt: NOW - 40_000,
  webhookUrl: `https://abc123.execute-api.eu-west-1.amazonaws.com/webhook/${id}`,
});
const pnl = (realized: string, trades: number) => ({
  realized,
  unrealized: '112.40',
  fees: '4.81',
  funding: '-0.92',
  trades,
});
const SAMPLE: Record<string, unknown> = {
  accounts: {
    asOf: NOW,
    items: [account('acc-demo', 'demo', 'paper', '10482.31'), account('acc-live', 'main', 'live', '25310.07', true)],
  },
  'performance/summary': {
    asOf: NOW,
    dataAsOf: NOW - 20_000,
    currency: 'USDT',
    equity: '35792.38',
    startEquity: '35000',
    pnl: { today: pnl('182.35', 3), d7: pnl('640.10', 11), d30: pnl('792.38', 27), all: pnl('792.38', 27) },
    winRate: 0.56,
    trades: 27,
    sharpe: 1.42,
    sortino: 2.05,
    calmar: 1.8,
    maxDrawdownPct: 4.3,
    returnPct: 2.26,
    buyAndHoldPct: 1.12,
    warnings: ['27 trades: too few for the ratios to mean much'],
  },
  positions: {
    asOf: NOW,
    dataAsOf: NOW - 20_000,
    items: [
      {
        accountId: 'acc-demo',
        accountName: 'demo',
        symbol: 'BTC/USDT:USDT',
        side: 'long',
        quantity: '0.015',
        entryPrice: '64210.5',
        markPrice: '64980.1',
        unrealizedPnl: '11.544',
        liquidationPrice: '58011.2',
        breakEvenPrice: '64249.03',
        leverage: 5,
        notional: '974.7015',
        stop: { clientOrderId: 'st-1', triggerPrice: '62500' },
        targets: [{ clientOrderId: 'tp-1', triggerPrice: '67000', amount: '0.015' }],
        openedAt: NOW - 5 * H,
        tradeId: 't-9',
        strategy: 'ema-cross',
        mode: 'paper',
        funding: null,
      },
      {
        accountId: 'acc-live',
        accountName: 'main',
        symbol: 'ETH/USDT:USDT',
        side: 'short',
        quantity: '1.2',
        entryPrice: '3421.07',
        markPrice: '3398.2',
        unrealizedPnl: '27.444',
        liquidationPrice: '4010.5',
        breakEvenPrice: '3419.7',
        leverage: 3,
        notional: '4077.84',
        stop: { clientOrderId: 'st-2', triggerPrice: '3520', trailingPercent: '1.5' },
        targets: [],
        openedAt: NOW - 9 * H,
        tradeId: 't-10',
        mode: 'live',
        // 1.2 × 3,398.2 × 0.0001, received by the short
        funding: {
          rate: '0.0001',
          bpsPerInterval: 1,
          annualPct: 10.95,
          nextFundingTime: NOW + 4 * H,
          intervalMs: 8 * H,
          asOf: NOW - 90_000,
          stale: false,
          nextPayment: '0.407784',
        },
      },
    ],
  },
  alerts: {
    asOf: NOW,
    items: [
      {
        accountId: 'acc-demo',
        receivedAt: NOW - 600_000,
        requestId: 'r1',
        outcome: 'accepted',
        httpStatus: 202,
        signalId: 's1',
        signalStatus: 'executed',
        action: 'long',
        symbol: 'BTCUSDT.P',
        format: 'json',
      },
      {
        accountId: 'acc-demo',
        receivedAt: NOW - 900_000,
        requestId: 'r2',
        outcome: 'refused',
        httpStatus: 400,
        code: 'stale_alert',
        field: 'time',
        reason: 'time is 312 s old (limit 60 s)',
        action: 'short',
        symbol: 'BTCUSDT.P',
        format: 'json',
      },
      {
        accountId: 'acc-live',
        receivedAt: NOW - 1_200_000,
        requestId: 'r3',
        outcome: 'accepted',
        httpStatus: 202,
        signalId: 's3',
        signalStatus: 'rejected',
        rejectReason: 'RISK_MAX_POSITIONS: 3 open of 3',
        action: 'long',
        symbol: 'SOLUSDT.P',
        format: 'tradingview-default',
      },
      {
        accountId: 'acc-live',
        receivedAt: NOW - 1_500_000,
        requestId: 'r4',
        outcome: 'duplicate',
        httpStatus: 200,
        signalId: 's2',
        signalStatus: 'executed',
        action: 'short',
        symbol: 'ETHUSDT.P',
        format: 'json',
      },
    ],
  },
  health: {
    asOf: NOW,
    accounts: [
      { accountId: 'acc-demo', lastReconcileAt: NOW - 40_000, ageSeconds: 40, ok: true },
      { accountId: 'acc-live', lastReconcileAt: NOW - 400_000, ageSeconds: 400, ok: false },
    ],
    queue: { depth: 0, inFlight: 1, dlqDepth: 0 },
  },
  'performance/profit-loss': {
    asOf: NOW,
    period: 'day',
    items: Array.from({ length: 14 }, (_, i) => ({
      start: NOW - (14 - i) * 24 * H,
      realizedPnl: String(Math.round(Math.sin(i) * 120 * 100) / 100),
      fees: '1.2',
      funding: '0',
      trades: 2,
      cumulative: '0',
    })),
    equity: Array.from({ length: 30 }, (_, i) => ({
      at: NOW - (30 - i) * 12 * H,
      equity: String(35_000 + i * 30 + Math.sin(i / 2) * 120),
    })),
  },
  'performance/by-strategy': {
    asOf: NOW,
    items: [
      {
        strategy: 'ema-cross',
        trades: 15,
        wins: 9,
        winRate: 0.6,
        realizedPnl: '611.20',
        fees: '21.4',
        funding: '-3.1',
        profitFactor: 1.9,
        avgRoiPct: 1.4,
      },
      {
        strategy: 'manual',
        trades: 12,
        wins: 6,
        winRate: 0.5,
        realizedPnl: '181.18',
        fees: '16.2',
        funding: '-1.0',
        profitFactor: 1.2,
        avgRoiPct: 0.6,
      },
    ],
  },
  'performance/trades': {
    asOf: NOW,
    nextCursor: 'c2',
    items: Array.from({ length: 8 }, (_, i) => ({
      tradeId: `t-${i}`,
      accountId: 'acc-demo',
      accountName: 'demo',
      symbol: i % 2 ? 'ETH/USDT:USDT' : 'BTC/USDT:USDT',
      side: i % 3 ? 'long' : 'short',
      strategy: i % 2 ? 'ema-cross' : undefined,
      quantity: '0.015',
      entryPrice: '63120.5',
      exitPrice: '63980',
      realizedPnl: i % 3 ? '12.89' : '-7.4',
      fees: '0.77',
      openedAt: NOW - (i + 2) * 6 * H,
      closedAt: NOW - (i + 1) * 6 * H,
      exitReason: i % 3 ? 'target' : 'stop',
    })),
  },
  orders: {
    asOf: NOW,
    items: [
      {
        accountId: 'acc-demo',
        clientOrderId: 'st-1',
        symbol: 'BTC/USDT:USDT',
        side: 'sell',
        type: 'stop_market',
        status: 'open',
        amount: '0.015',
        triggerPrice: '62500',
        createdAt: NOW - 5 * H,
      },
      {
        accountId: 'acc-demo',
        clientOrderId: 'en-1',
        symbol: 'BTC/USDT:USDT',
        side: 'buy',
        type: 'market',
        status: 'closed',
        amount: '0.015',
        price: '64210.5',
        createdAt: NOW - 5 * H,
      },
    ],
  },
  events: {
    asOf: NOW,
    items: [
      { accountId: 'acc-demo', type: 'order.filled', at: NOW - 5 * H, clientOrderId: 'en-1', price: '64210.5' },
      { accountId: 'acc-live', type: 'killswitch.tripped', at: NOW - 2 * H, name: 'daily-loss' },
    ],
  },
  candles: {
    asOf: NOW,
    symbol: 'BTC/USDT:USDT',
    timeframe: '1h',
    candles,
    markers: [
      { time: NOW - 60 * H, kind: 'entry', side: 'long', price: '63500', tradeId: 't-1', label: 'long 0.015' },
      { time: NOW - 40 * H, kind: 'exit', side: 'long', price: '64400', tradeId: 't-1', label: 'target +13.5' },
      { time: NOW - 5 * H, kind: 'entry', side: 'long', price: '64210.5', tradeId: 't-9', label: 'long 0.015' },
    ],
    levels: [
      { kind: 'entry', price: '64210.5', from: NOW - 5 * H },
      { kind: 'stop', price: '62500', from: NOW - 5 * H },
      { kind: 'target', price: '67000', from: NOW - 5 * H },
    ],
  },
};

const VIEWS = [
  'overview',
  'positions',
  'trades',
  'chart',
  'performance',
  'alerts',
  'orders',
  'strategies',
  'risk',
  'accounts',
];

async function main(): Promise<void> {
  const why = browserUnavailable();
  if (why) throw new Error(why);
  const serve = consoleFiles({
    dir: join(ROOT, 'dist/console'),
    config: () => ({
      stage: 'sample',
      apiBase: '/api/v1',
      cognito: { endpoint: '/local-cognito/', region: 'us-east-1', userPoolId: 'local', clientId: 'local-console' },
      mfa: 'off',
    }),
  });
  const server = createServer((req, res) => {
    const file = serve(req.url ?? '/');
    res.writeHead(file?.statusCode ?? 404, file?.headers ?? {});
    res.end(file?.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { browser, close } = await launchBrowser();
  try {
    for (const [role, viewport, suffix] of [
      ['owner', { width: 1280, height: 900 }, ''],
      ['viewer', { width: 390, height: 844 }, '-mobile-viewer'],
    ] as const) {
      const page = await browser.newPage({ viewport });
      const session = {
        username: `${role}@example.com`,
        accessToken: token([role, 'tenant-acc']),
        expiresAt: NOW + 86_400_000 * 3650,
        role,
        authTime: NOW,
      };
      await page.addInitScript(
        `sessionStorage.setItem('tvat.console.session', ${JSON.stringify(JSON.stringify(session))})`,
      );
      await page.route('**/api/v1/**', (route) => {
        const path = new URL(route.request().url()).pathname.replace('/api/v1/', '');
        const body = SAMPLE[path];
        return route.fulfill({
          status: body ? 200 : 404,
          contentType: 'application/json',
          body: JSON.stringify(body ?? { error: { code: 'not_found' } }),
        });
      });
      for (const view of suffix ? ['overview', 'positions'] : VIEWS) {
        await page.goto(`${base}/#/${view}${view === 'chart' ? '?account=acc-demo&symbol=BTC/USDT:USDT' : ''}`);
        await page.getByTestId('asof').first().waitFor({ timeout: 20_000 });
        await page.locator('[data-testid=asof]', { hasNotText: 'loading' }).first().waitFor({ timeout: 20_000 });
        await page.waitForTimeout(view === 'chart' ? 800 : 200);
        const path = join(tmpdir(), `console-sample-${view}${suffix}.png`);
        await page.screenshot({ path, fullPage: true });
        console.log(path);
      }
      await page.close();
    }
  } finally {
    await close();
    server.close();
  }
}

await main();
