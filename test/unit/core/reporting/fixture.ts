// A two-day account for the report tests and the example chart (docs/img/report-equity.png):
// account acc-1 in Asia/Seoul (UTC+9, no DST), period 2024-05-11 00:00 → 2024-05-13 00:00 KST.
//
// 11 trades closed in the period (5 trend, 5 meanrev, 1 without strategy), closing at hours
// 1, 5, 9, …, 41 of the period:
//
//   id   symbol  side   strategy  realizedPnl   fees   funding  roiPct
//   t01  BTC     long   trend        +120.50    2.10    +0.40    +6.10
//   t02  ETH     short  meanrev       -35.25    1.05    -0.20    -3.50
//   t03  BTC     long   trend         +80.00    1.60     0.00    +4.00
//   t04  ETH     short  trend         -60.10    1.20    +0.35    -6.00
//   t05  BTC     long   meanrev       +15.75    0.10    +0.05    +1.60
//   t06  ETH     long   meanrev       +42.30    0.95    -0.10    +4.20
//   t07  BTC     long   trend        -110.00    2.20    +0.60    -5.50
//   t08  ETH     long   (none)          0.00    0.20     0.00     0.00
//   t09  BTC     long   meanrev       -12.40    0.60     0.00    -1.20
//   t10  ETH     long   trend         +95.15    1.90    -0.25    +9.50
//   t11  BTC     long   meanrev       +28.60    0.70    +0.10    +2.90
//
// and four that must not count: x01 (SOL, closed 1 ms before the period), x02 (ETH, closed exactly
// at its end), x03 (XRP, opened in the period and still open, 40 USDT realized by a partial exit),
// x04 (another account's trade).
//
// Equity snapshots every hour h = 0…48 (49 of them, both ends included), piecewise linear:
//   h  0 →  8: 10,000 + 50 h          → peak 10,400 at h 8
//   h  8 → 14: 10,400 − 52 (h − 8)    → trough 10,088 at h 14 (fall 312 = 3.00 % of 10,400)
//   h 14 → 30: 10,088 + 32 (h − 14)   → peak 10,600 at h 30
//   h 30 → 40: 10,600 − 31.5 (h − 30) → trough 10,285 at h 40 (fall 315 = 2.97 % of 10,600)
//   h 40 → 48: 10,285 + 10 (h − 40)   → 10,365 at h 48
// unrealized P&L 0 except the last snapshot (25.45). Plus snapshots that must not count: one an
// hour before, one an hour after, one of another account.
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import type { EquitySnapshot } from '../../../../shared/core/ports/repositories';
import type { PeriodReportInput } from '../../../../shared/core/reporting/period-report';

export const HOUR = 3_600_000;
/** 2024-05-11 00:00 in Asia/Seoul */
export const FROM = Date.UTC(2024, 4, 10, 15);
export const TO = FROM + 48 * HOUR;
export const ACCOUNT = 'acc-1';
export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';
export const SOL = 'SOL/USDT:USDT';
export const XRP = 'XRP/USDT:USDT';

/** Money fields given as numbers for brevity; the records carry them as decimal text, as stored. */
type MoneyIn<T, K extends keyof T> = Omit<T, K> & { [P in K]?: string | number };
const text = <T extends object>(fields: T, keys: readonly string[]): T => {
  const out = { ...fields } as Record<string, unknown>;
  for (const k of keys) if (typeof out[k] === 'number') out[k] = String(out[k]);
  return out as T;
};

export function trade(
  input: MoneyIn<Partial<TradeRecord>, 'fees' | 'funding' | 'realizedPnl'> & Pick<TradeRecord, 'tradeId' | 'symbol'>,
): TradeRecord {
  const fields = text(input, ['fees', 'funding', 'realizedPnl']) as Partial<TradeRecord> &
    Pick<TradeRecord, 'tradeId' | 'symbol'>;
  const closedAt = fields.closedAt ?? FROM + HOUR;
  return {
    accountId: ACCOUNT,
    side: 'long',
    status: 'closed',
    leverage: 5,
    quantity: '0',
    maxQuantity: '1',
    entryPrice: '100',
    exitPrice: '101',
    exitedQuantity: '1',
    openedAt: closedAt - 2 * HOUR,
    closedAt,
    fees: '0',
    funding: '0',
    realizedPnl: '0',
    openSignalId: `open-${fields.tradeId}`,
    closeSignalId: `close-${fields.tradeId}`,
    exitReason: 'signal',
    updatedAt: closedAt,
    ...fields,
  };
}

type Row = [
  id: string,
  symbol: string,
  side: 'long' | 'short',
  strategy: string | undefined,
  pnl: number,
  fees: number,
  funding: number,
  roi: number,
];

const ROWS: Row[] = [
  ['t01', BTC, 'long', 'trend', 120.5, 2.1, 0.4, 6.1],
  ['t02', ETH, 'short', 'meanrev', -35.25, 1.05, -0.2, -3.5],
  ['t03', BTC, 'long', 'trend', 80, 1.6, 0, 4],
  ['t04', ETH, 'short', 'trend', -60.1, 1.2, 0.35, -6],
  ['t05', BTC, 'long', 'meanrev', 15.75, 0.1, 0.05, 1.6],
  ['t06', ETH, 'long', 'meanrev', 42.3, 0.95, -0.1, 4.2],
  ['t07', BTC, 'long', 'trend', -110, 2.2, 0.6, -5.5],
  ['t08', ETH, 'long', undefined, 0, 0.2, 0, 0],
  ['t09', BTC, 'long', 'meanrev', -12.4, 0.6, 0, -1.2],
  ['t10', ETH, 'long', 'trend', 95.15, 1.9, -0.25, 9.5],
  ['t11', BTC, 'long', 'meanrev', 28.6, 0.7, 0.1, 2.9],
];

/** closedAt of row k (0-based): hour 1 + 4k of the period */
export const closeHour = (k: number): number => 1 + 4 * k;

export const PERIOD_TRADES: TradeRecord[] = ROWS.map(
  ([tradeId, symbol, side, strategy, realizedPnl, fees, funding, roiPct], k) =>
    trade({
      tradeId,
      symbol,
      side,
      ...(strategy ? { strategy } : {}),
      realizedPnl,
      fees,
      funding,
      roiPct,
      closedAt: FROM + closeHour(k) * HOUR,
    }),
);

export const OTHER_TRADES: TradeRecord[] = [
  trade({ tradeId: 'x01', symbol: SOL, strategy: 'trend', realizedPnl: 500, fees: 3, closedAt: FROM - 1 }),
  trade({ tradeId: 'x02', symbol: ETH, strategy: 'meanrev', realizedPnl: -300, fees: 2, closedAt: TO }),
  trade({
    tradeId: 'x03',
    symbol: XRP,
    strategy: 'trend',
    status: 'open',
    quantity: '50',
    exitedQuantity: '50',
    realizedPnl: 40,
    fees: 1,
    openedAt: FROM + 20 * HOUR,
    closedAt: undefined,
    exitPrice: undefined,
    exitReason: undefined,
  }),
  trade({
    tradeId: 'x04',
    symbol: BTC,
    accountId: 'acc-2',
    strategy: 'trend',
    realizedPnl: 1000,
    fees: 5,
    closedAt: FROM + 3 * HOUR,
  }),
];

export const TRADES: TradeRecord[] = [...OTHER_TRADES.slice(0, 2), ...PERIOD_TRADES, ...OTHER_TRADES.slice(2)];

/** The fixture's equity at hour h of the period (see the header). */
export function equityAt(h: number): number {
  if (h <= 8) return 10_000 + 50 * h;
  if (h <= 14) return 10_400 - 52 * (h - 8);
  if (h <= 30) return 10_088 + 32 * (h - 14);
  if (h <= 40) return 10_600 - 31.5 * (h - 30);
  return 10_285 + 10 * (h - 40);
}

export function snapshot(
  at: number,
  equity: number | string,
  fields: MoneyIn<Partial<EquitySnapshot>, 'equity' | 'free' | 'unrealizedPnl' | 'exposure'> = {},
): EquitySnapshot {
  const given = text(fields, ['equity', 'free', 'unrealizedPnl', 'exposure']) as Partial<EquitySnapshot>;
  return {
    accountId: ACCOUNT,
    at,
    equity: String(equity),
    free: String(equity),
    unrealizedPnl: '0',
    openPositions: 0,
    exposure: '0',
    ...given,
  };
}

export const PERIOD_SNAPSHOTS: EquitySnapshot[] = Array.from({ length: 49 }, (_, h) =>
  snapshot(FROM + h * HOUR, equityAt(h), h === 48 ? { unrealizedPnl: 25.45, openPositions: 1 } : {}),
);

export const SNAPSHOTS: EquitySnapshot[] = [
  // Given newest first: the report sorts them.
  ...[...PERIOD_SNAPSHOTS].reverse(),
  snapshot(FROM - HOUR, 9_000),
  snapshot(TO + HOUR, 20_000),
  snapshot(FROM + 5 * HOUR, 50_000, { accountId: 'acc-2' }),
];

/** BTC +3 %, ETH −2 %, XRP +4 %; SOL has prices but was not traded in the period. */
export const HOLD_PRICES: PeriodReportInput['holdPrices'] = {
  [BTC]: { from: 60_000, to: 61_800 },
  [ETH]: { from: 3_000, to: 2_940 },
  [XRP]: { from: 0.5, to: 0.52 },
  [SOL]: { from: 150, to: 160 },
};

export const INPUT: PeriodReportInput = {
  accountId: ACCOUNT,
  from: FROM,
  to: TO,
  timeZone: 'Asia/Seoul',
  trades: TRADES,
  snapshots: SNAPSHOTS,
  holdPrices: HOLD_PRICES,
};
