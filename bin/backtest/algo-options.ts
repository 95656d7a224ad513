// The backtest's sliced-entry options (--algo, --horizon, --interval, --max-slippage-bps,
// --participation, --slice-above) → the config's AlgoSpec and participation, each refused with the option and the
// bound it breaks (ALGO_BOUNDS, the webhook's). docs/EXECUTION-ALGOS.md "Backtest".
import { ALGO_BOUNDS, type AlgoKind, type AlgoSpec } from '../../shared/core/signal/algo';
import { BacktestInputError } from './input-error';

export interface AlgoOptions {
  algo?: string;
  horizon?: string;
  interval?: string;
  maxSlippageBps?: string;
  participation?: string;
  sliceAbove?: string;
}

export const ALGO_KINDS: readonly AlgoKind[] = ['twap', 'adaptive'];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `4h`, `1d`, `500ms`, or a number of seconds (as the webhook's fields), in ms. */
export function parseDuration(name: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? 's').toLowerCase()]! : Number.NaN;
  if (!(ms > 0)) throw new BacktestInputError(`${name} "${text}": not a duration (90s, 30m, 4h, or seconds)`);
  return ms;
}

/** A duration as the options write it: 24h, 90m, 30s, 1500ms. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) if (ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  return `${ms}ms`;
}

/** The spec and participation the options ask for; nothing when --algo is absent. */
export function algoFromOptions(o: AlgoOptions): {
  algo?: AlgoSpec;
  participationPct?: number;
  sliceAboveQuote?: number;
} {
  if (o.algo === undefined) {
    const stray = (
      [
        ['--horizon', o.horizon],
        ['--interval', o.interval],
        ['--max-slippage-bps', o.maxSlippageBps],
        ['--participation', o.participation],
        ['--slice-above', o.sliceAbove],
      ] as const
    ).find(([, value]) => value !== undefined);
    if (stray) throw new BacktestInputError(`${stray[0]} applies with --algo twap|adaptive only`);
    return {};
  }
  const kind = ALGO_KINDS.find((k) => k === o.algo);
  if (kind === undefined) throw new BacktestInputError(`--algo "${o.algo}": use ${ALGO_KINDS.join(' or ')}`);
  if (o.horizon === undefined || o.interval === undefined)
    throw new BacktestInputError(`--algo ${kind} needs --horizon and --interval (e.g. --horizon 4h --interval 1h)`);
  if (kind === 'twap') {
    if (o.maxSlippageBps !== undefined)
      throw new BacktestInputError('--max-slippage-bps applies with --algo adaptive only');
    if (o.participation !== undefined)
      throw new BacktestInputError('--participation applies with --algo adaptive only');
  }
  const intervalMs = parseDuration('--interval', o.interval);
  const horizonMs = parseDuration('--horizon', o.horizon);
  if (intervalMs < ALGO_BOUNDS.minIntervalMs)
    throw new BacktestInputError(
      `--interval "${o.interval}": must be ≥ ${formatDuration(ALGO_BOUNDS.minIntervalMs)} (ALGO_BOUNDS.minIntervalMs)`,
    );
  if (horizonMs > ALGO_BOUNDS.maxHorizonMs)
    throw new BacktestInputError(
      `--horizon "${o.horizon}": must be ≤ ${formatDuration(ALGO_BOUNDS.maxHorizonMs)} (ALGO_BOUNDS.maxHorizonMs)`,
    );
  const slices = Math.ceil(horizonMs / intervalMs);
  if (slices < ALGO_BOUNDS.minSlices || slices > ALGO_BOUNDS.maxSlices)
    throw new BacktestInputError(
      `--horizon ${o.horizon} over --interval ${o.interval} makes ${slices} slice(s): must make ${ALGO_BOUNDS.minSlices} to ${ALGO_BOUNDS.maxSlices} (ALGO_BOUNDS.minSlices/maxSlices)`,
    );
  const algo: AlgoSpec = { kind, horizonMs, intervalMs };
  if (o.maxSlippageBps !== undefined)
    algo.maxSlippageBps = boundedNumber('--max-slippage-bps', o.maxSlippageBps, 0, 10_000);
  let sliceAboveQuote: number | undefined;
  if (o.sliceAbove !== undefined) {
    sliceAboveQuote = o.sliceAbove.trim() === '' ? Number.NaN : Number(o.sliceAbove);
    if (!(Number.isFinite(sliceAboveQuote) && sliceAboveQuote > 0))
      throw new BacktestInputError(`--slice-above "${o.sliceAbove}": must be a quote amount > 0`);
  }
  return {
    algo,
    ...(sliceAboveQuote !== undefined ? { sliceAboveQuote } : {}),
    ...(o.participation !== undefined
      ? { participationPct: boundedNumber('--participation', o.participation, 0, 100) }
      : {}),
  };
}

/** A number in (above, max], or the error naming the option and the bound. */
function boundedNumber(name: string, text: string, above: number, max: number): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new BacktestInputError(`${name} "${text}": not a number`);
  if (!(value > above && value <= max))
    throw new BacktestInputError(`${name} "${text}": must be > ${above} and ≤ ${max}`);
  return value;
}
