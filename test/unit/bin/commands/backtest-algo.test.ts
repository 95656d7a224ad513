// `backtest --algo twap|adaptive --horizon --interval [--max-slippage-bps] [--participation]` through
// the real command: the run printed is the engine's with that spec, each bad value is one line
// naming the option and the ALGO_BOUNDS bound (exit 2), and `backtest funding-arb --horizon` still
// reaches funding-arb although backtest now has a --horizon of its own.
import { readFileSync } from 'node:fs';
import { runBacktest } from '../../../../shared/core/backtest/engine';
import { parseCandlesText, parseFundingSeries } from '../../../../shared/core/backtest/candle-parsers';
import type { BacktestConfig } from '../../../../shared/core/backtest/types';
import { FUNDING_ARB_DEFAULTS, runFundingArbBacktest } from '../../../../shared/core/funding/funding-arb-backtest';
import { getStrategy, resolveParams } from '../../../../shared/core/strategies/registry';
import { FUNDING, FUNDING_CANDLES, runCli } from './run-cli';

const DATA = 'data/candles/XRPUSDT-1h.json';
const HOUR = 3_600_000;

const run = (args: string[]) => runCli(args);

const BASE = ['backtest', '--data', DATA, '--strategy', 'bb-reversion', '--size', '50%'];

/** The engine's own run of bb-reversion on the same candles with the CLI's defaults and `extra`. */
function engineRun(extra: Partial<BacktestConfig>) {
  const candles = parseCandlesText(readFileSync(DATA, 'utf8'));
  const strategy = getStrategy('bb-reversion');
  const config: BacktestConfig = {
    cash: 10_000,
    takerFee: 0.0004,
    makerFee: 0.0004,
    slippageBps: 2,
    fillOn: 'next_open',
    size: { kind: 'percent', value: 50 },
    leverage: 1,
    lotStep: 0.001,
    maintenanceMarginRate: 0.004,
    longOnly: false,
    ...extra,
  };
  return runBacktest(candles, strategy, resolveParams(strategy, {}), config);
}

describe('backtest --algo', () => {
  it('twap: the JSON is the engine run with that spec (slices on the trades, the summary beside the metrics)', async () => {
    const { out, exitCode } = await run([
      ...BASE,
      '--algo',
      'twap',
      '--horizon',
      '4h',
      '--interval',
      '1h',
      '--json',
      '--trades',
    ]);
    expect(exitCode).toBeUndefined();
    const printed = JSON.parse(out) as Record<string, unknown>;
    const expected = engineRun({ algo: { kind: 'twap', horizonMs: 4 * HOUR, intervalMs: HOUR } });

    expect(printed.config).toMatchObject({ algo: { kind: 'twap', horizonMs: 4 * HOUR, intervalMs: HOUR } });
    expect(printed.slicing).toEqual(expected.slicing);
    expect(printed.trades).toEqual(JSON.parse(JSON.stringify(expected.trades)));
    // the run is sliced: without --algo the same command fills each entry once
    expect(expected.slicing!.sliced).toBeGreaterThan(0);
    expect(printed.metrics).not.toEqual(JSON.parse(JSON.stringify(engineRun({}).metrics)));
  }, 30_000);

  it('adaptive with --max-slippage-bps and --participation reaches the config', async () => {
    const { out, exitCode } = await run([
      ...BASE,
      '--algo',
      'adaptive',
      '--horizon',
      '90m',
      '--interval',
      '30m',
      '--max-slippage-bps',
      '15',
      '--participation',
      '0.01',
      '--json',
    ]);
    expect(exitCode).toBeUndefined();
    const printed = JSON.parse(out) as { config: Record<string, unknown>; slicing: unknown };
    expect(printed.config).toMatchObject({
      algo: { kind: 'adaptive', horizonMs: 90 * 60_000, intervalMs: 30 * 60_000, maxSlippageBps: 15 },
      participationPct: 0.01,
    });
    expect(printed.slicing).toEqual(
      engineRun({
        algo: { kind: 'adaptive', horizonMs: 90 * 60_000, intervalMs: 30 * 60_000, maxSlippageBps: 15 },
        participationPct: 0.01,
      }).slicing,
    );
  }, 30_000);

  it('the text output says how many entries were sliced and their cost against an unsliced fill', async () => {
    const { out } = await run([...BASE, '--algo', 'twap', '--horizon', '4h', '--interval', '1h', '--trades']);
    expect(out).toMatch(/sliced entries 3 \(completed \d+, cancelled by an exit \d+, capped \d+\)/);
    expect(out).toMatch(/twap \d\/4 slices/);
  }, 30_000);

  test.each([
    [
      ['--algo', 'twap', '--horizon', '4h', '--interval', '5s'],
      '--interval "5s": must be ≥ 10s (ALGO_BOUNDS.minIntervalMs)',
    ],
    [
      ['--algo', 'twap', '--horizon', '25h', '--interval', '1h'],
      '--horizon "25h": must be ≤ 24h (ALGO_BOUNDS.maxHorizonMs)',
    ],
    [
      ['--algo', 'twap', '--horizon', '4h', '--interval', '1m'],
      '--horizon 4h over --interval 1m makes 240 slice(s): must make 2 to 100 (ALGO_BOUNDS.minSlices/maxSlices)',
    ],
    [
      ['--algo', 'twap', '--horizon', '1h', '--interval', '1h'],
      '--horizon 1h over --interval 1h makes 1 slice(s): must make 2 to 100 (ALGO_BOUNDS.minSlices/maxSlices)',
    ],
    [
      ['--algo', 'twap', '--horizon', '4h'],
      '--algo twap needs --horizon and --interval (e.g. --horizon 4h --interval 1h)',
    ],
    [['--horizon', '4h', '--interval', '1h'], '--horizon applies with --algo twap|adaptive only'],
    [['--slice-above', '500'], '--slice-above applies with --algo twap|adaptive only'],
    [
      ['--algo', 'twap', '--horizon', '4h', '--interval', '1h', '--slice-above', '-5'],
      '--slice-above "-5": must be a quote amount > 0',
    ],
    [
      ['--algo', 'twap', '--horizon', 'soon', '--interval', '1h'],
      '--horizon "soon": not a duration (90s, 30m, 4h, or seconds)',
    ],
    [
      ['--algo', 'twap', '--horizon', '4h', '--interval', '1h', '--max-slippage-bps', '5'],
      '--max-slippage-bps applies with --algo adaptive only',
    ],
    [
      ['--algo', 'adaptive', '--horizon', '4h', '--interval', '1h', '--max-slippage-bps', '0'],
      '--max-slippage-bps "0": must be > 0 and ≤ 10000',
    ],
    [
      ['--algo', 'adaptive', '--horizon', '4h', '--interval', '1h', '--participation', '101'],
      '--participation "101": must be > 0 and ≤ 100',
    ],
  ])(
    '%j → one line naming the option and its bound, exit 2',
    async (args, message) => {
      const { err, exitCode, out } = await run([...BASE, ...args]);
      expect(exitCode).toBe(2);
      expect(err).toBe(`error: ${message}`);
      expect(out).toBe('');
    },
    30_000,
  );

  it('--slice-above slices only the entries above that notional, as the engine does with sliceAboveQuote', async () => {
    const { out } = await run([
      ...BASE,
      '--algo',
      'twap',
      '--horizon',
      '4h',
      '--interval',
      '1h',
      '--slice-above',
      '5000',
      '--json',
    ]);
    const printed = JSON.parse(out) as { config: unknown; slicing: { sliced: number } };
    const expected = engineRun({
      algo: { kind: 'twap', horizonMs: 4 * HOUR, intervalMs: HOUR },
      sliceAboveQuote: 5000,
    });
    expect(printed.config).toMatchObject({ sliceAboveQuote: 5000 });
    expect(printed.slicing).toEqual(expected.slicing);
    // the first entry (≈ 4,966 notional) stays below 5,000 and fills at once
    expect(expected.slicing!.sliced).toBeGreaterThan(0);
    expect(expected.slicing!.sliced).toBeLessThan(expected.trades.length);
  }, 30_000);

  it('seconds as a plain number, as the webhook takes them', async () => {
    const { out } = await run([...BASE, '--algo', 'twap', '--horizon', '7200', '--interval', '3600', '--json']);
    expect((JSON.parse(out) as { config: unknown }).config).toMatchObject({
      algo: { horizonMs: 2 * HOUR, intervalMs: HOUR },
    });
  }, 30_000);
});

describe('backtest funding-arb --horizon', () => {
  it("is funding-arb's horizon, not backtest's sliced-entry option", async () => {
    const { out, exitCode } = await run([
      'backtest',
      'funding-arb',
      '--funding',
      FUNDING,
      '--candles',
      FUNDING_CANDLES,
      '--horizon',
      '12h',
      '--fee-bps',
      '0',
      '--spot-fee-bps',
      '0',
      '--slippage-bps',
      '0',
      '--json',
    ]);
    expect(exitCode).toBeUndefined();
    const perp = parseCandlesText(readFileSync(FUNDING_CANDLES, 'utf8'));
    const funding = parseFundingSeries(JSON.parse(readFileSync(FUNDING, 'utf8')));
    // without costs the projection's horizon changes the round trips (3 at 12 h, 1 at the 3 d default)
    const free = {
      ...FUNDING_ARB_DEFAULTS,
      mode: 'decision' as const,
      perpFeeBps: '0',
      spotFeeBps: '0',
      slippageBps: '0',
    };
    const at12h = runFundingArbBacktest(perp, funding, { ...free, horizonMs: 12 * HOUR });
    const atDefault = runFundingArbBacktest(perp, funding, free);
    const printed = JSON.parse(out) as Record<string, unknown>;

    expect(at12h.netPnl).not.toBe(atDefault.netPnl);
    expect(printed.netPnl).toBe(at12h.netPnl);
    expect(printed.roundTrips).toBe(at12h.roundTrips);
  }, 30_000);
});
