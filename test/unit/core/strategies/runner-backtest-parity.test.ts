// The live runner and the backtest produce the same intents on the same candles: on the real
// XRPUSDT 1h candles shipped in data/candles, the backtest engine records every signal it acted on
// (bar and action) and the position it held at each bar; then the strategy runner is run at every
// bar i on candles[0..i], with the backtest's held position at i as the account's book position,
// and must queue exactly the same intents at exactly the same bars.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCandlesJson } from '../../../../shared/core/backtest/candle-parsers';
import { runBacktest } from '../../../../shared/core/backtest/engine';
import { sliceCandles } from '../../../../shared/core/backtest/range-backtest';
import type { BacktestConfig, Candles } from '../../../../shared/core/backtest/types';
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { BookPosition } from '../../../../shared/core/domain/trade';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import type { PositionBook } from '../../../../shared/core/ports/repositories';
import { resolveIntent } from '../../../../shared/core/signal/intent';
import type { Intent } from '../../../../shared/core/signal/types';
import { getStrategy, resolveParams } from '../../../../shared/core/strategies/registry';
import type { HeldPosition, StrategyDefinition, StrategyParams } from '../../../../shared/core/strategies/types';
import { positionAfter } from '../../../../shared/core/strategies/last-candle-signal';
import { RunStrategies } from '../../../../shared/core/strategies/run-strategies';
import { ManualClock, MemorySignalLedger, MemorySignalQueue } from '../fakes';
import { MemoryAudit } from '../memory-repos';

const HOUR = 3_600_000;
const SYMBOL = 'XRP/USDT:USDT';
const candles: Candles = parseCandlesJson(
  JSON.parse(readFileSync(join(__dirname, '../../../../data/candles/XRPUSDT-1h.json'), 'utf8')),
  'XRPUSDT-1h.json',
);

// Costs, sizing and protective orders as a paper account has them: the held position then also
// changes by stop-losses and take-profits, not only by the strategy's own signals.
const CONFIG: BacktestConfig = {
  cash: 10_000,
  takerFee: 0.0005,
  makerFee: 0.0005,
  slippageBps: 2,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 10 },
  leverage: 1,
  lotStep: 0.1,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};

interface BarIntent {
  bar: number;
  intent: Intent;
}

const intentOf = (action: Parameters<typeof resolveIntent>[0]): Intent => {
  const resolved = resolveIntent(action, undefined);
  if (!resolved.ok) throw new Error(resolved.message);
  return resolved.intent;
};

/** Runs the engine with a runner that records, per bar, the position it was shown and the signal it gave. */
function backtestIntents(definition: StrategyDefinition, params: StrategyParams) {
  const held: HeldPosition[] = [];
  const intents: BarIntent[] = [];
  const recording: StrategyDefinition = {
    ...definition,
    create(p) {
      const runner = definition.create(p);
      let bar = 0;
      return {
        next(b, position) {
          const signal = runner.next(b, position);
          held.push(position);
          if (signal !== undefined) intents.push({ bar, intent: intentOf(signal.action) });
          bar++;
          return signal;
        },
      };
    },
  };
  const result = runBacktest(candles, recording, params, CONFIG);
  return { held, intents, result };
}

/** The runner, once per bar: candles[0..i] are the closed candles, the backtest's position is the book's. */
async function runnerIntents(
  definition: StrategyDefinition,
  params: StrategyParams,
  held: readonly HeldPosition[],
): Promise<BarIntent[]> {
  let upTo = 0;
  const source: CandleSource = {
    closedCandles: async () => sliceCandles(candles, 0, upTo + 1),
    spanMs: () => HOUR,
  };
  const book: Pick<PositionBook, 'get'> = {
    get: async (accountId, symbol): Promise<BookPosition | undefined> => {
      const side = held[upTo];
      if (side === undefined || side === 'flat') return undefined;
      return {
        accountId,
        symbol,
        side,
        quantity: '100',
        entryPrice: '1',
        leverage: 1,
        tradeId: 't',
        updatedAt: 0,
        appliedOrderIds: [],
        version: 1,
      };
    },
  };
  const account: Account = {
    accountId: 'acc-paper',
    name: 'paper',
    exchange: 'paper',
    testnet: false,
    status: 'active',
    webhookTokenHash: 'x',
    settings: {
      ...DEFAULT_ACCOUNT_SETTINGS,
      strategies: [
        {
          id: `${definition.id}.XRPUSDT.1h`,
          strategy: definition.id,
          symbol: SYMBOL,
          timeframe: '1h',
          params,
          enabled: true,
          updatedAt: 0,
        },
      ],
    },
    createdAt: 0,
    updatedAt: 0,
  };
  const clock = new ManualClock(0);
  const queue = new MemorySignalQueue(clock);
  const runner = new RunStrategies({
    accounts: { list: async () => [account] },
    positions: book,
    candles: source,
    ledger: new MemorySignalLedger(),
    queue,
    audit: new MemoryAudit(),
    clock,
    dedupTtlMs: 7 * 24 * HOUR,
  });

  const intents: BarIntent[] = [];
  for (upTo = 0; upTo < candles.time.length; upTo++) {
    const now = candles.time[upTo]! + HOUR; // the close of candle i
    clock.t = now + 10_000;
    const before = queue.messages.length;
    const report = await runner.run('1h', now);
    expect(report.failed).toBe(0);
    for (const message of queue.messages.slice(before)) intents.push({ bar: upTo, intent: message.signal.intent });
  }
  return intents;
}

/** The position the strategy's own signals alone would give at each bar. */
function signalOnlyPositions(intents: readonly BarIntent[], bars: number): HeldPosition[] {
  const byBar = new Map(intents.map((x) => [x.bar, x.intent]));
  const action = {
    enter_long: 'long',
    enter_short: 'short',
    close_long: 'close_long',
    close_short: 'close_short',
    close_all: 'close_all',
  } as const;
  const out: HeldPosition[] = [];
  let position: HeldPosition = 'flat';
  for (let i = 0; i < bars; i++) {
    out.push(position);
    const intent = byBar.get(i);
    if (intent !== undefined && intent in action)
      position = positionAfter(position, action[intent as keyof typeof action]);
  }
  return out;
}

describe('strategy runner vs backtest on XRPUSDT 1h (data/candles)', () => {
  it('has the 100 real candles the test is written for', () => {
    expect(candles.time.length).toBe(100);
  });

  it.each([
    ['sma-cross', {}],
    ['bb-reversion', { period: '10', mult: '1.5' }],
    ['supertrend', { period: '7', mult: '1.5' }],
    ['macd-stoch', {}],
  ] as const)('%s %j: the same intents at the same bars', async (id, overrides) => {
    const definition = getStrategy(id);
    const params = resolveParams(definition, overrides);
    const backtest = backtestIntents(definition, params);

    const live = await runnerIntents(definition, params, backtest.held);

    expect(backtest.intents.length).toBeGreaterThanOrEqual(4);
    expect(live).toEqual(backtest.intents);
  });

  it('bb-reversion: the book position matters (a stop-loss flattened the backtest where the signals alone say long)', async () => {
    const definition = getStrategy('bb-reversion');
    const params = resolveParams(definition, { period: '10', mult: '1.5' });
    const backtest = backtestIntents(definition, params);
    expect(backtest.result.trades.some((t) => t.exitReason === 'stop_loss')).toBe(true);
    expect(signalOnlyPositions(backtest.intents, candles.time.length)).not.toEqual(backtest.held);

    // Told the strategy-only positions instead of the account's, the runner would differ.
    const misled = await runnerIntents(definition, params, signalOnlyPositions(backtest.intents, candles.time.length));

    expect(misled).not.toEqual(backtest.intents);
  });
});
