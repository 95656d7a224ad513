// The ensemble as the executor's entry gate: off by default (nothing read, nothing asked); on, the
// models see the symbol's candles on the signal's timeframe and a vote below K holds the entry back
// with ENSEMBLE_BLOCKED and the ballots; a candle read that fails or hangs asks nobody and blocks.
import { EnsembleGate, timeframeOf } from '../../../../shared/core/advisor/ensemble-gate';
import { EnsembleVote } from '../../../../shared/core/advisor/ensemble';
import type { CandleSource } from '../../../../shared/core/advisor/ports';
import type { Candles } from '../../../../shared/core/backtest/types';
import type { Account, EnsembleSettings } from '../../../../shared/core/domain/account';
import type { StrategySubscription } from '../../../../shared/core/domain/strategy-subscription';
import { ConfigError } from '../../../../shared/core/errors';
import type { Intent, Signal } from '../../../../shared/core/signal/types';
import { ManualClock } from '../fakes';
import { MemoryAudit } from '../memory-repos';
import { accountWithSettings } from '../risk/fixtures';
import { fakeAdvisor, vote, type Script } from './fake-advisor';

const BTC = 'BTC/USDT:USDT';

const rising = (n: number): Candles => {
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i);
  return { time: close.map((_, i) => i), open: close, high: close, low: close, close, volume: close };
};

function gate(scripts: Script[], candles?: Partial<CandleSource>) {
  const audit = new MemoryAudit();
  const advisors = scripts.map((s) => fakeAdvisor(s));
  const reads: { symbol: string; timeframe: string; limit: number }[] = [];
  const source: CandleSource = {
    closedCandles: async (symbol, timeframe, limit) => {
      reads.push({ symbol, timeframe, limit });
      return rising(limit);
    },
    spanMs: () => 3_600_000,
    ...candles,
  };
  const clock = new ManualClock();
  const votes = new EnsembleVote({
    voters: advisors.map((advisor, i) => ({ model: `openai:m${i + 1}`, advisor })),
    audit,
    clock,
    timeoutMs: 1_000,
  });
  return {
    gate: new EnsembleGate({ vote: votes, candles: source, clock, candleTimeoutMs: 30 }),
    advisors,
    reads,
    audit,
  };
}

const signal = (intent: Intent = 'enter_long', strategy?: string): Signal => ({
  v: 1,
  signalId: 's1',
  accountId: 'acc-1',
  intent,
  symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
  receivedAt: 0,
  source: strategy ? 'strategy' : 'webhook',
  ...(strategy ? { strategy } : {}),
});
const withEnsemble = (ensemble?: EnsembleSettings, strategies?: StrategySubscription[]): Account =>
  accountWithSettings({ ...(ensemble ? { ensemble } : {}), ...(strategies ? { strategies } : {}) });

test('off by default, and when switched off: proceed without a read or a question', async () => {
  for (const account of [withEnsemble(), withEnsemble({ enabled: false })]) {
    const { gate: g, advisors, reads, audit } = gate([vote('out'), vote('out'), vote('out')]);
    expect(await g.check(signal(), account)).toEqual({ proceed: true });
    expect(reads).toEqual([]);
    expect(advisors.every((a) => a.asked.length === 0)).toBe(true);
    expect(audit.events).toEqual([]);
  }
});

test('on: the models see the 1h candles by default; 2 of 3 agreeing proceeds', async () => {
  const { gate: g, advisors, reads } = gate([vote('long'), vote('long'), vote('out')]);
  expect(await g.check(signal(), withEnsemble({ enabled: true }))).toEqual({
    proceed: true,
    note: 'ensemble vote: 2 of 3 models agree with long, 2 needed (openai:m1 long, openai:m2 long, openai:m3 out)',
  });
  expect(reads).toEqual([{ symbol: BTC, timeframe: '1h', limit: 100 }]);
  expect(advisors[0]?.asked[0]?.prompt).toContain('on the 1h timeframe (100 closed candles)');
});

test('on: 1 of 3 holds the entry back with ENSEMBLE_BLOCKED, the count, K and every ballot', async () => {
  const { gate: g, audit } = gate([vote('short', 'lower highs'), vote('long'), vote('out')]);
  const answer = await g.check(signal('enter_short'), withEnsemble({ enabled: true, required: 2 }));
  expect(answer).toEqual({
    proceed: false,
    code: 'ENSEMBLE_BLOCKED',
    reason: 'ensemble vote: 1 of 3 models agree with short, 2 needed (openai:m1 short, openai:m2 long, openai:m3 out)',
    details: {
      required: 2,
      agreeing: 1,
      ballots: [
        { model: 'openai:m1', vote: 'short', reason: 'lower highs' },
        { model: 'openai:m2', vote: 'long', reason: 'because long' },
        { model: 'openai:m3', vote: 'out', reason: 'because out' },
      ],
    },
  });
  expect(audit.events.map((e) => e.type)).toEqual(['signal.vote']);
});

test("a strategy's signal is judged on its subscription's timeframe; a webhook's on the account's setting", async () => {
  const sub: StrategySubscription = {
    id: 'x',
    strategy: 'ema-cross',
    symbol: BTC,
    timeframe: '15m',
    params: {},
    enabled: true,
    updatedAt: 0,
  };
  const account = withEnsemble({ enabled: true, timeframe: '4h' }, [sub]);
  expect(timeframeOf(signal('enter_long', 'ema-cross'), account)).toBe('15m');
  expect(timeframeOf(signal('enter_long'), account)).toBe('4h');
  expect(() => timeframeOf(signal(), withEnsemble({ enabled: true, timeframe: '2h' as '1h' }))).toThrow(
    'ensemble.timeframe must be one of 1m, 5m, 15m, 1h, 4h, 1d, got 2h',
  );
});

test('a K the stage cannot meet (3 needed of 2 models) is a ConfigError naming the field and the bound', async () => {
  const { gate: g } = gate([vote('long'), vote('long')]);
  await expect(g.check(signal(), withEnsemble({ enabled: true, required: 3 }))).rejects.toThrow(ConfigError);
  await expect(g.check(signal(), withEnsemble({ enabled: true, required: 3 }))).rejects.toThrow(
    'ensemble.required must be an integer from 1 to 2',
  );
});

test.each([
  ['fails', { closedCandles: () => Promise.reject(new Error('exchange down')) }, 'could not be read (exchange down)'],
  ['never answers', { closedCandles: () => new Promise<Candles>(() => undefined) }, 'did not come within 30 ms'],
])('a candle read that %s: nobody is asked, the entry is held back and the vote says why', async (_, candles, why) => {
  const { gate: g, advisors, audit } = gate([vote('long'), vote('long'), vote('long')], candles);
  const answer = await g.check(signal(), withEnsemble({ enabled: true }));
  expect(answer).toMatchObject({ proceed: false, code: 'ENSEMBLE_BLOCKED' });
  expect(advisors.every((a) => a.asked.length === 0)).toBe(true);
  const ballots = (audit.events[0]?.data as { ballots: { reason: string }[] }).ballots;
  expect(ballots[0]?.reason).toContain(why);
});
