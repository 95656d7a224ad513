// The console's trade reads on dynalite with the real DynamoDB client: trades pages read by key
// range follow their cursors through every trade newest first, and the aggregates' history, kept
// between requests, picks up a trade that closed and a new one by a key-range Query while a closed
// trade is not read again until the whole re-read FULL_READ_MS later (historyAsOf says when).
import type { TradeRecord } from '../../../shared/core/domain/trade';
import { tradeIdFor } from '../../../shared/core/domain/trade-math';
import type { ConsoleReads } from '../../../shared/core/performance/console-reads';
import { FULL_READ_MS } from '../../../shared/core/performance/trade-history';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { buildConsoleReads } from '../../../shared/runtime/console-api';
import { createHarness, endpoints, MutableClock, region, type Harness } from '../harness';

// ~150 puts and a few dozen Queries against dynalite on a shared 2-core machine.
jest.setTimeout(120_000);

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1, 12);
const clock = new MutableClock(T0);
let h: Harness;
let reads: ConsoleReads;
let accountId: string;

const closedTrade = (openedAt: number, id: string, pnl: string): TradeRecord => ({
  accountId,
  tradeId: tradeIdFor(openedAt, id),
  symbol: 'BTC/USDT:USDT',
  side: 'long',
  status: 'closed',
  strategy: 'ema',
  leverage: 2,
  quantity: '0',
  maxQuantity: '0.1',
  entryPrice: '50000',
  exitPrice: '50100',
  exitedQuantity: '0.1',
  openedAt,
  closedAt: openedAt + HOUR,
  fees: '1',
  funding: '0',
  realizedPnl: pnl,
  openSignalId: `s-${id}`,
  updatedAt: openedAt + HOUR,
});

const realizedOf = async (): Promise<string> =>
  (await reads.byStrategy({ accountId, limit: 100 })).items.find((r) => r.strategy === 'ema')?.realizedPnl ?? '';

beforeAll(async () => {
  h = await createHarness({ clock });
  accountId = (await h.createAccount(10_000)).accountId;
  const env = loadEnv(consoleApiEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: endpoints().dynamo,
    SQS_ENDPOINT: endpoints().sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
    SIGNAL_DLQ_URL: h.dlqUrl,
  });
  reads = buildConsoleReads(env, 'acc', clock);
  const puts: Promise<void>[] = [];
  for (let i = 0; i < 120; i++) puts.push(h.runtime.repos.trades.put(closedTrade(T0 - (200 - i) * HOUR, `c${i}`, '1')));
  await Promise.all(puts);
});

test('trades pages: every trade once, newest first, through the cursors', async () => {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const after = cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : undefined;
    const page = await reads.trades({ accountId, limit: 50, ...(after ? { after } : {}) });
    seen.push(...page.items.map((t) => t.tradeId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  expect(pages).toBe(3);
  expect(seen).toHaveLength(120);
  expect(seen).toEqual([...seen].sort().reverse());
  expect(new Set(seen).size).toBe(120);
});

test('the history is refreshed by key range: a close and a new trade now, an edited closed trade at the next whole read', async () => {
  const open: TradeRecord = {
    ...closedTrade(clock.now() - 10 * HOUR, 'open', '-1'),
    status: 'open',
    quantity: '0.1',
    exitPrice: undefined,
    exitedQuantity: '0',
    closedAt: undefined,
  };
  await h.runtime.repos.trades.put(open);
  const first = (await reads.summary({ accountId, limit: 100 })) as { historyAsOf: number; trades: number };
  expect(first).toMatchObject({ historyAsOf: clock.now(), trades: 120 });
  expect(await realizedOf()).toBe('120');

  clock.advance(10_000);
  // the executor closes the open trade and opens a new one; an old closed trade is edited behind its back
  await h.runtime.repos.trades.replace(
    { ...open, status: 'closed', quantity: '0', closedAt: clock.now(), realizedPnl: '30', updatedAt: clock.now() },
    open.updatedAt,
  );
  await h.runtime.repos.trades.put(closedTrade(clock.now() - 5_000, 'new', '7'));
  await h.runtime.repos.trades.put(closedTrade(T0 - 200 * HOUR, 'c0', '1001'));

  const second = (await reads.summary({ accountId, limit: 100 })) as { historyAsOf: number; trades: number };
  expect(second).toMatchObject({ historyAsOf: clock.now() - 10_000, trades: 122 });
  expect(await realizedOf()).toBe('157'); // 120 + 30 + 7: the edited closed trade is not re-read yet

  clock.advance(FULL_READ_MS);
  const third = (await reads.summary({ accountId, limit: 100 })) as { historyAsOf: number };
  expect(third.historyAsOf).toBe(clock.now());
  expect(await realizedOf()).toBe('1157');
});
