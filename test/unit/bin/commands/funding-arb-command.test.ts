// `backtest funding-arb` inside the real `backtest` command: backtest's own --funding, --cash, --json
// and --trades (which commander hands to the parent) reach the subcommand, backtest's required
// --strategy is not demanded of it, and the report printed is the core's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCandlesText, parseFundingSeries } from '../../../../shared/core/backtest/candle-parsers';
import { FUNDING_ARB_DEFAULTS, runFundingArbBacktest } from '../../../../shared/core/funding/funding-arb-backtest';
import type { TwoPerpReport } from '../../../../shared/core/funding/two-perp-backtest';
import { FUNDING, FUNDING_CANDLES, FUNDING_DIR, runCli } from './run-cli';

const CANDLES = FUNDING_CANDLES;
// SYNTHETIC (test/fixtures/funding/README.md): the shipped data hold one exchange's funding only.
const HEDGE = join(FUNDING_DIR, 'SYNTHETIC_XRP_hedge-4h-funding_rate.json');
const run = (args: string[]) => runCli(args);

describe('backtest funding-arb', () => {
  it('--json prints the report of the core run, with --cash and the fees as given', async () => {
    const { out, exitCode } = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      CANDLES,
      '--mode',
      'always-in',
      '--cash',
      '20000',
      '--fee-bps',
      '4',
      '--json',
    ]);
    expect(exitCode).toBeUndefined();
    const expected = runFundingArbBacktest(
      parseCandlesText(readFileSync(CANDLES, 'utf8')),
      parseFundingSeries(JSON.parse(readFileSync(FUNDING, 'utf8'))),
      { ...FUNDING_ARB_DEFAULTS, mode: 'always-in', initialCapital: '20000', perpFeeBps: '4' },
    );
    const printed = JSON.parse(out) as Record<string, unknown>;
    expect(printed).toMatchObject({
      totalFunding: expected.totalFunding,
      totalFees: expected.totalFees,
      netPnl: expected.netPnl,
      roundTrips: 1,
    });
    expect(printed.finalEquity).toBe(expected.finalEquity);
    expect(printed).not.toHaveProperty('equity');
  }, 30_000);

  it('text report names funding, fees, net P&L, time in market, round trips and drawdown', async () => {
    const { out } = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      CANDLES,
      '--mode',
      'always-in',
    ]);
    for (const label of ['total funding', 'fees', 'net P&L', 'time in market', 'round trips     1', 'max drawdown']) {
      expect(out).toContain(label);
    }
  }, 30_000);

  it('without --funding: one line naming it, exit 2', async () => {
    const { err, exitCode } = await run(['backtest', 'funding-arb', '--candles', CANDLES]);
    expect(exitCode).toBe(2);
    expect(err).toBe("error: required option '--funding <file>' not specified");
  }, 30_000);

  it('--hedge-funding runs the two-perpetual variant: the XRP series against a synthetic 4 h hedge, recomputed from the raw rows', async () => {
    const { out, exitCode } = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      CANDLES,
      '--hedge-funding',
      HEDGE,
      '--hedge-funding-interval',
      '4h',
      '--trades',
      '--json',
    ]);
    expect(exitCode).toBeUndefined();
    const r = JSON.parse(out) as TwoPerpReport;
    expect(r.variant).toBe('two-perp');
    const rawCandles = JSON.parse(readFileSync(CANDLES, 'utf8')) as number[][];
    const rawA = JSON.parse(readFileSync(FUNDING, 'utf8')) as number[][];
    const rawB = JSON.parse(readFileSync(HEDGE, 'utf8')) as number[][];
    const HOUR = 3_600_000;
    // Entry at the first settlement where both projections have 3 rates and the spread beats the cost
    // 2 × (5 + 5) + 4 × 2 = 28 bps. Projections: mean of the last 3 settled rates × (3 d / own interval).
    const projected = (rows: number[][], t: number, perHorizon: number) => {
      const settled = rows.filter((row) => row[0]! <= t).slice(-3);
      return ((settled[0]![1]! + settled[1]![1]! + settled[2]![1]!) / 3) * perHorizon * 10_000;
    };
    const entry = r.decisions.find((d) => d.action === 'enter')!;
    expect(Number(entry.perpBps)).toBeCloseTo(projected(rawA, entry.time, 9), 9);
    expect(Number(entry.hedgeBps)).toBeCloseTo(projected(rawB, entry.time, 18), 9);
    expect(projected(rawA, entry.time, 9) - projected(rawB, entry.time, 18)).toBeGreaterThan(28);
    // the first decision waits for the third rate of the first series (its first full lookback)
    expect(r.decisions[0]).toEqual(entry);
    expect(entry.time).toBe(rawA[2]![0]);
    // The hedge leg (long, priced on the perpetual's candles: no hedge candles given) at each of its
    // settlements while held: −amount × the open of the candle holding it × rate.
    const [t] = r.trades;
    expect(t).toMatchObject({ side: 'short-perp', exitReason: 'end of data' });
    let hedgeFunding = 0;
    let settlements = 0;
    for (const [time, rate] of rawB) {
      if (time! < t!.entryTime || time! >= t!.exitTime) continue;
      const candle = rawCandles.find((c) => c[0]! <= time! && time! < c[0]! + HOUR)!;
      hedgeFunding += -Number(t!.amount) * candle[1]! * rate!;
      settlements++;
    }
    expect(t!.hedgeSettlements).toBe(settlements);
    expect(Number(t!.hedgeFunding)).toBeCloseTo(hedgeFunding, 9);
    expect(Number(r.totalFunding)).toBeCloseTo(Number(r.perpFunding) + Number(r.hedgeFunding), 12);

    const text = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      CANDLES,
      '--hedge-funding',
      HEDGE,
    ]);
    expect(text.out).toMatch(/^funding arbitrage \(decision\), two perpetuals \(first vs hedge\)/);
    expect(text.out).toContain('settlements every 8h/8h');
  }, 30_000);

  it('hedge options without --hedge-funding, or spot candles with it: one line naming the option, exit 2', async () => {
    const lone = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      CANDLES,
      '--hedge-candles',
      CANDLES,
    ]);
    expect(lone.exitCode).toBe(2);
    expect(lone.err).toContain('--hedge-candles: needs --hedge-funding');
    const mixed = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      CANDLES,
      '--hedge-funding',
      HEDGE,
      '--spot-candles',
      CANDLES,
    ]);
    expect(mixed.exitCode).toBe(2);
    expect(mixed.err).toContain('--spot-candles: not with --hedge-funding');
  }, 30_000);
});
