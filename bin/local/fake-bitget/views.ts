// The rows the fake answers, field for field as Bitget's documented response examples
// (test/fixtures/exchange/docs/bitget.json) and ccxt's captured answers
// (test/fixtures/exchange/ccxt-static/bitget.response.json) carry them: every field of the example,
// in its order, as strings. Fields the fake does not model keep the example's neutral value ("" or "0").
import { Big } from '../../../shared/core/domain/money';
import type { Account, BitgetState } from './state';
import type { FakeBitgetBill, FakeBitgetFill, FakeBitgetOrder, FakeBitgetPlan } from './types';

const MAINTENANCE_RATE = '0.004';

/** Get-Ticker ("ticker response"): last, best bid and ask at the last price, mark = index = last. */
export function tickerRow(state: BitgetState, symbol: string): Record<string, string> {
  const px = state.price(symbol).toString();
  return {
    symbol,
    lastPr: px,
    askPr: px,
    bidPr: px,
    bidSz: '1',
    askSz: '1',
    high24h: px,
    low24h: px,
    ts: String(state.now()),
    change24h: '0',
    baseVolume: '0',
    quoteVolume: '0',
    usdtVolume: '0',
    openUtc: px,
    changeUtc24h: '0',
    indexPrice: px,
    fundingRate: '0.0001',
    holdingAmount: '0',
    deliveryStartTime: '',
    deliveryTime: '',
    deliveryStatus: '',
    open24h: px,
    markPrice: px,
  };
}

function unrealised(state: BitgetState, account: Account): Big {
  let upl = new Big(0);
  for (const symbol of account.positions.keys()) upl = upl.plus(state.upl(account, symbol));
  return upl;
}

/** Get-Account-List ("accounts response"); a classic single-asset account. */
export function accountsRow(state: BitgetState, account: Account): Record<string, unknown> {
  const available = state.available(account);
  const free = (available.gt(0) ? available : new Big(0)).toString();
  const equity = state.equity(account).toString();
  const upl = unrealised(state, account).toString();
  return {
    marginCoin: 'USDT',
    locked: '0',
    available: account.cash.toString(),
    crossedMaxAvailable: free,
    isolatedMaxAvailable: free,
    maxTransferOut: free,
    accountEquity: equity,
    usdtEquity: equity,
    btcEquity: state.prices.has('BTCUSDT')
      ? new Big(equity).div(state.price('BTCUSDT')).round(12, Big.roundDown).toString()
      : '0',
    crossedRiskRate: '0',
    unrealizedPL: upl,
    coupon: '0',
    unionTotalMagin: '0',
    unionAvailable: '0',
    unionMm: '0',
    assetList: [],
    isolatedMargin: state.usedMargin(account).toString(),
    crossedMargin: '0',
    crossedUnrealizedPL: '0',
    isolatedUnrealizedPL: upl,
    assetMode: 'single',
  };
}

/** Get-Single-Account ("single account response"): the same balance, with the symbol's mode and leverage. */
export function singleAccountRow(state: BitgetState, account: Account, symbol: string): Record<string, unknown> {
  const row = accountsRow(state, account);
  const lever = state.leverage(account, symbol);
  return {
    marginCoin: 'USDT',
    locked: row.locked,
    available: row.available,
    crossedMaxAvailable: row.crossedMaxAvailable,
    isolatedMaxAvailable: row.isolatedMaxAvailable,
    maxTransferOut: row.maxTransferOut,
    accountEquity: row.accountEquity,
    usdtEquity: row.usdtEquity,
    btcEquity: row.btcEquity,
    crossedRiskRate: '0',
    crossedMarginLeverage: lever,
    isolatedLongLever: lever,
    isolatedShortLever: lever,
    marginMode: state.marginMode(account, symbol),
    posMode: account.posMode,
    unrealizedPL: row.unrealizedPL,
    coupon: '0',
    crossedUnrealizedPL: '0',
    isolatedUnrealizedPL: row.isolatedUnrealizedPL,
    assetMode: 'single',
  };
}

/** get-single-position ("single-position response"): the all-position row less its tp/sl fields, with autoMargin. */
export function singlePositionRow(
  state: BitgetState,
  account: Account,
  symbol: string,
): Record<string, string> | undefined {
  const row = positionRow(state, account, symbol);
  if (!row) return undefined;
  const { takeProfit: _tp, stopLoss: _sl, takeProfitId: _tpId, stopLossId: _slId, ...rest } = row;
  return { ...rest, autoMargin: 'off' };
}

/** get-all-position ("all-position response"); undefined when flat. */
export function positionRow(state: BitgetState, account: Account, symbol: string): Record<string, string> | undefined {
  const p = account.positions.get(symbol);
  if (!p || p.total.eq(0)) return undefined;
  const size = p.total.abs();
  const long = p.total.gt(0);
  const lever = state.leverage(account, symbol);
  const margin = size.times(p.openPriceAvg).div(lever);
  const mark = state.price(symbol);
  const locked = state.orders
    .filter(
      (o) =>
        o.apiKey === account.seed.apiKey &&
        o.symbol === symbol &&
        o.reduceOnly &&
        (o.state === 'live' || o.state === 'partially_filled'),
    )
    .reduce((sum, o) => sum.plus(new Big(o.size).minus(o.baseVolume)), new Big(0));
  // isolated liquidation where the loss eats the margin down to the maintenance rate
  const move = margin.div(size).times(new Big(1).minus(MAINTENANCE_RATE));
  const liquidation = long ? p.openPriceAvg.minus(move) : p.openPriceAvg.plus(move);
  return {
    marginCoin: 'USDT',
    symbol,
    holdSide: long ? 'long' : 'short',
    openDelegateSize: '0',
    marginSize: margin.toString(),
    available: size.minus(locked).toString(),
    locked: locked.toString(),
    total: size.toString(),
    leverage: lever,
    achievedProfits: p.achievedProfits.toString(),
    openPriceAvg: p.openPriceAvg.toString(),
    marginMode: state.marginMode(account, symbol),
    posMode: account.posMode,
    unrealizedPL: state.upl(account, symbol).toString(),
    liquidationPrice: (liquidation.gt(0) ? liquidation : new Big(0)).toString(),
    keepMarginRate: MAINTENANCE_RATE,
    markPrice: mark.toString(),
    breakEvenPrice: p.openPriceAvg.toString(),
    totalFee: p.totalFee.toString(),
    deductedFee: '0',
    takeProfit: '',
    stopLoss: '',
    takeProfitId: '',
    stopLossId: '',
    marginRatio: '0',
    assetMode: 'single',
    cTime: String(p.cTime),
    uTime: String(p.uTime),
  };
}

const yesNo = (b: boolean) => (b ? 'YES' : 'NO');

/** Get-Order-Details ("order detail response", ccxt's "fetchOrder swap market buy"). */
export function orderRow(order: FakeBitgetOrder, posMode: string): Record<string, string> {
  return {
    symbol: order.symbol,
    size: order.size,
    orderId: order.orderId,
    clientOid: order.clientOid,
    baseVolume: order.baseVolume,
    priceAvg: order.priceAvg,
    fee: order.fee,
    price: order.price,
    state: order.state,
    side: order.side,
    force: order.force,
    totalProfits: order.totalProfits,
    posSide: 'net',
    marginCoin: 'USDT',
    presetStopSurplusPrice: '',
    presetStopSurplusType: '',
    presetStopSurplusExecutePrice: '',
    presetStopLossPrice: '',
    presetStopLossType: '',
    presetStopLossExecutePrice: '',
    quoteVolume: order.priceAvg === '' ? '0' : new Big(order.baseVolume).times(order.priceAvg).toString(),
    orderType: order.orderType,
    leverage: '',
    marginMode: order.marginMode,
    reduceOnly: yesNo(order.reduceOnly),
    enterPointSource: order.orderSource === 'normal' ? 'API' : 'SYS',
    // one-way: "" as in the page's one-way example ("order detail response")
    tradeSide: '',
    posMode,
    orderSource: order.orderSource,
    cancelReason: '',
    cTime: String(order.cTime),
    uTime: String(order.uTime),
  };
}

/** Get-Orders-Pending ("orders-pending response"): the detail's fields with `status` for `state`, and no reduceOnly or cancelReason (the example has neither). */
export function pendingOrderRow(order: FakeBitgetOrder, posMode: string): Record<string, string> {
  const { state, cancelReason: _cancelReason, reduceOnly: _reduceOnly, ...rest } = orderRow(order, posMode);
  return { ...rest, status: state ?? '' };
}

/** orders-plan-pending ("orders-plan-pending response"), and with the fill for orders-plan-history. */
export function planRow(
  state: BitgetState,
  plan: FakeBitgetPlan,
  posMode: string,
  history: boolean,
): Record<string, string> {
  const executed =
    history && plan.executeOrderId !== '' ? state.orders.find((o) => o.orderId === plan.executeOrderId) : undefined;
  return {
    planType: plan.planType,
    symbol: plan.symbol,
    size: plan.size,
    orderId: plan.orderId,
    ...(history ? { executeOrderId: plan.executeOrderId } : {}),
    clientOid: plan.clientOid,
    ...(history ? { planStatus: plan.planStatus } : {}),
    price: '',
    executePrice: '0',
    ...(history ? { priceAvg: executed?.priceAvg ?? '', baseVolume: executed?.baseVolume ?? '0' } : {}),
    callbackRatio: plan.callbackRatio,
    triggerPrice: plan.triggerPrice,
    triggerType: plan.triggerType,
    ...(history ? {} : { planStatus: plan.planStatus }),
    side: plan.side,
    posSide: 'net',
    marginCoin: 'USDT',
    marginMode: plan.marginMode,
    enterPointSource: 'API',
    tradeSide: '',
    posMode,
    orderType: 'market',
    ...(history ? {} : { orderSource: 'normal' }),
    cTime: String(plan.cTime),
    uTime: String(plan.uTime),
    stopSurplusExecutePrice: '',
    stopSurplusTriggerPrice: '',
    stopSurplusTriggerType: '',
    stopLossExecutePrice: '',
    stopLossTriggerPrice: '',
    stopLossTriggerType: '',
  };
}

/** Get-Order-Fills ("fills response", ccxt's "fetchMyTrades swap trade": fee in USDT, not deducted). */
export function fillRow(fill: FakeBitgetFill, posMode: string): Record<string, unknown> {
  return {
    tradeId: fill.tradeId,
    symbol: fill.symbol,
    orderId: fill.orderId,
    price: fill.price,
    baseVolume: fill.baseVolume,
    feeDetail: [{ deduction: 'no', feeCoin: 'USDT', totalDeductionFee: null, totalFee: fill.fee }],
    side: fill.side,
    quoteVolume: new Big(fill.baseVolume).times(fill.price).toString(),
    profit: fill.profit,
    enterPointSource: 'api',
    tradeSide: fill.tradeSide,
    posMode,
    tradeScope: 'taker',
    cTime: String(fill.cTime),
  };
}

/** Get-Account-Bill ("account bill response"). */
export function billRow(bill: FakeBitgetBill): Record<string, string> {
  return {
    billId: bill.billId,
    symbol: bill.symbol,
    amount: bill.amount,
    fee: bill.fee,
    feeByCoupon: '',
    businessType: bill.businessType,
    coin: 'USDT',
    balance: bill.balance,
    cTime: String(bill.cTime),
  };
}
