// The daily report end to end: a fixture account's trades and equity snapshots on the stand-in
// tables → SendReports (the report function's use case) → the real Telegram client → the fake
// Bot API, which receives the chart as a PNG with the figures in its caption.
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import { createReportHandler } from '../../../functions/report/app';
import type { TradeRecord } from '../../../shared/core/domain/trade';
import type { Candles } from '../../../shared/core/backtest/types';
import type { CandleSource } from '../../../shared/core/ports/candles';
import { reportPeriod } from '../../../shared/core/reporting/send-reports';
import { loadEnv } from '../../../shared/platform/config';
import { reportEnvSchema } from '../../../shared/platform/notify-config';
import { buildSendReports } from '../../../shared/runtime/report';
import { createHarness, MutableClock, silentLogger, type Harness } from '../harness';

jest.setTimeout(60_000);

const H = 3_600_000;
// The run at 00:05 on 2026-11-22 in Seoul reports 2026-11-21 (Seoul): 2026-11-20T15:00Z → 2026-11-21T15:00Z.
const clock = new MutableClock(Date.UTC(2026, 10, 21, 15, 5, 0));
const FROM = Date.UTC(2026, 10, 20, 15, 0, 0);
const TO = FROM + 24 * H;
let h: Harness;
let tg: FakeTelegram;
beforeAll(async () => {
  h = await createHarness({ clock });
  tg = await startFakeTelegram();
});
afterAll(() => tg.close());

/** BTC at 50,000 at the start of the day and 51,000 at its end: holding it returned +2 %. */
const candles: CandleSource = {
  spanMs: () => H,
  closedCandles: async (_symbol, _tf, _limit, now): Promise<Candles> => {
    const close = now <= FROM ? 50_000 : 51_000;
    const one = (v: number) => Float64Array.of(v);
    return {
      time: one(now - H),
      open: one(close),
      high: one(close),
      low: one(close),
      close: one(close),
      volume: one(1),
    };
  },
};

function trade(
  id: string,
  openedAt: number,
  closedAt: number,
  realizedPnl: number,
  fees: number,
  strategy?: string,
): TradeRecord {
  return {
    accountId: 'acc-report',
    tradeId: `${openedAt}-${id}`,
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    status: 'closed',
    leverage: 1,
    quantity: '0',
    maxQuantity: '0.1',
    entryPrice: '50000',
    exitPrice: '50500',
    exitedQuantity: '0.1',
    openedAt,
    closedAt,
    fees: String(fees),
    funding: '0',
    realizedPnl: String(realizedPnl),
    openSignalId: id,
    updatedAt: closedAt,
    exitReason: 'signal',
    ...(strategy ? { strategy } : {}),
  };
}

test('reportPeriod: yesterday and the last 7 days in the owner’s zone', () => {
  expect(reportPeriod('daily', clock.now(), 'Asia/Seoul')).toEqual({ from: FROM, to: TO });
  expect(reportPeriod('weekly', clock.now(), 'Asia/Seoul')).toEqual({ from: TO - 7 * 24 * H, to: TO });
  expect(reportPeriod('daily', Date.UTC(2026, 10, 21, 0, 5), 'UTC')).toEqual({
    from: Date.UTC(2026, 10, 20),
    to: Date.UTC(2026, 10, 21),
  });
});

test('the daily report of a fixture account: figures by hand, the equity chart as a valid PNG to Telegram', async () => {
  const { accounts, trades, risk } = h.runtime.repos;
  await accounts.create({
    accountId: 'acc-report',
    name: 'report',
    exchange: 'paper',
    testnet: false,
    status: 'active',
    webhookTokenHash: 'x',
    settings: { defaultSizePercent: 10, defaultLeverage: 1, maxLeverage: 20, marginMode: 'isolated' },
    createdAt: FROM - 48 * H,
    updatedAt: FROM - 48 * H,
  });
  // In the day: +60 (fees 2), −25 (fees 2), +40 (fees 1.5); before it (not counted): +999.
  await trades.put(trade('a', FROM + 1 * H, FROM + 3 * H, 60, 2, 'sma-cross'));
  await trades.put(trade('b', FROM + 5 * H, FROM + 8 * H, -25, 2, 'sma-cross'));
  await trades.put(trade('c', FROM + 10 * H, FROM + 12 * H, 40, 1.5));
  await trades.put(trade('old', FROM - 10 * H, FROM - 2 * H, 999, 1));
  // Equity every 4 hours: 10,000 → 10,060 → 9,980 → 10,075 (peak 10,060 then 9,980: drawdown 80 = 0.795 %).
  const curve = [10_000, 10_060, 9_980, 10_035, 10_075, 10_075, 10_075];
  for (const [i, equity] of curve.entries())
    await risk.putSnapshot({
      accountId: 'acc-report',
      at: FROM + i * 4 * H,
      equity: String(equity),
      free: String(equity),
      unrealizedPnl: '0',
      openPositions: 0,
      exposure: '0',
    });

  const env = loadEnv(reportEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: h.executorEnv.DYNAMODB_ENDPOINT,
    TELEGRAM_BOT_TOKEN: '1:test',
    TELEGRAM_CHAT_IDS: '777',
    TELEGRAM_API_URL: tg.url,
    REPORT_TIME_ZONE: 'Asia/Seoul',
    NOTIFY_CONFIG: JSON.stringify({ rules: [{ kinds: ['report'], channels: ['telegram'], minSeverity: 'info' }] }),
  });
  const sendReports = await buildSendReports(env, { clock, candles });
  const built = await sendReports.build({ accountId: 'acc-report' }, 'daily', FROM, TO);

  // By hand: realized 60 − 25 + 40 = 75; fees 2 + 2 + 1.5 = 5.5; 3 trades, 2 wins → 66.67 %;
  // start 10,000 → end 10,075 = +0.75 %; best +60, worst −25; hold BTC 50,000 → 51,000 = +2 %.
  expect(built.report).toMatchObject({
    startEquity: '10000',
    endEquity: '10075',
    realizedPnl: '75',
    fees: '5.5',
    trades: 3,
    wins: 2,
    losses: 1,
  });
  expect(built.report.winRatePct).toBeCloseTo(66.6667, 3);
  expect(built.report.returnPct).toBeCloseTo(0.75, 10);
  expect(built.report.best).toMatchObject({ pnl: '60' });
  expect(built.report.worst).toMatchObject({ pnl: '-25' });
  expect(built.report.maxDrawdown).toMatchObject({ amount: '80' });
  expect(built.report.maxDrawdown.pct).toBeCloseTo((80 / 10_060) * 100, 6);
  expect(built.report.hold.symbols).toEqual([
    expect.objectContaining({ symbol: 'BTC/USDT:USDT', fromPrice: 50_000, toPrice: 51_000 }),
  ]);
  expect(built.report.hold.symbols[0]?.returnPct).toBeCloseTo(2, 10);

  const run = await createReportHandler(sendReports, silentLogger())({ kind: 'daily' });
  expect(run.accounts).toBeGreaterThanOrEqual(1);
  const photo = tg
    .messages()
    .find((m) => m.method === 'sendPhoto' && m.chatId === '777' && (m.caption ?? '').includes('acc-report'));
  expect(photo).toBeDefined();
  const bytes = photo?.photo?.data as Uint8Array;
  expect([...bytes.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]); // the PNG signature
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  expect([view.getUint32(16), view.getUint32(20)]).toEqual([800, 400]); // IHDR width × height
  const text = [
    photo?.caption ?? '',
    ...tg
      .messages()
      .filter((m) => m.method === 'sendMessage' && m.chatId === '777')
      .map((m) => m.text ?? ''),
  ].join('\n');
  expect(text).toContain('+75.00');
  expect(text).toContain('+0.75 %');
  expect(
    (await h.runtime.repos.audit.listByAccount('acc-report')).find((e) => e.type === 'report.sent')?.data,
  ).toMatchObject({ kind: 'daily', realizedPnl: '75', trades: 3 });
});
