// The executor's risk step for an entry: load what the engine needs (open positions, recent
// trades, the account's risk state, cached market statistics) while the exchange is being read,
// ask the engine, and record the decision, accepted or refused, with its numbers.
import type { Account } from '../domain/account';
import { Big, toDecimal, type Decimal } from '../domain/money';
import type { BookPosition, PositionSide, TradeRecord } from '../domain/trade';
import { isOpen } from '../domain/trade-math';
import { SignalRejectedError } from '../errors';
import type {
  AuditAppender,
  Clock,
  MarketInfo,
  MarketStatsSource,
  PositionBook,
  RegimeSource,
  RiskStore,
  TradeRepository,
} from './ports';
import { accountRiskConfig } from '../risk/account-config';
import type { RiskEngine } from '../risk/engine';
import { emptyRiskState, type RiskState } from '../risk/state';
import type { CorrelationCache } from '../risk/stats';
import type { OpenExposure } from '../risk/types';
import type { PriceLevel, Signal } from '../signal/types';
import { marketTime } from '../risk/market-time';

export interface EntryRiskDeps {
  positions: Pick<PositionBook, 'list'>;
  trades: Pick<TradeRepository, 'listByAccount'>;
  risk: Pick<RiskStore, 'getState'>;
  stats: MarketStatsSource;
  /** the symbol's regime, read only for accounts with per-regime limits (absent: those checks skip) */
  regimes?: RegimeSource;
  correlations: CorrelationCache;
  engine: RiskEngine;
  audit: AuditAppender;
  clock: Clock;
  /** market minutes per wall-clock minute (see RiskCheckDeps.marketSpeed) */
  marketSpeed?: number;
}

/** What is read from the tables before an entry is decided (started early, awaited when needed). */
export interface RiskSnapshot {
  positions: BookPosition[];
  trades: TradeRecord[];
  state: RiskState;
}

export interface EntryDecisionInput {
  signal: Signal;
  account: Account;
  market: MarketInfo;
  side: PositionSide;
  /** the last price */
  price: number;
  /** the price the entry is expected to fill at (sizing, minimums, a percent stop's distance); `price` when absent */
  fillPrice?: number;
  /** the taker fee rate of that fill, left room for in the margin cap */
  feeRate?: number;
  /** wallet balance + unrealized P&L as the exchange reported it after any close leg, quote currency */
  equity: Decimal;
  leverage: number;
}

export interface ApprovedEntry {
  amount: string;
  leverage: number;
  notional: string;
  margin: string;
  /**
   * The `risk.accepted` audit write, started but not awaited: the order need not wait for it. The
   * caller awaits it before the signal is finished, so a failed write still fails the signal.
   */
  audited: Promise<void>;
}

/** Trades read for Kelly sizing: enough for the EMA (span 30) to have forgotten the rest. */
const KELLY_TRADES = 100;

/**
 * How many recent trades the decision needs: Kelly's history when a sizing uses it, else just
 * enough to see a losing streak (each item read costs on every entry).
 */
export function tradesNeeded(account: Pick<Account, 'settings'>): number {
  const config = accountRiskConfig(account);
  const kelly = config.sizing.mode === 'kelly' || Object.values(config.strategySizing).some((s) => s.mode === 'kelly');
  return kelly ? KELLY_TRADES : Math.max(0, config.switches.lossStreak);
}

export class EntryRisk {
  constructor(private readonly deps: EntryRiskDeps) {}

  /** Starts the reads; call as soon as the account is known so they overlap the exchange calls. */
  prefetch(account: Pick<Account, 'accountId' | 'settings'>): Promise<RiskSnapshot> {
    const { positions, trades, risk, clock } = this.deps;
    const { accountId } = account;
    const recent = tradesNeeded(account);
    return Promise.all([
      positions.list(accountId),
      recent > 0 ? trades.listByAccount(accountId, recent) : Promise.resolve([]),
      risk.getState(accountId),
    ]).then(([p, t, s]) => ({
      positions: p,
      trades: t,
      state: s ?? emptyRiskState(accountId, clock.now()),
    }));
  }

  /** The approved amount and leverage, or SignalRejectedError with the engine's code; audited either way. */
  async decide(input: EntryDecisionInput, snapshot: RiskSnapshot): Promise<ApprovedEntry> {
    const { signal, account, market, side, price, equity } = input;
    const fillPrice = input.fillPrice ?? price;
    const now = this.deps.clock.now();
    const config = accountRiskConfig(account);
    // A reverse closes the other side first: that position is no longer exposure.
    const open: OpenExposure[] = snapshot.positions
      .filter((p) => isOpen(p) && !(p.symbol === market.symbol && p.side !== side))
      .map((p) => ({
        symbol: p.symbol,
        side: p.side as PositionSide,
        quantity: Number(p.quantity),
        notional: new Big(p.quantity).times(p.entryPrice).abs().toString(),
      }));
    const symbols = new Set([market.symbol, ...open.map((p) => p.symbol)]);
    const regimes = Object.keys(config.regimes).length > 0 ? this.deps.regimes : undefined;
    await Promise.all([
      ...[...symbols].map((s) => this.deps.stats.get(s, now)),
      ...(regimes ? [regimes.get(market.symbol, now)] : []),
    ]);
    // A percent stop is placed from the fill (the booked entry price): its distance is measured there.
    const stopPrice = stopPriceOf(signal.sl, side, fillPrice);
    const decision = this.deps.engine.decideEntry(
      {
        symbol: market.symbol,
        side,
        price,
        ...(input.fillPrice !== undefined ? { fillPrice } : {}),
        ...(input.feeRate !== undefined ? { feeRate: input.feeRate } : {}),
        priceAt: marketTime(now, this.deps.marketSpeed),
        leverage: input.leverage,
        ...(stopPrice !== undefined ? { stopPrice } : {}),
        ...(signal.size ? { explicit: signal.size } : {}),
        ...(signal.strategy ? { strategy: signal.strategy } : {}),
      },
      {
        config,
        accountMaxLeverage: account.settings.maxLeverage,
        equity,
        market,
        open,
        stats: (s) => this.deps.stats.peek(s),
        ...(regimes ? { regime: (s: string) => regimes.peek(s) } : {}),
        correlations: this.deps.correlations,
        now,
        state: snapshot.state,
        trades: snapshot.trades,
      },
    );
    const base = {
      intent: signal.intent,
      symbol: market.symbol,
      equity: toDecimal(equity),
      price,
      ...(input.fillPrice !== undefined ? { fillPrice } : {}),
      requestedLeverage: input.leverage,
      checks: decision.checks,
    };
    if (!decision.accepted) {
      await this.deps.audit.append({
        accountId: account.accountId,
        type: 'risk.refused',
        at: now,
        signalId: signal.signalId,
        message: `entry refused: ${decision.reason}`,
        data: { ...base, code: decision.code, numbers: decision.numbers },
      });
      throw new SignalRejectedError(decision.reason, decision.code, decision.numbers);
    }
    const amount = decision.amount.toString();
    const notional = new Big(amount).times(fillPrice);
    const audited = this.deps.audit.append({
      accountId: account.accountId,
      type: 'risk.accepted',
      at: now,
      signalId: signal.signalId,
      message: `entry accepted: ${amount} ${market.base} (${decision.mode}) x${decision.leverage}${decision.leverage < input.leverage ? ` (asked x${input.leverage})` : ''}`,
      data: {
        ...base,
        amount,
        leverage: decision.leverage,
        mode: decision.mode,
        notional: toDecimal(decision.notional),
      },
    });
    audited.catch(() => undefined); // awaited by the caller; not an unhandled rejection meanwhile
    return {
      amount,
      leverage: decision.leverage,
      notional: notional.toString(),
      margin: notional.div(decision.leverage).toString(),
      audited,
    };
  }
}

/** The stop-loss trigger the signal asks for, as a price (percent levels measured from `price`). */
export function stopPriceOf(sl: PriceLevel | undefined, side: PositionSide, price: number): number | undefined {
  if (!sl) return undefined;
  if (sl.kind === 'price') return sl.value;
  return side === 'long' ? price * (1 - sl.value / 100) : price * (1 + sl.value / 100);
}
