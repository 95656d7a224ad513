// The ensemble filter on the stand-ins: webhook → SQS FIFO (fauxqs) → executor → dynalite, composed
// by shared/runtime (buildExecuteSignal with ENSEMBLE_MODELS), the indicator context from the real
// ReplayCandleSource over the replay the paper exchange fills from, and three fake models behind
// a small Advisor (the providers are the model lane's; what is proven here is the vote and where
// it sits). 2 of 3 passes, 1 of 3 blocks (rejected with the votes, nothing traded), a model that
// does not answer abstains, and a close never waits for a vote.
import { StaticMarketCatalog } from '../../shared/adapters/paper/markets';
import { ReplayPriceSource } from '../../shared/adapters/prices/replay-price-source';
import type { AuditEventOf } from '../../shared/core/domain/audit';
import { loadEnv } from '../../shared/platform/config';
import { ensembleEnvSchema } from '../../shared/platform/ensemble-config';
import { fakeAdvisor, vote, type Script } from '../unit/core/advisor/fake-advisor';
import { createHarness, type Harness } from './harness';

// Webhook round trips through the stand-ins, each with a vote of up to TIMEOUT_MS, on a shared machine.
jest.setTimeout(60_000);

const TIMEOUT_MS = 400;
const clock = { now: () => Date.now() };
const replay = new ReplayPriceSource({ msPerCandle: 5_000, clock, markets: new StaticMarketCatalog() });
/** what each model answers next: set by each test */
const scripts: Record<string, Script> = {};
let h: Harness;

beforeAll(async () => {
  h = await createHarness({
    paperPrices: replay,
    executorEnv: { RISK_CANDLE_SOURCE: 'replay' },
    executorOptions: {
      ensemble: loadEnv(ensembleEnvSchema, {
        ENSEMBLE_MODELS: 'openai:a,openai:b,bedrock:c',
        ENSEMBLE_TIMEOUT_MS: String(TIMEOUT_MS),
      }),
      // Each question goes to the script of its model at the time it is asked.
      advisorFor: (spec) => ({ ask: (q) => fakeAdvisor(scripts[spec.id] ?? 'hang', spec.model).ask(q) }),
    },
  });
});

const ensembleOn = { ensemble: { enabled: true, required: 2 } };
const votesOf = async (accountId: string) =>
  (await h.runtime.repos.audit.listByAccount(accountId, 100)).filter(
    (e): e is AuditEventOf<'signal.vote'> => e.type === 'signal.vote',
  );
const signalOf = async (accountId: string, signalId: string) => h.runtime.repos.signals.getSignal(accountId, signalId);

async function post(token: string, accountId: string, action: string, id: string): Promise<string> {
  const posted = await h.post({ token, account: accountId, action, symbol: 'BTCUSDT', id, sl: '2%' });
  expect(posted.statusCode).toBe(202);
  await h.drain();
  return posted.body['signalId'] as string;
}

it('2 of 3 agreeing: the entry is filled with its stop; one vote in the audit; the outcome says how it was voted', async () => {
  Object.assign(scripts, { 'openai:a': vote('long'), 'openai:b': vote('short'), 'bedrock:c': vote('long') });
  const { accountId, token } = await h.createAccount(10_000, ensembleOn);
  const signalId = await post(token, accountId, 'long', 'e-1');
  const position = await h.runtime.repos.positions.get(accountId, 'BTC/USDT:USDT');
  expect(position?.side).toBe('long');
  expect(position?.stopLoss).toBeDefined();
  const votes = await votesOf(accountId);
  expect(votes).toHaveLength(1);
  expect(votes[0]).toMatchObject({ signalId, data: { decision: 'proceed', agreeing: 2, required: 2 } });
  const record = await signalOf(accountId, signalId);
  expect(record?.status).toBe('executed');
  expect(record?.outcome).toContain('ensemble vote: 2 of 3 models agree with long, 2 needed');
});

it('1 of 3: rejected ENSEMBLE_BLOCKED with the votes, nothing on the exchange or the book', async () => {
  Object.assign(scripts, { 'openai:a': vote('long'), 'openai:b': vote('out'), 'bedrock:c': vote('short') });
  const { accountId, token } = await h.createAccount(10_000, ensembleOn);
  const signalId = await post(token, accountId, 'long', 'e-2');
  expect(await h.runtime.repos.positions.get(accountId, 'BTC/USDT:USDT')).toBeUndefined();
  const record = await signalOf(accountId, signalId);
  expect(record?.status).toBe('rejected');
  expect(record?.outcome).toContain('ENSEMBLE_BLOCKED: ensemble vote: 1 of 3 models agree with long, 2 needed');
  const events = await h.runtime.repos.audit.listByAccount(accountId, 100);
  const rejected = events.find((e) => e.type === 'signal.rejected');
  expect(rejected?.data).toMatchObject({ code: 'ENSEMBLE_BLOCKED', agreeing: 1, required: 2 });
  expect(events.some((e) => e.type === 'order.sent' || e.type === 'order.filled')).toBe(false);
  expect((await votesOf(accountId))[0]?.data.ballots.map((b) => b.vote)).toEqual(['long', 'out', 'short']);
});

it('a model that does not answer abstains within the timeout: 2 others agreeing still pass, 1 does not', async () => {
  Object.assign(scripts, { 'openai:a': vote('long'), 'openai:b': 'hang', 'bedrock:c': vote('long') });
  const { accountId, token } = await h.createAccount(10_000, ensembleOn);
  await post(token, accountId, 'long', 'e-3');
  expect((await h.runtime.repos.positions.get(accountId, 'BTC/USDT:USDT'))?.side).toBe('long');
  const [passed] = await votesOf(accountId);
  expect(passed?.data.ballots[1]).toEqual({
    model: 'openai:b',
    vote: 'abstain',
    reason: `timeout: no answer within ${TIMEOUT_MS} ms`,
  });

  Object.assign(scripts, { 'openai:a': vote('short'), 'openai:b': 'hang', 'bedrock:c': vote('out') });
  const other = await h.createAccount(10_000, ensembleOn);
  const blocked = await post(other.token, other.accountId, 'short', 'e-4');
  expect((await signalOf(other.accountId, blocked))?.status).toBe('rejected');
});

it('a close never waits for a vote: with every model silent the position is closed and nobody was asked', async () => {
  Object.assign(scripts, { 'openai:a': vote('long'), 'openai:b': vote('long'), 'bedrock:c': vote('long') });
  const { accountId, token } = await h.createAccount(10_000, ensembleOn);
  await post(token, accountId, 'long', 'c-1');
  expect((await h.runtime.repos.positions.get(accountId, 'BTC/USDT:USDT'))?.side).toBe('long');
  Object.assign(scripts, { 'openai:a': 'hang', 'openai:b': 'hang', 'bedrock:c': 'hang' });
  const closed = await post(token, accountId, 'close_long', 'c-2');
  expect((await signalOf(accountId, closed))?.status).toBe('executed');
  expect(await h.runtime.repos.positions.get(accountId, 'BTC/USDT:USDT')).toMatchObject({ quantity: '0' });
  expect(await votesOf(accountId)).toHaveLength(1); // the entry's only
});

it('the switch off (the default): nothing is asked and the entry trades as without the ensemble', async () => {
  Object.assign(scripts, { 'openai:a': vote('out'), 'openai:b': vote('out'), 'bedrock:c': vote('out') });
  const { accountId, token } = await h.createAccount(10_000);
  await post(token, accountId, 'long', 'o-1');
  expect((await h.runtime.repos.positions.get(accountId, 'BTC/USDT:USDT'))?.side).toBe('long');
  expect(await votesOf(accountId)).toEqual([]);
});
