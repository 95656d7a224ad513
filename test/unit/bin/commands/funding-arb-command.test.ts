// `backtest funding-arb` inside the real `backtest` command: backtest's own --funding, --cash, --json
// and --trades (which commander hands to the parent) reach the subcommand, backtest's required
// --strategy is not demanded of it, and the report printed is the core's.
import { readFileSync } from 'node:fs';
import { parseCandlesText, parseFundingSeries } from '../../../../shared/core/backtest/candle-parsers';
import { FUNDING_ARB_DEFAULTS, runFundingArbBacktest } from '../../../../shared/core/funding/funding-arb-backtest';
import { FUNDING, FUNDING_CANDLES, runCli } from './run-cli';

const CANDLES = FUNDING_CANDLES;
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
});
