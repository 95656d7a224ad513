// qualityScore: each part's score from its figure (arithmetic stated beside each case), the
// weighted mean over the parts that have data (never a 0 for a part without), the cap below 30
// trades, and each warning firing just past its threshold and not at it.
import {
  FEW_TRADES_SCORE_CAP,
  qualityScore,
  type QualityBacktestFigures,
  type QualityComponent,
  type QualityInput,
  type QualityLiveFigures,
  type QualityWalkForwardFigures,
} from '../../../../shared/core/reporting/quality-score';

const backtest = (over: Partial<QualityBacktestFigures> = {}): QualityBacktestFigures => ({
  trades: 50,
  sharpe: 1,
  maxDrawdownPct: 10,
  ...over,
});
const walkForward = (over: Partial<QualityWalkForwardFigures> = {}): QualityWalkForwardFigures => ({
  windows: 3,
  inSampleReturnPct: 40,
  outOfSampleReturnPct: 30,
  ...over,
});
/** an account that traded as the backtest did: every gap 0 */
const live = (over: Partial<QualityLiveFigures> = {}): QualityLiveFigures => ({
  accountTrades: 10,
  backtestTrades: 10,
  accountReturnPct: 4,
  backtestReturnPct: 4,
  accountWinRatePct: 50,
  backtestWinRatePct: 50,
  pairs: 10,
  avgEntrySlippageBps: 0,
  avgExitSlippageBps: 0,
  ...over,
});

const part = (input: QualityInput, name: QualityComponent['name']) =>
  qualityScore(input).components.find((c) => c.name === name)!;
const warningsOf = (input: QualityInput) => qualityScore(input).warnings;

describe('qualityScore: the parts', () => {
  it('scores the trade count against 100 trades and warns below 30', () => {
    // 12 / 100 × 100 = 12
    expect(part({ backtest: backtest({ trades: 12 }) }, 'trades')).toMatchObject({ score: 12, raw: 12, threshold: 30 });
    expect(warningsOf({ backtest: backtest({ trades: 12 }) })).toContain(
      'only 12 trades: too few to judge (want ≥ 30)',
    );
    // boundary: 29 warns, 30 does not; 150 trades is capped at 100
    expect(warningsOf({ backtest: backtest({ trades: 29 }) })).toContain(
      'only 29 trades: too few to judge (want ≥ 30)',
    );
    expect(warningsOf({ backtest: backtest({ trades: 30 }) }).some((w) => w.includes('too few'))).toBe(false);
    expect(part({ backtest: backtest({ trades: 150 }) }, 'trades').score).toBe(100);
    expect(warningsOf({ backtest: backtest({ trades: 1 }) })).toContain('only 1 trade: too few to judge (want ≥ 30)');
  });

  it('with no trade at all says so, and Sharpe and drawdown have nothing to rest on', () => {
    const q = qualityScore({ backtest: backtest({ trades: 0, sharpe: 0, maxDrawdownPct: 0 }) });
    expect(q.warnings).toEqual(['no trades in the backtest: nothing to judge the strategy on']);
    expect(q.components.find((c) => c.name === 'trades')!.score).toBe(0);
    expect(q.components.find((c) => c.name === 'sharpe')).toMatchObject({
      score: null,
      reason: 'the backtest made no trade',
    });
    expect(q.components.find((c) => c.name === 'drawdown')!.score).toBeNull();
  });

  it('scores Sharpe linearly from 0 (score 0) to 2 (score 100) and warns below 0.5', () => {
    // 0.8 / 2 × 100 = 40
    expect(part({ backtest: backtest({ sharpe: 0.8 }) }, 'sharpe')).toMatchObject({ score: 40, raw: 0.8 });
    expect(part({ backtest: backtest({ sharpe: 3 }) }, 'sharpe').score).toBe(100);
    expect(part({ backtest: backtest({ sharpe: -1 }) }, 'sharpe').score).toBe(0);
    expect(warningsOf({ backtest: backtest({ sharpe: 0.49 }) })).toContain(
      'backtest Sharpe 0.49 is below 0.5: its returns barely pay for their swings',
    );
    expect(warningsOf({ backtest: backtest({ sharpe: -0.3 }) })).toContain(
      'backtest Sharpe -0.3 is below 0.5: the strategy lost money over the window',
    );
    expect(warningsOf({ backtest: backtest({ sharpe: 0.5 }) })).toEqual([]);
  });

  it('scores the drawdown 100 at 0 % and 0 at 50 %, and warns past 25 %', () => {
    // (1 − 10 / 50) × 100 = 80
    expect(part({ backtest: backtest({ maxDrawdownPct: 10 }) }, 'drawdown')).toMatchObject({ score: 80, raw: 10 });
    expect(part({ backtest: backtest({ maxDrawdownPct: 60 }) }, 'drawdown').score).toBe(0);
    expect(warningsOf({ backtest: backtest({ maxDrawdownPct: 25 }) })).toEqual([]);
    expect(warningsOf({ backtest: backtest({ maxDrawdownPct: 25.1 }) })).toEqual([
      'the backtest fell 25.1 % from a peak: deeper than 25 %',
    ]);
  });

  it('scores the out-of-sample degradation as 100 minus the percent lost, and warns past 50 %', () => {
    // (40 − 30) / 40 × 100 = 25 % lost → 75
    expect(part({ walkForward: walkForward() }, 'degradation')).toMatchObject({ score: 75, raw: 25 });
    // (40 − 12) / 40 × 100 = 70 % lost → 30, the example
    const seventy = { walkForward: walkForward({ outOfSampleReturnPct: 12 }) };
    expect(part(seventy, 'degradation')).toMatchObject({ score: 30 });
    expect(part(seventy, 'degradation').raw).toBeCloseTo(70, 10);
    expect(warningsOf(seventy)).toEqual(['out-of-sample return is 70 % below in-sample: likely over-fitted']);
    // boundary: exactly 50 % lost ((40 − 20) / 40) is not warned; 50.25 % ((40 − 19.9) / 40) is
    expect(warningsOf({ walkForward: walkForward({ outOfSampleReturnPct: 20 }) })).toEqual([]);
    expect(warningsOf({ walkForward: walkForward({ outOfSampleReturnPct: 19.9 }) })).toEqual([
      'out-of-sample return is 50 % below in-sample: likely over-fitted',
    ]);
    // a loss out of sample: (40 − (−20)) / 40 = 150 % lost → 0
    const loss = { walkForward: walkForward({ outOfSampleReturnPct: -20 }) };
    expect(part(loss, 'degradation').score).toBe(0);
    expect(warningsOf(loss)).toEqual([
      'out-of-sample return is 150 % below in-sample (it made a loss out of sample): likely over-fitted',
    ]);
    // better out of sample than in: nothing lost, full marks
    expect(part({ walkForward: walkForward({ outOfSampleReturnPct: 60 }) }, 'degradation').score).toBe(100);
  });

  it('has no degradation to judge without a window; scores 0 when even in-sample made nothing', () => {
    expect(part({ walkForward: walkForward({ windows: 0 }) }, 'degradation').score).toBeNull();
    expect(part({}, 'degradation').reason).toBe('no walk-forward window fits in the window');
    // in-sample 0: a result (no edge to keep), not a missing figure
    const flat = { walkForward: walkForward({ inSampleReturnPct: 0, outOfSampleReturnPct: 5 }) };
    expect(part(flat, 'degradation')).toMatchObject({ score: 0, raw: null });
    expect(warningsOf(flat)).toEqual([
      "the walk-forward's best parameters made no in-sample return (0 % a year): no edge to keep out of sample",
    ]);
    // just above 0 it is a degradation again: (0.01 − 0.01) / 0.01 = 0 % lost → 100
    expect(
      part({ walkForward: walkForward({ inSampleReturnPct: 0.01, outOfSampleReturnPct: 0.01 }) }, 'degradation').score,
    ).toBe(100);
  });

  it('scores each live gap 100 at 0, 50 at its threshold and 0 at twice it', () => {
    // return: |6.5 − 4| = 2.5 pp; 1 − 2.5 / (2 × 5) = 0.75 → 75
    expect(part({ live: live({ accountReturnPct: 6.5 }) }, 'liveReturn')).toMatchObject({ score: 75, raw: 2.5 });
    // trades: |12 − 16| / 16 = 25 %, at the threshold → 50
    expect(part({ live: live({ accountTrades: 12, backtestTrades: 16 }) }, 'liveTrades')).toMatchObject({
      score: 50,
      raw: 25,
    });
    // win rate: |20 − 50| = 30 pp, twice 15 → 0
    expect(part({ live: live({ accountWinRatePct: 20 }) }, 'liveWinRate')).toMatchObject({ score: 0, raw: 30 });
    // slippage: 3 + 2 = 5 bps per round trip; 1 − 5 / 20 = 0.75 → 75
    expect(part({ live: live({ avgEntrySlippageBps: 3, avgExitSlippageBps: 2 }) }, 'liveSlippage')).toMatchObject({
      score: 75,
      raw: 5,
    });
    // filling better than the backtest (−4 bps) is no penalty
    expect(part({ live: live({ avgEntrySlippageBps: -4 }) }, 'liveSlippage').score).toBe(100);
  });

  it('warns of each live divergence just past its threshold, not at it', () => {
    expect(warningsOf({ live: live({ accountReturnPct: 9 }) })).toEqual([]); // |9 − 4| = 5
    expect(warningsOf({ live: live({ accountReturnPct: 9.1 }) })).toEqual([
      'live trades diverge from the backtest by 5.1 points of return (account 9.1 %, backtest 4 %; want within 5)',
    ]);
    expect(warningsOf({ live: live({ accountTrades: 15, backtestTrades: 20 }) })).toEqual([]); // 5 / 20 = 25 %
    expect(warningsOf({ live: live({ accountTrades: 14, backtestTrades: 20 }) })).toEqual([
      'the account closed 14 trades where the backtest closed 20: 30 % apart (want within 25 %)',
    ]);
    expect(warningsOf({ live: live({ accountWinRatePct: 65 }) })).toEqual([]); // 15 pp
    expect(warningsOf({ live: live({ accountWinRatePct: 66 }) })).toEqual([
      "live win rate 66 % against the backtest's 50 %: 16 points apart (want within 15)",
    ]);
    expect(warningsOf({ live: live({ avgEntrySlippageBps: 6, avgExitSlippageBps: 4 }) })).toEqual([]); // 10 bps
    expect(warningsOf({ live: live({ avgEntrySlippageBps: 6, avgExitSlippageBps: 4.5 }) })).toEqual([
      "the account filled 10.5 bps worse than the backtest per round trip (want ≤ 10): the backtest's costs are too low",
    ]);
  });

  it('leaves the live parts out until the account has 5 closed trades, and slippage until a pair', () => {
    for (const accountTrades of [0, 4]) {
      const q = qualityScore({ live: live({ accountTrades, accountReturnPct: 50 }) });
      const liveParts = q.components.filter((c) => c.name.startsWith('live'));
      expect(liveParts.map((c) => c.score)).toEqual([null, null, null, null]);
      expect(q.warnings).toEqual([]);
      expect(liveParts[0]!.reason).toBe(
        accountTrades === 0
          ? 'no closed trade of the account in the window yet'
          : 'only 4 closed trades of the account in the window (want ≥ 5)',
      );
    }
    expect(part({ live: live({ accountTrades: 5, backtestTrades: 5 }) }, 'liveReturn').score).toBe(100);
    expect(part({ live: live({ pairs: 0 }) }, 'liveSlippage')).toMatchObject({
      score: null,
      reason: 'no account trade paired with a backtest trade',
    });
  });
});

describe('qualityScore: the score', () => {
  it('is the weighted mean of every part when all have data', () => {
    const q = qualityScore({
      backtest: backtest({ trades: 50, sharpe: 1, maxDrawdownPct: 10 }),
      walkForward: walkForward(),
      live: live({ accountReturnPct: 6.5, avgEntrySlippageBps: 3, avgExitSlippageBps: 2 }),
    });
    // trades 50 × 20 + Sharpe 50 × 20 + drawdown 80 × 10 + degradation 75 × 20
    //   + live return 75 × 10 + trades 100 × 8 + win rate 100 × 6 + slippage 75 × 6
    // = 1000 + 1000 + 800 + 1500 + 750 + 800 + 600 + 450 = 6900, / 100 = 69
    expect(q.score).toBe(69);
    expect(q.components.map((c) => c.weight).reduce((a, b) => a + b, 0)).toBe(100);
    expect(q.basedOn).toBe(
      'based on trade count, Sharpe, max drawdown, out-of-sample degradation, live return vs backtest, live trade count vs backtest, live win rate vs backtest, live slippage per trade (weight 100 of 100)',
    );
    expect(q.warnings).toEqual([]);
  });

  it('without live trades is the mean of the other parts, and says what it rests on', () => {
    const q = qualityScore({ backtest: backtest(), walkForward: walkForward(), live: live({ accountTrades: 0 }) });
    // (50 × 20 + 50 × 20 + 80 × 10 + 75 × 20) / (20 + 20 + 10 + 20) = 4300 / 70 = 61.43 → 61.4
    expect(q.score).toBe(61.4);
    expect(q.basedOn).toBe(
      'based on trade count, Sharpe, max drawdown, out-of-sample degradation (weight 70 of 100); not enough data: live return vs backtest, live trade count vs backtest, live win rate vs backtest, live slippage per trade',
    );
  });

  it('is capped at 50 below 30 trades, whatever the rest says', () => {
    const input = {
      backtest: backtest({ trades: 29, sharpe: 4, maxDrawdownPct: 0 }),
      walkForward: walkForward({ outOfSampleReturnPct: 40 }),
    };
    // (29 × 20 + 100 × 20 + 100 × 10 + 100 × 20) / 70 = 5580 / 70 = 79.7 → capped
    const q = qualityScore(input);
    expect(q.score).toBe(FEW_TRADES_SCORE_CAP);
    expect(q.basedOn).toMatch(/; capped at 50 below 30 trades$/);
    // at 30 trades no cap: (30 × 20 + 100 × 20 + 100 × 10 + 100 × 20) / 70 = 5600 / 70 = 80
    expect(qualityScore({ ...input, backtest: backtest({ trades: 30, sharpe: 4, maxDrawdownPct: 0 }) }).score).toBe(80);
  });

  it('is capped at 25 when the backtest lost money (Sharpe ≤ 0), the lower cap winning', () => {
    const input = {
      backtest: backtest({ trades: 100, sharpe: 0, maxDrawdownPct: 0 }),
      walkForward: walkForward({ outOfSampleReturnPct: 40 }),
    };
    // (100 × 20 + 0 × 20 + 100 × 10 + 100 × 20) / 70 = 5000 / 70 = 71.4 → capped
    const q = qualityScore(input);
    expect(q.score).toBe(25);
    expect(q.basedOn).toMatch(/; capped at 25: the backtest lost money$/);
    // Sharpe 0.01: 0.01 / 2 × 100 = 0.5; (5000 + 0.5 × 20) / 70 = 5010 / 70 = 71.57 → 71.6, no cap
    expect(qualityScore({ ...input, backtest: backtest({ trades: 100, sharpe: 0.01, maxDrawdownPct: 0 }) }).score).toBe(
      71.6,
    );
    // below 30 trades and losing: both caps apply, 25 is the lower
    const both = qualityScore({ ...input, backtest: backtest({ trades: 29, sharpe: -1, maxDrawdownPct: 0 }) });
    expect(both.score).toBe(25);
    expect(both.basedOn).toMatch(/; capped at 25: the backtest lost money$/);
  });

  it('is null with no data at all, not 0', () => {
    const q = qualityScore({});
    expect(q.score).toBeNull();
    expect(q.basedOn).toBe('no score: not enough data for any part');
    expect(q.components.every((c) => c.score === null && c.reason)).toBe(true);
  });

  it('leaves out a figure that is not finite rather than scoring NaN', () => {
    const q = qualityScore({
      backtest: backtest({ sharpe: Number.NaN }),
      walkForward: walkForward({ outOfSampleReturnPct: Number.POSITIVE_INFINITY }),
      live: live({ accountReturnPct: Number.NaN }),
    });
    expect(q.components.find((c) => c.name === 'sharpe')!.score).toBeNull();
    expect(q.components.find((c) => c.name === 'degradation')!.score).toBeNull();
    expect(q.components.find((c) => c.name === 'liveReturn')!.score).toBeNull();
    expect(Number.isFinite(q.score)).toBe(true);
  });
});
