// `risk show`: the account's effective limits, how much of each is used, and the state of every
// kill switch, from the tables alone (the last equity the risk-check job read; no exchange call).
import type { AccountStatus } from '../domain/account';
import { Big, type Decimal } from '../domain/money';
import { isOpen } from '../domain/trade-math';
import type { AccountRepository, Clock, PositionBook, RiskStore, TradeRepository } from './ports';
import { accountRiskConfig } from '../risk/account-config';
import type { RiskConfig, RiskOverrides } from '../risk/config';
import { emptyRiskState, SWITCH_NAMES, type SwitchName, type SwitchState } from '../risk/state';
import { entryBlock, lossStreak, type EntryBlock } from '../risk/switches';
import { AccountInputError } from '../control/accounts';

export interface RiskUsage {
  /** the last equity the risk-check job read, and when (absent before its first run) */
  equity?: Decimal;
  equityAt?: number;
  dayStartEquity?: Decimal;
  /** loss since the start of the trading day, percent (negative: a gain) */
  dayLossPct?: number;
  peakEquity?: Decimal;
  drawdownPct?: number;
  openPositions: number;
  /** sum of open notionals at entry prices, quote currency */
  exposure: Decimal;
  exposurePct?: number;
  lossStreak: number;
}

export interface RiskView {
  accountId: string;
  status: AccountStatus;
  /** entries allowed right now, or the switch that blocks them */
  entries: 'allowed' | 'blocked';
  blockedBy?: EntryBlock;
  limits: RiskConfig['limits'];
  switches: Record<SwitchName, SwitchState & { limit: string }>;
  sizing: RiskConfig['sizing'];
  strategySizing: RiskConfig['strategySizing'];
  usage: RiskUsage;
  /** what this account sets differently from the defaults */
  overrides: RiskOverrides;
}

/** part / whole in percent to 2 decimals: a ratio of two exact amounts, shown as a number */
const pct = (part: Big, whole: Decimal): number | undefined =>
  new Big(whole).gt(0) ? Number(part.div(whole).times(100).round(2, Big.roundHalfUp).toString()) : undefined;

export class RiskReport {
  constructor(
    private readonly deps: {
      accounts: Pick<AccountRepository, 'get'>;
      positions: Pick<PositionBook, 'list'>;
      trades: Pick<TradeRepository, 'listByAccount'>;
      risk: Pick<RiskStore, 'getState'>;
      clock: Clock;
    },
  ) {}

  async show(accountId: string): Promise<RiskView> {
    const account = await this.deps.accounts.get(accountId);
    if (!account) throw new AccountInputError('account', `no account ${accountId}`);
    const now = this.deps.clock.now();
    const [positions, trades, stored] = await Promise.all([
      this.deps.positions.list(accountId),
      this.deps.trades.listByAccount(accountId, 100),
      this.deps.risk.getState(accountId),
    ]);
    const state = stored ?? emptyRiskState(accountId, now);
    const config = accountRiskConfig(account);
    const open = positions.filter(isOpen);
    const exposure = open.reduce((sum, p) => sum.plus(new Big(p.quantity).times(p.entryPrice).abs()), new Big(0));
    const closed = trades.filter((t) => t.status === 'closed');
    const usage: RiskUsage = {
      openPositions: open.length,
      exposure: exposure.toString(),
      lossStreak: lossStreak(closed).count,
    };
    if (state.lastEquity !== undefined) {
      usage.equity = state.lastEquity;
      if (state.lastEquityAt !== undefined) usage.equityAt = state.lastEquityAt;
      const exposurePct = pct(exposure, state.lastEquity);
      if (exposurePct !== undefined) usage.exposurePct = exposurePct;
    }
    if (state.dayStartEquity !== undefined && state.lastEquity !== undefined) {
      usage.dayStartEquity = state.dayStartEquity;
      const loss = pct(new Big(state.dayStartEquity).minus(state.lastEquity), state.dayStartEquity);
      if (loss !== undefined) usage.dayLossPct = loss;
    }
    if (state.peakEquity !== undefined && state.lastEquity !== undefined) {
      usage.peakEquity = state.peakEquity;
      const dd = pct(new Big(state.peakEquity).minus(state.lastEquity), state.peakEquity);
      if (dd !== undefined) usage.drawdownPct = dd;
    }
    const sw = config.switches;
    const limits: Record<SwitchName, string> = {
      daily_loss: `${sw.dailyLossPct}% of start-of-day equity (${sw.timeZone} day)`,
      drawdown: `${sw.maxDrawdownPct}% from the equity peak: flatten, disable`,
      loss_streak: `${sw.lossStreak} losses in a row: ${sw.cooldownMinutes} min cooldown`,
      circuit_breaker: `${sw.circuitBreaker.map((t) => `${t.movePct}%/${t.windowMinutes}m→${t.pauseMinutes}m`).join(', ')}; latency > ${sw.anomalies.maxLatencyMs} ms, errors > ${sw.anomalies.maxErrorRatePct}%, spread > ${sw.anomalies.maxSpreadBps} bps${sw.volatilityPct > 0 ? `, volatility ≥ ${sw.volatilityPct}%` : ''} → ${sw.anomalies.pauseMinutes}m`,
    };
    const switches = Object.fromEntries(
      SWITCH_NAMES.map((name) => [
        name,
        { ...(state.switches[name] ?? { tripped: false, trips: 0 }), limit: limits[name] },
      ]),
    ) as RiskView['switches'];
    const block =
      account.status === 'active' ? entryBlock({ config: sw, state, now, closedTrades: closed }) : undefined;
    return {
      accountId,
      status: account.status,
      entries: account.status === 'active' && !block ? 'allowed' : 'blocked',
      ...(block ? { blockedBy: block } : {}),
      limits: config.limits,
      switches,
      sizing: config.sizing,
      strategySizing: config.strategySizing,
      usage,
      overrides: account.settings.risk ?? {},
    };
  }
}
