// The income history (GET /fapi/v1/income): every wallet change with its cause. Fills book their
// commission and realized P&L here; funding is settled on demand (chargeFunding), since the fake
// has no clock of its own to settle it every eight hours.
import { fixed, round } from './decimals';
import { timeWindow } from './market-data';
import type { Params } from './order-params';
import type { Account, ExchangeState } from './state';
import type { FakeIncome, IncomeType } from './types';

const WEEK_MS = 7 * 24 * 60 * 60_000;

export function recordIncome(
  state: ExchangeState,
  account: Account,
  row: { symbol: string; incomeType: IncomeType; income: number; time: number; tradeId?: number },
): FakeIncome {
  const income: FakeIncome = {
    apiKey: account.apiKey,
    symbol: row.symbol,
    incomeType: row.incomeType,
    income: row.income,
    asset: 'USDT',
    info: row.incomeType,
    time: row.time,
    tranId: state.newTranId(),
    tradeId: row.tradeId === undefined ? '' : String(row.tradeId),
  };
  state.income.push(income);
  return income;
}

/**
 * Funding on every open position of the symbol: notional × rate at the current (mark) price, paid
 * by longs and received by shorts when the rate is positive, as Binance settles it.
 */
export function chargeFunding(state: ExchangeState, symbol: string, rate: number): FakeIncome[] {
  if (!Number.isFinite(rate)) throw new Error(`fake-binance: funding rate must be a number, got ${rate}`);
  const market = state.market(symbol);
  const now = state.now();
  const rows: FakeIncome[] = [];
  for (const account of state.accounts.values()) {
    for (const position of account.positions.values()) {
      if (position.symbol !== market.symbol || position.amount === 0) continue;
      const income = round(-position.amount * market.price * rate, 8);
      if (income === 0) continue;
      account.wallet = round(account.wallet + income, 8);
      rows.push(recordIncome(state, account, { symbol: market.symbol, incomeType: 'FUNDING_FEE', income, time: now }));
    }
  }
  const rates = state.funding.get(market.symbol) ?? [];
  rates.push([now, rate]);
  state.funding.set(market.symbol, rates);
  return rows;
}

/**
 * GET /fapi/v1/income: optional symbol and incomeType; without startTime or endTime only the last
 * seven days; limit default 100, at most 1000 (Binance's rules).
 */
export function incomeHistory(state: ExchangeState, account: Account, params: Params): Record<string, unknown>[] {
  const symbol = params.symbol === undefined ? undefined : state.market(params.symbol).symbol;
  const type = params.incomeType;
  const rows = state.income.filter(
    (r) =>
      r.apiKey === account.apiKey &&
      (symbol === undefined || r.symbol === symbol) &&
      (type === undefined || r.incomeType === type),
  );
  const range =
    params.startTime === undefined && params.endTime === undefined
      ? { ...params, startTime: String(state.now() - WEEK_MS) }
      : params;
  return timeWindow(rows, (r) => r.time, range, 100, 1000).map((r) => ({
    symbol: r.symbol,
    incomeType: r.incomeType,
    income: fixed(r.income, 8),
    asset: r.asset,
    info: r.info,
    time: r.time,
    tranId: r.tranId,
    tradeId: r.tradeId,
  }));
}
