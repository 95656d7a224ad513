// The ensemble as the executor's entry gate (execution/ports.ts EntryGate, satisfied structurally:
// this folder never imports execution). Off unless the account switched it on: then nothing is
// read and nothing is asked. On: the symbol's last closed candles on the signal's timeframe →
// indicator context → the vote. Bounded: the candle read gets `candleTimeoutMs`, the models
// `timeoutMs` (+ the vote's grace), so the executor's wait stays well inside its function timeout
// and the queue's visibility timeout. No context (the candle read failed or timed out): nobody is
// asked and the entry is held back, audited like any vote (it fails closed, as an abstention).
import type { Account } from '../domain/account';
import type { ErrorDetails } from '../domain/audit';
import { isStrategyTimeframe, type StrategyTimeframe } from '../domain/strategy-subscription';
import { ConfigError } from '../errors';
import type { Signal } from '../signal/types';
import { DEFAULT_REQUIRED, indicatorContext, withDeadline, type EnsembleVote, type IndicatorContext } from './ensemble';
import type { CandleSource, Clock } from './ports';

/** The same shape as execution's EntryVerdict. */
export type GateAnswer =
  { proceed: true; note?: string } | { proceed: false; code: string; reason: string; details?: ErrorDetails };

export interface EnsembleGateDeps {
  vote: EnsembleVote;
  candles: CandleSource;
  clock: Clock;
  /** the candle read's bound, ms (default 1,500) */
  candleTimeoutMs?: number;
}

export const DEFAULT_ENSEMBLE_TIMEFRAME: StrategyTimeframe = '1h';
/** enough for EMA(50) and a 24-candle change */
const CANDLES = 100;
const DEFAULT_CANDLE_TIMEOUT_MS = 1_500;

export class EnsembleGate {
  constructor(private readonly deps: EnsembleGateDeps) {}

  async check(signal: Signal, account: Account): Promise<GateAnswer> {
    const settings = account.settings.ensemble;
    if (settings?.enabled !== true) return { proceed: true };
    if (signal.intent !== 'enter_long' && signal.intent !== 'enter_short') return { proceed: true };
    const required = settings.required ?? DEFAULT_REQUIRED;
    const timeframe = timeframeOf(signal, account);
    const symbol = signal.symbol.unified;
    const outcome = await this.deps.vote.decide({
      accountId: account.accountId,
      signalId: signal.signalId,
      symbol,
      intent: signal.intent,
      required,
      context: await this.context(symbol, timeframe),
    });
    const side = signal.intent === 'enter_long' ? 'long' : 'short';
    const votes = outcome.ballots.map((b) => `${b.model} ${b.vote}`).join(', ');
    const said = `ensemble vote: ${outcome.agreeing} of ${outcome.ballots.length} models agree with ${side}, ${outcome.required} needed (${votes})`;
    // Either way the vote is said where the owner looks: the signal's outcome (the alert log).
    if (outcome.decision === 'proceed') return { proceed: true, note: said };
    return {
      proceed: false,
      code: 'ENSEMBLE_BLOCKED',
      reason: said,
      details: { required: outcome.required, agreeing: outcome.agreeing, ballots: outcome.ballots },
    };
  }

  /** The indicator context, or why there is none. */
  private async context(symbol: string, timeframe: StrategyTimeframe): Promise<IndicatorContext | string> {
    const ms = this.deps.candleTimeoutMs ?? DEFAULT_CANDLE_TIMEOUT_MS;
    try {
      const candles = await withDeadline(
        this.deps.candles.closedCandles(symbol, timeframe, CANDLES, this.deps.clock.now()),
        ms,
      );
      if (candles === undefined) return `the ${timeframe} candles of ${symbol} did not come within ${ms} ms`;
      return indicatorContext(candles, timeframe) ?? `no closed ${timeframe} candles of ${symbol}`;
    } catch (error) {
      return `the ${timeframe} candles of ${symbol} could not be read (${error instanceof Error ? error.message : String(error)})`;
    }
  }
}

/** The timeframe of the subscription that sent the signal, else the account's ensemble setting, else 1h. */
export function timeframeOf(signal: Signal, account: Account): StrategyTimeframe {
  const subscription = account.settings.strategies?.find(
    (s) => s.strategy === signal.strategy && s.symbol === signal.symbol.unified,
  );
  if (subscription) return subscription.timeframe;
  const configured = account.settings.ensemble?.timeframe;
  if (configured === undefined) return DEFAULT_ENSEMBLE_TIMEFRAME;
  if (!isStrategyTimeframe(configured))
    throw new ConfigError(`ensemble.timeframe must be one of 1m, 5m, 15m, 1h, 4h, 1d, got ${String(configured)}`);
  return configured;
}
