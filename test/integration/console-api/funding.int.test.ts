// Funding in the console end to end: a live account holds BTC on the fake Binance (bin/local/
// fake-binance serves premiumIndex with Binance's documented body, the rate seeded here); the
// real risk-check job (buildRiskCheck, as the Lambda composes it: real ccxt, real AWS SDK on the
// stand-ins) records the rate on the risk table after its safety work, once per 5 minutes; the
// console API answers the position with it, through the local gateway and the tenant guard, and
// never calls the exchange itself. The fake is written here: this proves the wiring, not
// Binance's answer (docs/EXCHANGES.md).
import { Big } from '../../../shared/core/domain/money';
import { createConsoleApiHandler } from '../../../functions/console-api/app';
import { DynamoFundingReadingReader } from '../../../shared/adapters/dynamodb/funding-reading-store';
import { DynamoTenantDirectory } from '../../../shared/adapters/dynamodb/tenant-directory';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { tableName } from '../../../shared/platform/resource-names';
import { buildQueueDepth, consoleScopes } from '../../../shared/runtime/console-api';
import { dynamoClient } from '../../../shared/runtime/dynamo-client';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { startGateway } from '../../../bin/local/http-gateway';
import { endpoints, MutableClock, region, silentLogger } from '../harness';
import { deliver, liveExecutor, sid, signalFor, startLiveSuite, type LiveSuite } from './../live/helpers';

jest.setTimeout(120_000);

const BTC = 'BTC/USDT:USDT';
const EIGHT_HOURS = 8 * 3_600_000;
const clock = new MutableClock();
let s: LiveSuite;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  s = await startLiveSuite({ harness: { clock } });
  const env = loadEnv(consoleApiEnvSchema, {
    STAGE: s.h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: endpoints().dynamo,
    SQS_ENDPOINT: endpoints().sqs,
    SIGNAL_QUEUE_URL: s.h.queueUrl,
    SIGNAL_DLQ_URL: s.h.dlqUrl,
  });
  const api = createConsoleApiHandler(
    { scope: consoleScopes(env, clock), queueDepth: buildQueueDepth(env) },
    silentLogger(),
  );
  const gateway = await startGateway(
    {
      webhook: s.h.webhook,
      isReady: () => true,
      api: {
        handler: api,
        authorize: async (authorization) =>
          authorization === 'Bearer owner-token'
            ? { sub: 'u-owner', username: 'o@example.com', 'cognito:groups': '[owner tenant-acc]', auth_time: '1' }
            : undefined,
      },
    },
    0,
  );
  base = gateway.url;
  close = () => new Promise((resolve) => gateway.server.close(() => resolve()));
});

afterAll(async () => {
  await close?.();
  await s?.close();
});

const positions = async () => {
  const r = await fetch(`${base}/api/v1/positions`, { headers: { authorization: 'Bearer owner-token' } });
  expect(r.status).toBe(200);
  return (await r.json()) as { items: Record<string, unknown>[] };
};
const premiumIndexReads = () => s.fake.requests().filter((r) => r.path === '/fapi/v1/premiumIndex').length;

test('the risk-check job records the held market’s funding rate and the console API shows it on the position', async () => {
  const { accountId } = await s.newAccount();
  await new DynamoTenantDirectory(
    dynamoClient({ stage: s.h.stage, region, endpoint: endpoints().dynamo }),
    tableName(s.h.stage, 'tenants'),
  ).indexAccount('acc', accountId);
  await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('fundlong'), {
      size: { kind: 'contracts', value: 0.1 },
      sl: { kind: 'percent', value: 2 },
    }),
  );
  s.fake.setFundingRates('BTCUSDT', [[Date.now() - EIGHT_HOURS, 0.00025]]);

  // before any run: no reading, so the position's funding is null (and the API asked no exchange)
  const asked = s.fake.requests().length;
  expect((await positions()).items[0]).toMatchObject({ symbol: BTC, mode: 'live', funding: null });
  expect(s.fake.requests().length).toBe(asked);

  const riskCheck = buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault);
  const before = premiumIndexReads();
  const report = await riskCheck.run();
  expect(report).toMatchObject({ errors: 0, snapshots: 1, fundingRatesRead: 1 });
  const readsOfFirstRun = premiumIndexReads() - before;
  expect(readsOfFirstRun).toBeGreaterThanOrEqual(1);

  const stored = await new DynamoFundingReadingReader(
    dynamoClient({ stage: s.h.stage, region, endpoint: endpoints().dynamo }),
    tableName(s.h.stage, 'risk'),
  ).read('binanceusdm', [BTC]);
  expect(stored).toEqual([
    {
      symbol: BTC,
      // premiumIndex carries no interval (docs/FUNDING.md): none stored, so none annualised
      reading: { symbol: BTC, rate: '0.00025', nextFundingTime: expect.any(Number), asOf: clock.now() },
      triedAt: clock.now(),
    },
  ]);
  const next = stored[0]!.reading!.nextFundingTime!;
  expect(next % EIGHT_HOURS).toBe(0);

  const p = (await positions()).items[0]!;
  const funding = p.funding as Record<string, unknown>;
  expect(funding).toEqual({
    rate: '0.00025',
    bpsPerInterval: 2.5,
    nextFundingTime: next,
    asOf: clock.now(),
    stale: false,
    // a long pays a positive rate: quantity × mark × rate, exact, negative
    nextPayment: new Big(p.quantity as string)
      .times(p.markPrice as string)
      .times('0.00025')
      .neg()
      .toString(),
  });
  expect(funding.nextPayment).toMatch(/^-\d/);

  // a minute later the job runs again: the reading is fresh, so the exchange is not asked for it
  clock.advance(60_000);
  const again = premiumIndexReads();
  expect((await riskCheck.run()).fundingRatesRead).toBe(0);
  expect(premiumIndexReads() - again).toBe(readsOfFirstRun - 1);

  // five minutes after the reading: asked again, and the new rate replaces the old
  s.fake.setFundingRates('BTCUSDT', [[Date.now() - EIGHT_HOURS, -0.0001]]);
  clock.advance(4 * 60_000);
  expect((await riskCheck.run()).fundingRatesRead).toBe(1);
  expect(((await positions()).items[0]!.funding as Record<string, unknown>).rate).toBe('-0.0001');
});
