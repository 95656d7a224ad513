// A rule file's `execution` block: its entries sent as slices over time (TWAP / adaptive), as a
// webhook's algo, horizon, interval and maxSlippageBps ask (docs/EXECUTION-ALGOS.md). Held to the
// webhook's bounds (ALGO_BOUNDS); the live runner forwards it as Signal.algo, the backtest slices.
import { ALGO_BOUNDS, type AlgoKind, type AlgoSpec } from '../../signal/algo';
import type { RuleExecution, RuleIssue } from './types';

const KINDS: readonly AlgoKind[] = ['twap', 'adaptive'];
const FIELDS = ['algo', 'horizon', 'interval', 'maxSlippageBps'];
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** "90s", "30m", "4h", or a number of seconds, in ms; NaN when it is none of them. */
export function durationMs(value: unknown): number {
  if (typeof value === 'number') return value > 0 && Number.isFinite(value) ? value * 1_000 : Number.NaN;
  if (typeof value !== 'string') return Number.NaN;
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of an `execution` block, each naming its field and the bound. */
export function executionIssues(value: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ path: `execution.${field}`, message });
  if (!isObject(value))
    return [{ path: 'execution', message: 'must be { algo, horizon, interval[, maxSlippageBps] }' }];
  for (const key of Object.keys(value))
    if (!FIELDS.includes(key)) issue(key, `unknown field; known: ${FIELDS.join(', ')}`);
  if (!KINDS.includes(value.algo as AlgoKind)) issue('algo', `must be ${KINDS.join(' or ')}`);
  const horizonMs = durationMs(value.horizon);
  const intervalMs = durationMs(value.interval);
  const duration = 'a duration ("90s", "30m", "4h") or seconds';
  if (Number.isNaN(intervalMs)) issue('interval', `must be ${duration}`);
  else if (intervalMs < ALGO_BOUNDS.minIntervalMs)
    issue('interval', `must be at least ${ALGO_BOUNDS.minIntervalMs / 1_000}s (ALGO_BOUNDS.minIntervalMs)`);
  if (Number.isNaN(horizonMs)) issue('horizon', `must be ${duration}`);
  else if (horizonMs > ALGO_BOUNDS.maxHorizonMs)
    issue('horizon', `must be at most ${ALGO_BOUNDS.maxHorizonMs / 3_600_000}h (ALGO_BOUNDS.maxHorizonMs)`);
  else if (intervalMs >= ALGO_BOUNDS.minIntervalMs) {
    const slices = Math.ceil(horizonMs / intervalMs);
    if (slices < ALGO_BOUNDS.minSlices || slices > ALGO_BOUNDS.maxSlices)
      issue(
        'horizon',
        `over the interval makes ${slices} slice(s); must make ${ALGO_BOUNDS.minSlices} to ${ALGO_BOUNDS.maxSlices} (ALGO_BOUNDS)`,
      );
  }
  const bps = value.maxSlippageBps;
  if (bps !== undefined) {
    if (value.algo !== 'adaptive') issue('maxSlippageBps', 'applies with algo adaptive only');
    else if (!(typeof bps === 'number' && bps > 0 && bps <= 10_000))
      issue('maxSlippageBps', 'must be a number > 0 and <= 10000');
  }
  return issues;
}

/** The spec a validated block asks for. */
export function executionAlgo(block: RuleExecution): AlgoSpec {
  const spec: AlgoSpec = {
    kind: block.algo,
    horizonMs: durationMs(block.horizon),
    intervalMs: durationMs(block.interval),
  };
  if (block.maxSlippageBps !== undefined) spec.maxSlippageBps = block.maxSlippageBps;
  return Object.freeze(spec);
}
