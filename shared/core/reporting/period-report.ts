// The daily / weekly account report: what the account did over [from, to), from its closed trades
// and the equity snapshots of the risk-check job. Pure: the caller reads the trades
// (TradeRepository), the snapshots (RiskStore.listSnapshots(accountId, from, to)) and the prices of
// the traded symbols at `from` and `to`, and sends the text (renderReportText) with the equity
// chart (shared/adapters/chart/equity-chart.ts, fed `equityCurve` and `exits`).
//
// Definitions (money in the quote currency, rounded to 1e-8 after exact decimal sums; percentages
// are percent and not rounded):
// - the period's trades: status 'closed' with from ≤ closedAt < to. Open trades never count, even
//   when partly exited (their realizedPnl so far shows up in the equity, not here).
// - realizedPnl / fees / funding: sums over those trades; realizedPnl already has fees and funding
//   taken off (TradeRecord); funding is signed as on the trade: positive = paid.
// - win: realizedPnl > 0; loss: realizedPnl < 0; a trade at exactly 0 is neither. Win rate =
//   wins / trades × 100 (0 without trades), as docs/METRICS.md.
// - equity: the snapshots with from ≤ at ≤ to (RiskStore.listSnapshots' bounds), each rounded to
//   1e-8 first, so that start + change = end and the drawdown's ends are points of the curve;
//   start = the first, end = the last, unrealized P&L = the last one's. Return = (end / start − 1) × 100: deposits and
//   withdrawals in the period move it too (snapshots do not tell transfers apart).
// - max drawdown: peak to trough of that curve (drawdown.ts).
// - buy & hold: each symbol the account was exposed to in the period (a trade open at some time in
//   [from, to): opened before `to`, and still open or closed at/after `from`): (to / from − 1) × 100
//   of its price, no costs, no leverage; their equal-weight mean; and the account's return minus
//   that mean. Symbols without a positive `from` price are listed as missing and left out.
// - regimes: the market regime of each of those symbols as the caller read it at `to` (a
//   RegimeView: label, its probability, the HMM or the rules), one line each; "unknown" when none.
// - funding rates: the current rate of each symbol the account holds, as the caller read it from
//   the exchange at `to` (funding-rates.ts: bp per interval, annualised, next settlement), one
//   line each; "unknown" when none. Absent (paper, spot, not read): no lines.
import type { EquitySnapshot, FundingRate } from './ports';
import type { TradeRecord } from '../domain/trade';
import { Big, type Decimal } from '../domain/money';
import { tradingDay } from '../risk/trading-day';
import type { RegimeView } from '../risk/types';
import { maxDrawdown, type EquityPoint, type MaxDrawdown } from './drawdown';
import { fundingRateLine, symbolFundingRates, type SymbolFundingRate } from './funding-rates';
import { money, pct, plain, signedMoney, signedPct } from './format';
import { InvalidArgumentError } from '../errors';

export type { EquityPoint, MaxDrawdown } from './drawdown';

/** The strategy name shown for trades opened by a signal without a strategy. */
export const MANUAL_STRATEGY = 'manual signals';

export interface PeriodReportInput {
  accountId: string;
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive for trades, inclusive for snapshots */
  to: number;
  /** IANA zone of the account's days, for the day labels */
  timeZone: string;
  /** the account's trades (others' are ignored); any order, any status */
  trades: readonly TradeRecord[];
  /** the account's snapshots (others' and those outside [from, to] are ignored); any order */
  snapshots: readonly EquitySnapshot[];
  /** prices of each traded symbol at from and to, for buy-and-hold */
  holdPrices: Record<string, { from: number; to: number }>;
  /** the quote currency of equity and P&L, for the text; default USDT */
  quote?: string;
  /** the current regime per symbol (undefined = no reading); absent = not read, no lines */
  regimes?: Record<string, RegimeView | undefined>;
  /** the current funding rate per held symbol (undefined = no reading); absent = not read, no lines */
  fundingRates?: Record<string, FundingRate | undefined>;
}

/** A symbol's regime in the report. */
export interface SymbolRegime {
  symbol: string;
  /** undefined when the source had no reading (no candles, still warming up) */
  regime?: RegimeView;
}

/** One trade picked out (best or worst). */
export interface TradeHighlight {
  tradeId: string;
  symbol: string;
  side: TradeRecord['side'];
  strategy: string;
  /** realizedPnl, quote */
  pnl: Decimal;
  /** return on initial margin, percent (absent on trades that do not carry it) */
  roiPct?: number;
  closedAt: number;
  exitReason?: TradeRecord['exitReason'];
}

export interface StrategyBreakdown {
  /** the trade's strategy, or MANUAL_STRATEGY */
  strategy: string;
  trades: number;
  wins: number;
  losses: number;
  winRatePct: number;
  realizedPnl: Decimal;
}

export interface HoldReturn {
  symbol: string;
  fromPrice: number;
  toPrice: number;
  returnPct: number;
}

export interface HoldComparison {
  /** traded symbols with prices, sorted by symbol */
  symbols: HoldReturn[];
  /** traded symbols without a usable price (absent, or `from` ≤ 0), sorted */
  missing: string[];
  /** equal-weight mean of the symbols' returns; undefined without any */
  averagePct?: number;
  /** the account's returnPct minus averagePct (percentage points); undefined when either is */
  excessPct?: number;
}

export interface PeriodReport {
  accountId: string;
  from: number;
  to: number;
  timeZone: string;
  /** YYYY-MM-DD of `from` and of the period's last instant (to − 1 ms) in the time zone */
  fromDay: string;
  toDay: string;
  quote: string;
  startEquity?: Decimal;
  endEquity?: Decimal;
  /** endEquity − startEquity, quote */
  equityChange?: Decimal;
  /** (endEquity / startEquity − 1) × 100; undefined without both or when startEquity ≤ 0 */
  returnPct?: number;
  /** the last snapshot's unrealized P&L */
  unrealizedPnl?: Decimal;
  realizedPnl: Decimal;
  fees: Decimal;
  funding: Decimal;
  trades: number;
  wins: number;
  losses: number;
  winRatePct: number;
  best?: TradeHighlight;
  worst?: TradeHighlight;
  /** by realized P&L, highest first (ties by name) */
  byStrategy: StrategyBreakdown[];
  maxDrawdown: MaxDrawdown;
  hold: HoldComparison;
  /** the snapshots' equity, oldest first, for the chart */
  equityCurve: EquityPoint[];
  /** the period's trade exits (closedAt, realizedPnl), oldest first: the chart's markers */
  exits: Array<{ at: number; pnl: Decimal }>;
  /** the regime of each symbol given, by symbol name */
  regimes: SymbolRegime[];
  /** the funding rate of each held symbol given, by symbol name; absent when none were read */
  fundingRates?: SymbolFundingRate[];
}

interface Tally {
  trades: number;
  wins: number;
  losses: number;
  realized: Big;
}

const newTally = (): Tally => ({ trades: 0, wins: 0, losses: 0, realized: new Big(0) });

function count(tally: Tally, realizedPnl: Decimal): void {
  const pnl = new Big(realizedPnl);
  tally.trades++;
  if (pnl.gt(0)) tally.wins++;
  else if (pnl.lt(0)) tally.losses++;
  tally.realized = tally.realized.plus(pnl);
}

const winRate = (t: Tally): number => (t.trades > 0 ? (t.wins / t.trades) * 100 : 0);

function highlight(trade: TradeRecord): TradeHighlight {
  return {
    tradeId: trade.tradeId,
    symbol: trade.symbol,
    side: trade.side,
    strategy: trade.strategy ?? MANUAL_STRATEGY,
    pnl: m8(trade.realizedPnl),
    ...(trade.roiPct !== undefined ? { roiPct: trade.roiPct } : {}),
    closedAt: trade.closedAt!,
    ...(trade.exitReason ? { exitReason: trade.exitReason } : {}),
  };
}

export function computePeriodReport(input: PeriodReportInput): PeriodReport {
  const { accountId, from, to, timeZone } = input;
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to))
    throw new InvalidArgumentError(`computePeriodReport: need from < to (epoch ms), got ${from} → ${to}`);

  const own = input.trades.filter((t) => t.accountId === accountId);
  const closed = own
    .filter((t) => t.status === 'closed' && t.closedAt !== undefined && t.closedAt >= from && t.closedAt < to)
    .sort((a, b) => a.closedAt! - b.closedAt! || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0));

  const all = newTally();
  const strategies = new Map<string, Tally>();
  let fees = new Big(0);
  let funding = new Big(0);
  let best: TradeRecord | undefined;
  let worst: TradeRecord | undefined;
  for (const trade of closed) {
    count(all, trade.realizedPnl);
    const name = trade.strategy ?? MANUAL_STRATEGY;
    let tally = strategies.get(name);
    if (!tally) strategies.set(name, (tally = newTally()));
    count(tally, trade.realizedPnl);
    fees = fees.plus(trade.fees);
    funding = funding.plus(trade.funding);
    // Strict comparisons: the earliest of equal trades stays.
    if (!best || new Big(trade.realizedPnl).gt(best.realizedPnl)) best = trade;
    if (!worst || new Big(trade.realizedPnl).lt(worst.realizedPnl)) worst = trade;
  }
  const byStrategy: StrategyBreakdown[] = [...strategies]
    .map(([strategy, t]) => ({
      strategy,
      trades: t.trades,
      wins: t.wins,
      losses: t.losses,
      winRatePct: winRate(t),
      realizedPnl: m8(t.realized),
    }))
    .sort(
      (a, b) =>
        new Big(b.realizedPnl).cmp(a.realizedPnl) || (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0),
    );

  const snapshots = input.snapshots
    .filter((s) => s.accountId === accountId && s.at >= from && s.at <= to && isFiniteMoney(s.equity))
    .sort((a, b) => a.at - b.at);
  const equityCurve = snapshots.map((s) => ({ at: s.at, equity: m8(s.equity) }));
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const startEquity = first ? m8(first.equity) : undefined;
  const endEquity = last ? m8(last.equity) : undefined;
  // A return is a ratio of two exact amounts: a number (percent), not money.
  const returnPct =
    startEquity !== undefined && endEquity !== undefined && new Big(startEquity).gt(0)
      ? Number(new Big(endEquity).div(startEquity).minus(1).times(100).toString())
      : undefined;

  const hold = holdComparison(own, input.holdPrices, from, to, returnPct);

  return {
    accountId,
    from,
    to,
    timeZone,
    fromDay: tradingDay(from, timeZone).day,
    toDay: tradingDay(to - 1, timeZone).day,
    quote: input.quote ?? 'USDT',
    ...(startEquity !== undefined ? { startEquity } : {}),
    ...(endEquity !== undefined ? { endEquity } : {}),
    ...(startEquity !== undefined && endEquity !== undefined
      ? { equityChange: m8(new Big(endEquity).minus(startEquity)) }
      : {}),
    ...(returnPct !== undefined ? { returnPct } : {}),
    ...(last ? { unrealizedPnl: m8(last.unrealizedPnl) } : {}),
    realizedPnl: m8(all.realized),
    fees: m8(fees),
    funding: m8(funding),
    trades: all.trades,
    wins: all.wins,
    losses: all.losses,
    winRatePct: winRate(all),
    ...(best ? { best: highlight(best) } : {}),
    ...(worst ? { worst: highlight(worst) } : {}),
    byStrategy,
    maxDrawdown: maxDrawdown(equityCurve),
    hold,
    equityCurve,
    exits: closed.map((t) => ({ at: t.closedAt!, pnl: m8(t.realizedPnl) })),
    regimes: Object.entries(input.regimes ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([symbol, regime]) => (regime ? { symbol, regime } : { symbol })),
    ...(input.fundingRates ? { fundingRates: symbolFundingRates(input.fundingRates) } : {}),
  };
}

function holdComparison(
  trades: readonly TradeRecord[],
  prices: PeriodReportInput['holdPrices'],
  from: number,
  to: number,
  accountReturnPct: number | undefined,
): HoldComparison {
  const traded = new Set<string>();
  for (const t of trades) {
    const closedBefore = t.status === 'closed' && t.closedAt !== undefined && t.closedAt < from;
    if (t.openedAt < to && !closedBefore) traded.add(t.symbol);
  }
  const symbols: HoldReturn[] = [];
  const missing: string[] = [];
  for (const symbol of [...traded].sort()) {
    const price = Object.hasOwn(prices, symbol) ? prices[symbol] : undefined;
    if (price && Number.isFinite(price.from) && Number.isFinite(price.to) && price.from > 0) {
      symbols.push({ symbol, fromPrice: price.from, toPrice: price.to, returnPct: (price.to / price.from - 1) * 100 });
    } else missing.push(symbol);
  }
  if (symbols.length === 0) return { symbols, missing };
  const averagePct = symbols.reduce((sum, s) => sum + s.returnPct, 0) / symbols.length;
  return {
    symbols,
    missing,
    averagePct,
    ...(accountReturnPct !== undefined ? { excessPct: accountReturnPct - averagePct } : {}),
  };
}

/**
 * The report as a notification's title and lines (plain text, one fact per line), e.g.
 * "Best: BTC/USDT:USDT +123.45 USDT (+2.10 %)". Amounts that are changes carry a sign; a drawdown
 * is written as the fall it is (negative).
 */
export function renderReportText(report: PeriodReport, kind: 'daily' | 'weekly'): { title: string; lines: string[] } {
  const q = report.quote;
  const days =
    kind === 'daily' || report.fromDay === report.toDay ? report.fromDay : `${report.fromDay} → ${report.toDay}`;
  const gist =
    report.equityChange !== undefined && report.returnPct !== undefined
      ? `${signedMoney(report.equityChange, q)} (${signedPct(report.returnPct)})`
      : `realized ${signedMoney(report.realizedPnl, q)}`;
  const title = `${kind === 'daily' ? 'Daily' : 'Weekly'} report ${report.accountId} ${days}: ${gist}`;

  const lines: string[] = [];
  if (report.startEquity !== undefined && report.endEquity !== undefined) {
    const change = [
      report.equityChange !== undefined ? signedMoney(report.equityChange, q) : undefined,
      report.returnPct !== undefined ? signedPct(report.returnPct) : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`Equity ${plain(report.startEquity)} → ${money(report.endEquity, q)}${change ? ` (${change})` : ''}`);
  } else lines.push('Equity: no snapshot in the period');
  lines.push(
    `Realized ${signedMoney(report.realizedPnl, q)}${report.unrealizedPnl !== undefined ? ` · unrealized ${signedMoney(report.unrealizedPnl, q)}` : ''}`,
  );
  const funding = new Big(report.funding);
  const fundingText = funding.gt(0)
    ? `funding paid ${money(report.funding, q)}`
    : funding.lt(0)
      ? `funding received ${money(funding.neg().toString(), q)}`
      : `funding ${money(0, q)}`;
  lines.push(`Fees ${money(report.fees, q)} · ${fundingText}`);

  if (report.trades === 0) lines.push('Trades: none closed');
  else {
    const even = report.trades - report.wins - report.losses;
    lines.push(
      `Trades ${report.trades}: ${report.wins} won, ${report.losses} lost${even > 0 ? `, ${even} even` : ''} (${pct(report.winRatePct)} win rate)`,
    );
    if (report.best) lines.push(`Best: ${describeTrade(report.best, q)}`);
    if (report.worst && report.trades > 1) lines.push(`Worst: ${describeTrade(report.worst, q)}`);
  }

  const dd = report.maxDrawdown;
  lines.push(
    `Max drawdown ${signedPct(-dd.pct)}${new Big(dd.amount).gt(0) ? ` (${signedMoney(new Big(dd.amount).neg().toString(), q)})` : ''}`,
  );

  const hold = report.hold;
  if (hold.symbols.length > 0) {
    lines.push(`Buy & hold: ${hold.symbols.map((s) => `${s.symbol} ${signedPct(s.returnPct)}`).join(', ')}`);
    const account = report.returnPct !== undefined ? ` vs account ${signedPct(report.returnPct)}` : '';
    lines.push(`Hold average ${signedPct(hold.averagePct!)}${account}`);
  }
  if (hold.missing.length > 0) lines.push(`No hold prices for ${hold.missing.join(', ')}`);

  for (const s of report.byStrategy) {
    lines.push(
      `${s.strategy}: ${s.trades} ${s.trades === 1 ? 'trade' : 'trades'}, ${pct(s.winRatePct)} won, ${signedMoney(s.realizedPnl, q)}`,
    );
  }
  for (const { symbol, regime } of report.regimes) lines.push(`Regime ${symbol}: ${describeRegime(regime)}`);
  for (const rate of report.fundingRates ?? []) lines.push(fundingRateLine(rate, report.timeZone));
  return { title, lines };
}

/** "BULL, p 0.87 (HMM)"; the rules name a regime outright (p 1). */
function describeRegime(regime: RegimeView | undefined): string {
  if (!regime) return 'unknown (no reading: candles unavailable or still warming up)';
  const p = regime.probability === undefined ? '' : `, p ${regime.probability.toFixed(2)}`;
  return `${regime.label}${p} (${regime.source === 'hmm' ? 'HMM' : 'ADX/ATR rules'})`;
}

function describeTrade(t: TradeHighlight, quote: string): string {
  return `${t.symbol} ${t.side} ${signedMoney(t.pnl, quote)}${t.roiPct !== undefined ? ` (${signedPct(t.roiPct)})` : ''}`;
}

/** Money in the quote currency to 1e-8, as exact decimal text (sub-satoshi amounts are noise). */
const m8 = (v: Big.BigSource): Decimal => new Big(v).round(8, Big.roundHalfUp).toString();

/** A stored equity that reads as a finite amount (a corrupt snapshot is left out, not fatal). */
function isFiniteMoney(value: Decimal): boolean {
  return value !== '' && Number.isFinite(Number(value));
}
