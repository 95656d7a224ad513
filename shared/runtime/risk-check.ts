// The risk-check job's wiring: the tables, the key vault and the exchanges the executor uses, the
// protective-order manager, and the reconciliation of the book with the exchange.
import { randomBytes } from 'node:crypto';
import type { KeyVault } from '../core/ports/runtime';
import { ReconcileBook } from '../core/reconciliation/reconcile-book';
import { RiskCheck } from '../core/reconciliation/risk-check';
import type { ExecutorEnv } from '../platform/config';
import { buildExchangeFactory, buildKeyVault, buildOrderPlacement, type TradingRuntime } from './executor';
import { buildAlgoControl } from './algo';

/** A run takes well under a minute; the lease outlives a crashed run by this much at most. */
const LEASE_MS = 5 * 60_000;
/** An unbooked entry or close younger than this keeps its symbol out of the reconciliation. */
const IN_FLIGHT_MS = 3 * 60_000;

export function buildRiskCheck(
  env: ExecutorEnv,
  runtime: TradingRuntime,
  vault: KeyVault = buildKeyVault(env),
): RiskCheck {
  const { repos, clock } = runtime;
  const { protection } = buildOrderPlacement(runtime);
  const slices = buildAlgoControl(env, repos.audit, clock);
  const reconcile = new ReconcileBook({
    positions: repos.positions,
    orders: repos.orders,
    book: runtime.book,
    protection,
    audit: repos.audit,
    clock,
    inFlightMs: IN_FLIGHT_MS,
  });
  return new RiskCheck({
    accounts: repos.accounts,
    positions: repos.positions,
    orders: repos.orders,
    trades: repos.trades,
    risk: repos.risk,
    vault,
    exchanges: buildExchangeFactory(env, runtime),
    protection,
    reconcile,
    audit: repos.audit,
    clock,
    // One owner per container: a second overlapping run in the same container waits for the first.
    owner: `risk-check-${randomBytes(6).toString('hex')}`,
    leaseMs: LEASE_MS,
    // the price watcher's moves hold the lease for well under a second (docs/WATCHER.md)
    leaseWait: { attempts: 4, ms: 250, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    marketSpeed: env.RISK_MARKET_SPEED,
    ...(slices ? { slices } : {}),
  });
}
