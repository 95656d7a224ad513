// The notifier end to end, as the cloud runs it: audit events as the table's stream delivers them
// → createNotifierHandler → the real Telegram client over HTTP → a fake Bot API. Held messages
// live in the stand-in risk table.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { startFakeTelegram, type FakeTelegram } from '../../../bin/local/fake-telegram';
import { createNotifierHandler } from '../../../functions/notifier/app';
import type { AuditEvent } from '../../../shared/core/domain/audit';
import { toDecimal } from '../../../shared/core/domain/money';
import { loadEnv } from '../../../shared/platform/config';
import { notifierEnvSchema } from '../../../shared/platform/notify-config';
import { buildNotifier } from '../../../shared/runtime/notifier';
import { createHarness, MutableClock, silentLogger, type Harness } from '../harness';

jest.setTimeout(30_000);

let h: Harness;
let tg: FakeTelegram;
const clock = new MutableClock(Date.UTC(2026, 10, 21, 12, 0, 0)); // 12:00 UTC
beforeAll(async () => {
  h = await createHarness({ clock });
  tg = await startFakeTelegram();
});
afterAll(() => tg.close());
beforeEach(() => {
  tg.clear();
  waits = [];
  clock.t = Date.UTC(2026, 10, 21, 12, 0, 0);
});

/** The waits the channels asked for (their sleep port), each with the Telegram calls seen by then: none is waited for real. */
let waits: Array<{ ms: number; callsBefore: number }> = [];
const sleep = async (ms: number) => void waits.push({ ms, callsBefore: tg.calls().length });

async function notifier(extra: Record<string, string> = {}) {
  const env = loadEnv(notifierEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: h.executorEnv.DYNAMODB_ENDPOINT,
    TELEGRAM_BOT_TOKEN: '123456:TEST-token-not-logged',
    TELEGRAM_CHAT_IDS: '4242',
    TELEGRAM_API_URL: tg.url,
    ...extra,
  });
  return createNotifierHandler(await buildNotifier(env, { clock, sleep }), silentLogger());
}

let seq = 0;
function stream(events: AuditEvent[]): DynamoDBStreamEvent {
  return {
    Records: events.map((e) => ({
      eventName: 'INSERT' as const,
      dynamodb: {
        NewImage: marshall(
          { ...e, eventId: `${String(e.at).padStart(13, '0')}#${(seq++).toString(16).padStart(8, '0')}` },
          { removeUndefinedValues: true },
        ) as never,
      },
    })),
  };
}
const at = () => clock.now();

test('a closed trade and a kill switch reach the chat with their numbers', async () => {
  const notify = await notifier();
  await notify(
    stream([
      {
        accountId: 'acc-n1',
        type: 'trade.closed',
        at: at(),
        signalId: 'sig-1',
        message: 'closed long BTC/USDT:USDT @ 66000: P&L 95.3 (1.4662% ROI, fees 4.7)',
        data: { tradeId: 't-1', symbol: 'BTC/USDT:USDT', currency: 'USDT', realizedPnl: '95.3', roiPct: 1.4662 },
      },
      {
        accountId: 'acc-n1',
        type: 'risk.switch',
        at: at(),
        message: 'drawdown tripped: equity 7750 is 22.5 % below the peak 10000 (limit 20 %)',
        data: { switch: 'drawdown', kind: 'tripped', drawdownPct: 22.5 },
      },
    ]),
  );
  const texts = tg.messages().map((m) => m.text ?? '');
  expect(tg.messages().every((m) => m.chatId === '4242')).toBe(true);
  expect(texts).toHaveLength(1); // one batch for the two events
  expect(texts[0]).toContain('Kill switch drawdown tripped');
  expect(texts[0]).toContain('22.5 % below the peak 10000');
  expect(texts[0]).toContain('Trade closed: +95.30 USDT (+1.47 %)');
  expect(texts[0]?.indexOf('Kill switch')).toBeLessThan(texts[0]?.indexOf('Trade closed') ?? -1); // most severe first
});

test('a burst of 50 fills becomes a few messages, none over Telegram’s 4,096 characters, every fill in one of them', async () => {
  const notify = await notifier();
  const burst: AuditEvent[] = Array.from({ length: 50 }, (_, i) => ({
    accountId: 'acc-n2',
    type: 'order.filled',
    at: at() + i,
    signalId: `sig-${i}`,
    message: `buy ${(0.001 * (i + 1)).toFixed(3)} BTC/USDT:USDT @ 65000.5 (leg open, order t${'x'.repeat(30)}${i})`,
    data: { clientOrderId: `t${i}`, leg: 'open', fee: toDecimal(0.0325 * (i + 1)) },
  }));
  await notify(stream(burst));
  const texts = tg.messages().map((m) => m.text ?? '');
  expect(texts.length).toBeGreaterThanOrEqual(1);
  expect(texts.length).toBeLessThanOrEqual(3);
  for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
  for (let i = 0; i < 50; i++) expect(texts.join('\n')).toContain(`buy ${(0.001 * (i + 1)).toFixed(3)} BTC/USDT:USDT`);
});

test('Telegram’s 429 retry_after is honoured: the message arrives once, after the wait', async () => {
  const notify = await notifier();
  tg.failNext(1, { code: 429, retryAfter: 1 });
  await notify(
    stream([
      {
        accountId: 'acc-n3',
        type: 'order.failed',
        at: at(),
        message: 'rejected: Margin is insufficient.',
        data: { code: 'INSUFFICIENT_MARGIN', exchangeCode: '-2019' },
      },
    ]),
  );
  const calls = tg.calls().filter((c) => c.method === 'sendMessage');
  expect(calls.map((c) => c.status)).toEqual([429, 200]);
  // the retry_after (1 s) is waited between the refused call and the accepted one
  expect(waits).toEqual([{ ms: 1_000, callsBefore: 1 }]);
  expect(tg.messages().map((m) => m.text)).toEqual([
    expect.stringContaining('Order failed (INSUFFICIENT_MARGIN, exchange -2019)'),
  ]);
});

test('quiet hours hold non-critical messages (a critical one passes) and the rest come as one digest when they end', async () => {
  const notify = await notifier({
    NOTIFY_CONFIG: JSON.stringify({
      rules: [{ kinds: '*', channels: ['telegram'], minSeverity: 'info' }],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Seoul' },
    }),
  });
  clock.t = Date.UTC(2026, 10, 21, 16, 0, 0); // 01:00 in Seoul
  await notify(
    stream([
      {
        accountId: 'acc-n4',
        type: 'order.filled',
        at: at(),
        message: 'buy 0.1 BTC/USDT:USDT @ 65000',
        data: { clientOrderId: 't-4', leg: 'open' },
      },
      {
        accountId: 'acc-n4',
        type: 'trade.closed',
        at: at(),
        message: 'closed',
        data: { tradeId: 't-4', symbol: 'BTC/USDT:USDT', currency: 'USDT', realizedPnl: '12', roiPct: 1 },
      },
      {
        accountId: 'acc-n4',
        type: 'risk.switch',
        at: at(),
        message: 'drawdown tripped',
        data: { switch: 'drawdown', kind: 'tripped' },
      },
    ]),
  );
  expect(tg.messages().map((m) => m.text)).toEqual([expect.stringContaining('Kill switch drawdown tripped')]);

  clock.t = Date.UTC(2026, 10, 21, 22, 30, 0); // 07:30 in Seoul: the empty scheduled run flushes
  await notify({ Records: [] });
  const digest = tg.messages()[1]?.text ?? '';
  expect(digest).toMatch(/^While you were away: 2 events/);
  expect(digest).toContain('buy 0.1 BTC/USDT:USDT @ 65000');
  expect(digest).toContain('Trade closed: +12.00 USDT (+1.00 %)');
  await notify({ Records: [] });
  expect(tg.messages()).toHaveLength(2); // released once sent
});

test('a sliced entry done and a funding-arb unwind reach the chat; the owner’s NOTIFY_CONFIG can keep only the unwind', async () => {
  const events = (): AuditEvent[] => [
    {
      accountId: 'acc-n5',
      type: 'algo.completed',
      at: at(),
      message: 'TWAP 5/5 slices: 0.5 of 0.5 BTC/USDT:USDT @ 64012.3',
      data: {
        parentId: 'sig-tw',
        symbol: 'BTC/USDT:USDT',
        kind: 'twap',
        slices: 5,
        slicesSent: 5,
        totalAmount: '0.5',
        filledAmount: '0.5',
        averagePrice: '64012.3',
      },
    },
    {
      accountId: 'acc-n5',
      type: 'arb.rebalanced',
      at: at(),
      message: 'perp leg unwound',
      data: {
        planId: 'btc-bn-bb',
        round: 3,
        leg: 'perp',
        accountId: 'acc-n5',
        symbol: 'BTC/USDT:USDT',
        amount: '0.5',
        reason: 'unwind',
      },
    },
  ];
  await (
    await notifier()
  )(stream(events()));
  const text = tg
    .messages()
    .map((m) => m.text ?? '')
    .join('\n');
  expect(text).toContain('BTC/USDT:USDT TWAP done: 5/5 slices, 0.5 filled at 64,012.3');
  expect(text).toContain(
    '⚠️ Funding arb btc-bn-bb #3 unwound: perp leg on acc-n5 closed, 0.5 BTC/USDT:USDT (other leg never filled)',
  );

  tg.clear();
  const onlyWarnings = await notifier({
    NOTIFY_CONFIG: JSON.stringify({
      rules: [{ kinds: ['funding_arb'], channels: ['telegram'], minSeverity: 'warning' }],
    }),
  });
  await onlyWarnings(stream(events()));
  expect(tg.messages().map((m) => m.text)).toEqual([expect.stringContaining('unwound')]);
  expect(tg.messages()[0]?.text).not.toContain('TWAP');
});
