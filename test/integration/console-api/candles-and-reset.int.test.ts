// The chart and the paper reset on the stand-ins, wired as `npm start` wires them: the paper
// exchange fills from the replay and the console's candles are that replay (ReplayCandleSource
// over the same ReplayPriceSource), so an entry through the real webhook and executor shows as a
// marker at its fill price inside the candle it fell in. paper-reset through OwnerActions on
// dynalite: the next entry sizes from the new balance, and the real risk-check job, reading the
// new (lower) balance, trips no switch.
import { createConsoleApiHandler } from '../../../functions/console-api/app';
import { ReplayCandleSource } from '../../../shared/adapters/candles/replay-candle-source';
import { StaticMarketCatalog } from '../../../shared/adapters/paper/markets';
import { ReplayPriceSource } from '../../../shared/adapters/prices/replay-price-source';
import type { Actor } from '../../../shared/core/control/operator-action-types';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { buildConsoleReads, buildOwnerActions } from '../../../shared/runtime/console-api';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { createHarness, endpoints, region, silentLogger, type Harness } from '../harness';

// A webhook round trip, a few candles of the replay (MS_PER_CANDLE each) and the risk-check job on
// a shared 2-core machine.
jest.setTimeout(120_000);

/** one replayed hour per second of wall time: a candle closes shortly after the entry */
const MS_PER_CANDLE = 1_000;
const clock = { now: () => Date.now() };
const replay = new ReplayPriceSource({ msPerCandle: MS_PER_CANDLE, clock, markets: new StaticMarketCatalog() });
const owner: Actor = { userId: 'u-owner', tenantId: 'acc', role: 'owner', authTime: Date.now(), via: 'console' };
let h: Harness;
let api: ReturnType<typeof createConsoleApiHandler>;
let actions: ReturnType<typeof buildOwnerActions>;

beforeAll(async () => {
  h = await createHarness({ paperPrices: replay });
  const env = loadEnv(consoleApiEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: endpoints().dynamo,
    SQS_ENDPOINT: endpoints().sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
  });
  const candles = new ReplayCandleSource(replay);
  api = createConsoleApiHandler(
    { scope: (tenantId) => ({ reads: buildConsoleReads(env, tenantId, clock, { candles: () => candles }) }) },
    silentLogger(),
  );
  actions = buildOwnerActions(env, 'acc', clock);
});

const get = async (path: string, query: Record<string, string>) => {
  const r = await api(
    {
      rawPath: `/api/v1/${path}`,
      queryStringParameters: query,
      headers: {},
      requestContext: {
        http: { method: 'GET' },
        authorizer: { jwt: { claims: { sub: 'u-owner', 'cognito:groups': '[owner tenant-acc]', auth_time: '1' } } },
      },
    } as never,
    { functionName: 'console-api', awsRequestId: 'r' } as never,
  );
  return { status: r.statusCode, body: JSON.parse(String(r.body)) as Record<string, unknown> };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CandlesAnswer {
  candles: { time: number; high: number; low: number }[];
  markers: { time: number; candleTime: number; kind: string; price: string; tradeId: string }[];
  warnings?: string[];
}

it('an entry through the webhook: /candles has the candle it filled in, and its marker at the fill price inside it', async () => {
  const { accountId, token } = await h.createAccount(10_000);
  const posted = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'c-1', sl: '2%' });
  expect(posted.statusCode).toBe(202);
  await h.drain();
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId, 10);
  expect(trade).toBeDefined();

  // Only closed candles are answered: ask until the candle of the fill has closed (a few replayed hours at most).
  let answer: CandlesAnswer | undefined;
  for (let i = 0; i < 50; i++) {
    const r = await get('candles', {
      account: accountId,
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: String(trade!.openedAt - 5 * MS_PER_CANDLE),
    });
    expect(r.status).toBe(200);
    answer = r.body as unknown as CandlesAnswer;
    if (answer.candles.some((c) => c.time + MS_PER_CANDLE > trade!.openedAt && c.time <= trade!.openedAt)) break;
    await sleep(MS_PER_CANDLE / 4);
  }
  expect(answer!.warnings).toBeUndefined();
  const entry = answer!.markers.find((m) => m.kind === 'entry' && m.tradeId === trade!.tradeId)!;
  expect(entry).toMatchObject({ time: trade!.openedAt, price: trade!.entryPrice });
  const candle = answer!.candles.find((c) => c.time === entry.candleTime)!;
  expect(candle).toBeDefined();
  expect(trade!.openedAt - candle.time).toBeLessThan(MS_PER_CANDLE);
  expect(Number(entry.price)).toBeGreaterThanOrEqual(candle.low);
  expect(Number(entry.price)).toBeLessThanOrEqual(candle.high);
});

it('paper-reset: the next entry sizes from the new balance, and the risk-check job trips nothing', async () => {
  const { accountId, token } = await h.createAccount(10_000);
  const riskCheck = buildRiskCheck(h.executorEnv, h.runtime, h.vault);
  // a first reading: the risk state's peak is 10,000
  await riskCheck.checkAccount((await h.runtime.repos.accounts.get(accountId))!);
  expect((await h.runtime.repos.risk.getState(accountId))?.peakEquity).toBe('10000');

  // 2,000 is 80 % below that peak: without the reset of the baselines the drawdown switch would trip
  const result = await actions.run('paper-reset', { account: accountId, balance: '2000' }, owner);
  expect(result.status).toBe(200);
  await riskCheck.checkAccount((await h.runtime.repos.accounts.get(accountId))!);
  const state = await h.runtime.repos.risk.getState(accountId);
  expect(state?.switches.drawdown?.tripped ?? false).toBe(false);
  expect(state?.switches.daily_loss?.tripped ?? false).toBe(false);
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('active');

  // 10 % of the equity at 1× leverage: a notional of about 200, not 1,000
  const posted = await h.post({
    token,
    account: accountId,
    action: 'long',
    symbol: 'BTCUSDT',
    id: 'r-1',
    size: '10%',
    leverage: 1,
    sl: '2%',
  });
  expect(posted.statusCode).toBe(202);
  await h.drain();
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId, 10);
  // sized on the new 2,000 (the old 10,000 would give ~1,000): 10 % of it, in whole 0.001 BTC lots
  // down at the replayed price, so between 200 less one lot and 200
  const price = Number(trade!.entryPrice);
  const notional = Number(trade!.maxQuantity) * price;
  expect(notional).toBeGreaterThan(200 - 0.001 * price);
  expect(notional).toBeLessThanOrEqual(200.5);

  const events = await h.runtime.repos.audit.listByAccount(accountId, 50);
  expect(events.find((e) => (e.data as { action?: string } | undefined)?.action === 'paper-reset')).toMatchObject({
    data: { balance: '2000', previousBalance: '10000' },
  });
});
