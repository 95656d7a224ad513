// The rows the fake answers with, key for key as Bybit documents or ccxt captured them: an order as
// docs "Get Open & Closed Orders" (open-order.response / order-list.response), a position as ccxt's
// captured linear position (fetchPositions), the wallet as ccxt's captured UNIFIED balance, an
// execution as ccxt's captured linear execution (fetchMyTrades, fetchFundingHistory), the ticker and
// book as ccxt's captured BTCUSDT ones, key information as docs "Get API Key Information".
import { Big } from '../../../shared/core/domain/money';
import type { Account, BybitState } from './state';
import type { FakeBybitExecution, FakeBybitOrder } from './types';

const ms = (t: number): string => String(t);
const fixed = (v: Big, dp = 8): string => v.round(dp, Big.roundHalfEven).toString();

export function orderRow(o: FakeBybitOrder): Record<string, unknown> {
  const leaves =
    o.orderStatus === 'New' || o.orderStatus === 'PartiallyFilled' || o.orderStatus === 'Untriggered'
      ? new Big(o.qty).minus(o.cumExecQty)
      : new Big(0);
  return {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    blockTradeId: '',
    symbol: o.symbol,
    price: o.price,
    qty: o.qty,
    side: o.side,
    isLeverage: '',
    positionIdx: 0,
    orderStatus: o.orderStatus,
    cancelType: o.orderStatus === 'Cancelled' || o.orderStatus === 'Deactivated' ? 'CancelByUser' : 'UNKNOWN',
    rejectReason: 'EC_NoError',
    avgPrice: o.avgPrice,
    leavesQty: leaves.toString(),
    leavesValue: leaves.times(o.price).toString(),
    cumExecQty: o.cumExecQty,
    cumExecValue: o.cumExecValue,
    cumExecFee: o.cumExecFee,
    timeInForce: o.timeInForce,
    orderType: o.orderType,
    stopOrderType: o.stopOrderType,
    orderIv: '',
    triggerPrice: o.triggerPrice === '' ? '0.00' : o.triggerPrice,
    takeProfit: '0.00',
    stopLoss: '0.00',
    tpTriggerBy: 'UNKNOWN',
    slTriggerBy: 'UNKNOWN',
    triggerDirection: o.triggerDirection,
    triggerBy: o.triggerPrice === '' ? 'UNKNOWN' : 'LastPrice',
    lastPriceOnCreated: o.lastPriceOnCreated,
    reduceOnly: o.reduceOnly,
    closeOnTrigger: o.closeOnTrigger,
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    tpslMode: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    placeType: '',
    slippageToleranceType: 'UNKNOWN',
    slippageTolerance: '',
    createdTime: ms(o.createdTime),
    updatedTime: ms(o.updatedTime),
    extraFees: '',
    // docs: cumExecFee is deprecated for linear; cumFeeDetail carries the fee per coin
    cumFeeDetail: o.cumExecFee === '0' ? {} : { USDT: o.cumExecFee },
    rpiTakerAccess: false,
    rpiMatchedQty: '0',
  };
}

/** A position row; `undefined` for a flat position when listed by settleCoin (the list holds sized positions only). */
export function positionRow(state: BybitState, account: Account, symbol: string): Record<string, unknown> {
  const p = state.position(account, symbol);
  const mark = state.price(symbol);
  const open = !p.size.eq(0);
  const size = p.size.abs();
  const leverage = state.leverage(account, symbol);
  return {
    symbol,
    leverage,
    autoAddMargin: 0,
    avgPrice: open ? p.avgPrice.toString() : '0',
    liqPrice: '',
    riskLimitValue: '2000000',
    takeProfit: '',
    positionValue: open ? size.times(p.avgPrice).toString() : '',
    isReduceOnly: false,
    tpslMode: 'Full',
    riskId: 1,
    trailingStop: '0',
    unrealisedPnl: open ? fixed(state.upl(account, symbol)) : '',
    markPrice: mark.toString(),
    adlRankIndicator: open ? 2 : 0,
    curRealisedPnl: fixed(p.curRealisedPnl),
    cumRealisedPnl: fixed(p.cumRealisedPnl),
    positionMM: '0',
    createdTime: ms(p.createdTime),
    positionIdx: 0,
    positionIM: fixed(state.positionIM(account, symbol)),
    seq: p.updatedTime,
    updatedTime: ms(p.updatedTime),
    side: open ? (p.size.gt(0) ? 'Buy' : 'Sell') : '',
    bustPrice: '',
    positionBalance: fixed(state.positionIM(account, symbol)),
    leverageSysUpdatedTime: '',
    size: size.toString(),
    positionStatus: 'Normal',
    mmrSysUpdatedTime: '',
    stopLoss: '',
    tradeMode: 0,
    sessionAvgPrice: '',
    breakEvenPrice: '',
  };
}

export function walletRow(state: BybitState, account: Account): Record<string, unknown> {
  let upl = new Big(0);
  for (const symbol of account.positions.keys()) upl = upl.plus(state.upl(account, symbol));
  const equity = state.equity(account);
  const im = state.usedMargin(account);
  return {
    totalEquity: fixed(equity),
    accountIMRate: equity.gt(0) ? fixed(im.div(equity), 4) : '0',
    totalMarginBalance: fixed(equity),
    totalInitialMargin: fixed(im),
    accountType: 'UNIFIED',
    totalAvailableBalance: fixed(state.available(account)),
    accountMMRate: '0',
    totalPerpUPL: fixed(upl),
    totalWalletBalance: fixed(account.wallet),
    accountLTV: '0',
    totalMaintenanceMargin: '0',
    coin: [
      {
        availableToBorrow: '',
        bonus: '0',
        accruedInterest: '0',
        // "" as captured: deprecated for UNIFIED accounts, so ccxt derives used = locked + position IM + order IM
        availableToWithdraw: '',
        totalOrderIM: '0',
        equity: fixed(equity),
        totalPositionMM: '0',
        usdValue: fixed(equity),
        unrealisedPnl: fixed(upl),
        collateralSwitch: true,
        spotHedgingQty: '0',
        borrowAmount: '0.000000000000000000',
        totalPositionIM: fixed(im),
        walletBalance: fixed(account.wallet),
        cumRealisedPnl: '0',
        locked: '0',
        marginCollateral: true,
        coin: 'USDT',
      },
    ],
  };
}

export function executionRow(e: FakeBybitExecution): Record<string, unknown> {
  return {
    symbol: e.symbol,
    orderType: e.orderType,
    underlyingPrice: '',
    orderLinkId: e.orderLinkId,
    orderId: e.orderId,
    stopOrderType: e.stopOrderType,
    execTime: ms(e.execTime),
    feeCurrency: '',
    createType: e.execType === 'Trade' ? 'CreateByUser' : '',
    feeRate: e.feeRate,
    tradeIv: '',
    blockTradeId: '',
    markPrice: e.markPrice,
    execPrice: e.execPrice,
    markIv: '',
    orderQty: e.orderQty,
    orderPrice: e.orderPrice,
    execValue: e.execValue,
    closedSize: e.closedSize,
    execType: e.execType,
    seq: String(e.execTime),
    side: e.side,
    indexPrice: '',
    leavesQty: e.leavesQty,
    isMaker: e.isMaker,
    execFee: e.execFee,
    execId: e.execId,
    marketUnit: '',
    execQty: e.execQty,
  };
}

export function tickerRow(state: BybitState, symbol: string): Record<string, unknown> {
  const last = state.price(symbol);
  const tick = state.instrument(symbol).priceFilter.tickSize;
  return {
    symbol,
    lastPrice: last.toString(),
    indexPrice: last.toString(),
    markPrice: last.toString(),
    prevPrice24h: last.toString(),
    price24hPcnt: '0',
    highPrice24h: last.toString(),
    lowPrice24h: last.toString(),
    prevPrice1h: last.toString(),
    openInterest: '0',
    openInterestValue: '0',
    turnover24h: '0',
    volume24h: '0',
    fundingRate: state.fundingOf(symbol).rate,
    nextFundingTime: String(state.fundingOf(symbol).nextFundingTime),
    predictedDeliveryPrice: '',
    basisRate: '',
    deliveryFeeRate: '',
    deliveryTime: '0',
    ask1Size: '1',
    bid1Price: last.minus(tick).toString(),
    ask1Price: last.toString(),
    bid1Size: '1',
    basis: '',
  };
}

/** One level a side around the last price: the fake keeps no depth. */
export function bookResult(state: BybitState, symbol: string): Record<string, unknown> {
  const last = state.price(symbol);
  const tick = state.instrument(symbol).priceFilter.tickSize;
  const now = state.now();
  return { s: symbol, b: [[last.minus(tick).toString(), '1']], a: [[last.toString(), '1']], ts: now, u: now, seq: now };
}

export function apiKeyRow(account: Account): Record<string, unknown> {
  const seed = account.seed;
  return {
    id: '1',
    note: 'fake-bybit',
    apiKey: seed.apiKey,
    readOnly: seed.readOnly ?? 0,
    // never the secret: Bybit answers "" here too
    secret: '',
    permissions: seed.permissions ?? {
      ContractTrade: ['Order', 'Position'],
      Spot: [],
      Wallet: ['AccountTransfer'],
      Options: [],
      Derivatives: [],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: [],
      NFT: [],
      Affiliate: [],
      Earn: [],
    },
    ips: seed.ips ?? ['*'],
    type: 1,
    deadlineDay: -2,
    expiredAt: '1970-01-01T00:00:00Z',
    createdAt: '2026-01-01T00:00:00Z',
    unified: 0,
    uta: 1,
    userID: 1,
    inviterID: 0,
    vipLevel: 'No VIP',
    mktMakerLevel: '0',
    affiliateID: 0,
    rsaPublicKey: '',
    isMaster: true,
    parentUid: '0',
  };
}

export function accountInfo(account: Account, now: number): Record<string, unknown> {
  return {
    marginMode: account.marginMode,
    updatedTime: String(now),
    unifiedMarginStatus: 4,
    dcpStatus: 'OFF',
    timeWindow: 10,
    smpGroup: 0,
    isMasterTrader: false,
    spotHedgingStatus: 'OFF',
  };
}
