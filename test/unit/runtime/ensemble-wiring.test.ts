// The executor's composition with ENSEMBLE_MODELS listed and no test override: it builds (no
// `noProviders` at cold start) and its entry gate asks the real Advisor over the real
// OpenAI-compatible provider, here a node:http server on 127.0.0.1 (port 0) answering with OpenAI's
// documented chat-completion body (test/fixtures/model/openai.json) whose content is the vote. The
// daily token budget is the real DynamoTokenBudget on the stage's risk table; its client is
// aws-sdk-client-mock (no network), which records where the budget reads and charges.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CcxtCandleSource } from '../../../shared/adapters/candles/ccxt-candle-source';
import { StaticMarketCatalog } from '../../../shared/adapters/paper/markets';
import { ReplayPriceSource } from '../../../shared/adapters/prices/replay-price-source';
import type { EntryGate } from '../../../shared/core/execution/ports';
import type { KeyVault } from '../../../shared/core/ports/runtime';
import type { Signal } from '../../../shared/core/signal/types';
import { advisorEnvSchema } from '../../../shared/platform/advisor-config';
import { executorEnvSchema, loadEnv } from '../../../shared/platform/config';
import { ensembleEnvSchema, marketSummaryEnvSchema } from '../../../shared/platform/ensemble-config';
import { reportEnvSchema } from '../../../shared/platform/notify-config';
import { tableName } from '../../../shared/platform/resource-names';
import { buildExecuteSignal, buildTradingRuntime } from '../../../shared/runtime/executor';
import { buildSendReports } from '../../../shared/runtime/report';
import { accountWithSettings } from '../core/risk/fixtures';
import openaiDocs from '../../fixtures/model/openai.json';

jest.setTimeout(30_000);

const STAGE = 'wiring';
const common = { STAGE, AWS_REGION: 'eu-west-1' };
const vault = { decrypt: () => Promise.reject(new Error('not in this test')) } as unknown as KeyVault;
const dynamo = mockClient(DynamoDBDocumentClient);

/** The OpenAI-compatible endpoint: every completion votes `long`; records the model and path asked. */
let server: Server;
let baseUrl: string;
const asked: { path: string; model: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const request = JSON.parse(raw) as { model: string };
      asked.push({ path: req.url ?? '', model: request.model });
      const body = structuredClone(openaiDocs.examples['chatCompletion.object'].body);
      body.model = request.model;
      body.choices[0]!.message.content = JSON.stringify({ vote: 'long', reason: 'closes rising' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  asked.length = 0;
});

function compose(models: string, riskCandles: 'replay' | 'exchange' = 'replay') {
  const clock = { now: () => Date.now() };
  const replay = new ReplayPriceSource({ msPerCandle: 5_000, clock, markets: new StaticMarketCatalog() });
  const env = loadEnv(executorEnvSchema, {
    ...common,
    KEY_VAULT: 'local',
    LOCAL_KEY_FILE: '/nonexistent/key',
    PAPER_PRICE_SOURCE: 'replay',
    RISK_CANDLE_SOURCE: riskCandles,
  });
  return buildExecuteSignal(env, buildTradingRuntime(env, clock, replay), vault, {
    ensemble: loadEnv(ensembleEnvSchema, { ENSEMBLE_MODELS: models }),
    llm: loadEnv(advisorEnvSchema, { ...common, OPENAI_BASE_URL: baseUrl, LLM_DAILY_TOKENS: '100000' }),
  });
}

/** the gate the composition handed the use case (its only holder) */
const gateOf = (useCase: unknown): EntryGate | undefined =>
  (useCase as { deps: { entryGate?: EntryGate } }).deps.entryGate;

const signal: Signal = {
  v: 1,
  signalId: 's1',
  accountId: 'acc-1',
  intent: 'enter_long',
  symbol: { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
  receivedAt: 0,
  source: 'webhook',
};

test('models listed and no advisorFor: it builds, and the gate asks each model at the OpenAI-compatible endpoint', async () => {
  const useCase = compose('openai:m-a,openai:m-b');
  const gate = gateOf(useCase);
  expect(gate).toBeDefined();
  const account = accountWithSettings(
    { ensemble: { enabled: true, required: 2, timeframe: '1h' } },
    { accountId: 'acc-1' },
  );
  const verdict = await gate!.check(signal, account);
  expect(verdict).toMatchObject({ proceed: true });
  expect(asked.map((a) => a.model).sort()).toEqual(['m-a', 'm-b']);
  expect(asked.every((a) => a.path === '/v1/chat/completions')).toBe(true);
  // each answer charged to the account's day on the stage's risk table (the documented usage: 21 tokens)
  const charges = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
  expect(charges).toHaveLength(2);
  for (const charge of charges) {
    expect(charge.TableName).toBe(tableName(STAGE, 'risk'));
    expect(charge.Key).toMatchObject({ accountId: 'acc-1' });
  }
});

test("models listed: the gate reads the risk checks' candle source, not a second ccxt instance of its own", () => {
  const created = jest.spyOn(CcxtCandleSource, 'create');
  try {
    expect(gateOf(compose('openai:m-a', 'exchange'))).toBeDefined();
    // one for the statistics, the regimes and the gate's indicator context: one client, one market load
    expect(created).toHaveBeenCalledTimes(1);
  } finally {
    created.mockRestore();
  }
});

test('no models listed: no gate, nothing built for the models', () => {
  expect(gateOf(compose(''))).toBeUndefined();
  expect(asked).toEqual([]);
});

test('the report with MARKET_SUMMARY_MODEL and no advisorFor builds its summary writer (no refusal at cold start)', async () => {
  const build = () =>
    buildSendReports(loadEnv(reportEnvSchema, common), {
      channels: [],
      candles: { closedCandles: () => Promise.reject(new Error('not in this test')), spanMs: () => 3_600_000 },
      marketSummary: loadEnv(marketSummaryEnvSchema, { MARKET_SUMMARY_MODEL: 'openai:gpt-4o-mini' }),
      llm: loadEnv(advisorEnvSchema, { ...common, OPENAI_BASE_URL: baseUrl }),
    });
  const reports = await build();
  const { deps } = reports as unknown as { deps: { summaries?: { deps: { regimes?: unknown } }; regimes?: unknown } };
  expect(deps.summaries).toBeDefined();
  // the summary names each symbol's regime from the report's own regime cache (one read, the same label)
  expect(deps.regimes).toBeDefined();
  expect(deps.summaries?.deps.regimes).toBe(deps.regimes);
});
