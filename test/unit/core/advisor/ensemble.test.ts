// The ensemble vote: N models asked at once, K agreeing with the entry's side needed; a refusal, an
// answer out of shape or a model that does not answer in time abstains; K outside 1..N refused;
// one 'signal.vote' audit event per vote, with every ballot.
import {
  ensembleRequired,
  EnsembleVote,
  indicatorContext,
  votePrompt,
  type IndicatorContext,
  type Voter,
} from '../../../../shared/core/advisor/ensemble';
import type { Candles } from '../../../../shared/core/backtest/types';
import type { AuditEventOf } from '../../../../shared/core/domain/audit';
import { ConfigError } from '../../../../shared/core/errors';
import { ManualClock } from '../fakes';
import { MemoryAudit } from '../memory-repos';
import { fakeAdvisor, vote, type FakeAdvisor, type Script } from './fake-advisor';

const context: IndicatorContext = {
  timeframe: '1h',
  candles: 100,
  close: 50_000,
  sma20: 49_500,
  rsi14: 61.2,
  recentCloses: [49_800, 50_000],
};

function ensemble(scripts: Script[], timeoutMs = 1_000) {
  const audit = new MemoryAudit();
  const advisors: FakeAdvisor[] = scripts.map((s, i) => fakeAdvisor(s, `m${i + 1}`));
  const voters: Voter[] = advisors.map((advisor, i) => ({ model: `openai:m${i + 1}`, advisor }));
  const clock = new ManualClock();
  const votes = new EnsembleVote({ voters, audit, clock, timeoutMs, graceMs: 20 });
  const decide = (intent: 'enter_long' | 'enter_short' = 'enter_long', required = 2) =>
    votes.decide({ accountId: 'acc-1', signalId: 's1', symbol: 'BTC/USDT:USDT', intent, required, context });
  const voteEvents = () => audit.events.filter((e): e is AuditEventOf<'signal.vote'> => e.type === 'signal.vote');
  return { decide, advisors, voteEvents, audit };
}

test('2 of 3 agreeing with the long proceeds; the one audit event keeps every ballot and its reason', async () => {
  const { decide, voteEvents } = ensemble([vote('long', 'trend up'), vote('short'), vote('long', 'RSI rising')]);
  const outcome = await decide('enter_long');
  expect(outcome).toMatchObject({ decision: 'proceed', required: 2, agreeing: 2 });
  expect(voteEvents()).toHaveLength(1);
  expect(voteEvents()[0]).toMatchObject({
    accountId: 'acc-1',
    signalId: 's1',
    data: {
      symbol: 'BTC/USDT:USDT',
      intent: 'enter_long',
      decision: 'proceed',
      required: 2,
      agreeing: 2,
      ballots: [
        { model: 'openai:m1', vote: 'long', reason: 'trend up' },
        { model: 'openai:m2', vote: 'short', reason: 'because short' },
        { model: 'openai:m3', vote: 'long', reason: 'RSI rising' },
      ],
    },
  });
});

test('1 of 3 blocks; agreement is with the signal side, so the same ballots let a short through', async () => {
  const scripts = [vote('long'), vote('out'), vote('short')];
  expect(await ensemble(scripts).decide('enter_long')).toMatchObject({ decision: 'block', agreeing: 1 });
  const shorts = ensemble([vote('short'), vote('out'), vote('short')]);
  expect(await shorts.decide('enter_short')).toMatchObject({ decision: 'proceed', agreeing: 2 });
  expect(shorts.voteEvents()[0]?.message).toBe('ensemble: 2 of 3 models agree with short (2 needed): proceed');
});

test('a model that does not answer in time abstains, and the vote answers anyway (2 of 3 needed, 1 agrees: block)', async () => {
  const { decide, advisors, voteEvents } = ensemble([vote('long'), 'hang', vote('out')], 30);
  const outcome = await decide('enter_long');
  expect(outcome.decision).toBe('block');
  expect(outcome.ballots[1]).toEqual({
    model: 'openai:m2',
    vote: 'abstain',
    reason: 'timeout: no answer within 30 ms',
  });
  // The model was told its time: the advisor abandons the provider call after it.
  expect(advisors[1]?.asked[0]?.timeoutMs).toBe(30);
  expect(voteEvents()).toHaveLength(1);
  // An answer that comes after the vote changes nothing.
  advisors[1]?.release(vote('long'));
  await Promise.resolve();
  expect(voteEvents()).toHaveLength(1);
});

test("an advisor's refusal (timeout, budget spent) and an answer out of shape abstain; abstentions never agree", async () => {
  const { decide } = ensemble([{ refuse: 'timeout' }, { refuse: 'budget-spent' }, vote('maybe')]);
  const outcome = await decide('enter_long', 1);
  expect(outcome).toMatchObject({ decision: 'block', agreeing: 0, required: 1 });
  expect(outcome.ballots.map((b) => b.vote)).toEqual(['abstain', 'abstain', 'abstain']);
  expect(outcome.ballots[0]?.reason).toBe('timeout: the model timeout');
  expect(outcome.ballots[2]?.reason).toBe('invalid-answer: vote');
});

test('the models are asked in parallel: all three have the question before any has answered', async () => {
  const { decide, advisors } = ensemble(['hang', 'hang', 'hang'], 5_000);
  const pending = decide('enter_long');
  await Promise.resolve();
  expect(advisors.map((a) => a.asked.length)).toEqual([1, 1, 1]);
  advisors.forEach((a) => a.release(vote('long')));
  expect(await pending).toMatchObject({ decision: 'proceed', agreeing: 3 });
  const question = advisors[0]?.asked[0];
  expect(question).toMatchObject({ accountId: 'acc-1', purpose: 'ensemble-vote', schemaName: 'ensemble_vote' });
  expect(question?.prompt).toContain('open a long position on BTC/USDT:USDT');
  expect(question?.prompt).toContain('RSI(14) 61.2');
});

test('K above N, or not a whole number from 1, is refused naming the field and the bound; no model is asked', async () => {
  expect(() => ensembleRequired(4, 3)).toThrow(ConfigError);
  expect(() => ensembleRequired(4, 3)).toThrow(
    'ensemble.required must be an integer from 1 to 3 (the number of models in ENSEMBLE_MODELS), got 4',
  );
  expect(() => ensembleRequired(0, 3)).toThrow('from 1 to 3');
  expect(() => ensembleRequired(1.5, 3)).toThrow('got 1.5');
  expect(ensembleRequired(3, 3)).toBe(3);
  const { decide, advisors, audit } = ensemble([vote('long'), vote('long'), vote('long')]);
  await expect(decide('enter_long', 4)).rejects.toThrow(ConfigError);
  expect(advisors.every((a) => a.asked.length === 0)).toBe(true);
  expect(audit.events).toHaveLength(0);
  expect(() => new EnsembleVote({ voters: [], audit, clock: new ManualClock(), timeoutMs: 1 })).toThrow(
    'ENSEMBLE_MODELS is empty',
  );
});

test('without a market context nobody is asked: every ballot abstains with why, and the entry is held back', async () => {
  const { advisors, voteEvents, audit } = ensemble([vote('long'), vote('long'), vote('long')]);
  const votes = new EnsembleVote({
    voters: advisors.map((advisor, i) => ({ model: `m${i}`, advisor })),
    audit,
    clock: new ManualClock(),
    timeoutMs: 100,
  });
  const outcome = await votes.decide({
    accountId: 'acc-1',
    signalId: 's1',
    symbol: 'BTC/USDT:USDT',
    intent: 'enter_long',
    required: 1,
    context: 'the 1h candles could not be read',
  });
  expect(outcome.decision).toBe('block');
  expect(outcome.ballots[0]).toEqual({
    model: 'm0',
    vote: 'abstain',
    reason: 'not asked: the 1h candles could not be read',
  });
  expect(advisors.every((a) => a.asked.length === 0)).toBe(true);
  expect(voteEvents()).toHaveLength(1);
});

describe('indicatorContext: the figures the models see', () => {
  const series = (n: number, at: (i: number) => number): Candles => {
    const close = Float64Array.from({ length: n }, (_, i) => at(i));
    return {
      time: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
      open: close,
      high: close.map((c) => c + 10),
      low: close.map((c) => c - 10),
      close,
      volume: new Float64Array(n).fill(1),
    };
  };

  test('a steady rise of 10 per candle: SMA(20) is the mean of the last 20 closes, RSI 100, ATR 20, change over 24 candles', () => {
    const ctx = indicatorContext(
      series(100, (i) => 1_000 + 10 * i),
      '4h',
    );
    expect(ctx).toMatchObject({ timeframe: '4h', candles: 100, close: 1_990, sma20: 1_895, rsi14: 100, atr14: 20 });
    expect(ctx?.changePct).toBeCloseTo(((1_990 - 1_750) / 1_750) * 100, 3);
    expect(ctx?.recentCloses).toEqual([1_900, 1_910, 1_920, 1_930, 1_940, 1_950, 1_960, 1_970, 1_980, 1_990]);
  });

  test('few candles: only what is defined is said; none: no context', () => {
    const ctx = indicatorContext(
      series(5, (i) => 100 + i),
      '1h',
    );
    expect(ctx).toEqual({
      timeframe: '1h',
      candles: 5,
      close: 104,
      changePct: 4,
      recentCloses: [100, 101, 102, 103, 104],
    });
    expect(votePrompt('ETH/USDT:USDT', 'short', ctx as IndicatorContext)).not.toContain('SMA');
    expect(
      indicatorContext(
        series(0, () => 0),
        '1h',
      ),
    ).toBeUndefined();
  });
});
