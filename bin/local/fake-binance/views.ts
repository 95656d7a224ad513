// The JSON Binance answers with for orders, algo orders, fills, positions, balances and the
// account: numbers as decimal strings, field names as the USDⓈ-M REST API spells them.
import { fixed } from './decimals';
import { isolatedWalletOf, marginSummary, unrealizedPnl } from './ledger';
import { fmtPrice, fmtQty } from './markets';
import type { Account, ExchangeState, Position } from './state';
import type { FakeAlgoOrder, FakeOrder, FakeTrade, OrderStatus } from './types';

const quote = (value: number): string => fixed(value, 8);

/** An order as POST/GET/DELETE /fapi/v1/order answer it; `time` only on queries. */
export function orderView(
  state: ExchangeState,
  order: FakeOrder,
  opts: { withTime?: boolean; status?: OrderStatus } = {},
): Record<string, unknown> {
  const market = state.market(order.symbol);
  const view: Record<string, unknown> = {
    orderId: order.orderId,
    symbol: order.symbol,
    status: opts.status ?? order.status,
    clientOrderId: order.clientOrderId,
    price: fmtPrice(market, order.price),
    avgPrice: order.avgPrice === 0 ? '0' : quote(order.avgPrice),
    origQty: fmtQty(market, order.origQty),
    executedQty: fmtQty(market, order.executedQty),
    cumQty: fmtQty(market, order.executedQty),
    cumQuote: quote(order.cumQuote),
    timeInForce: order.timeInForce,
    type: order.type,
    reduceOnly: order.reduceOnly,
    closePosition: order.closePosition,
    side: order.side,
    positionSide: order.positionSide,
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: order.origType,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    updateTime: order.updateTime,
  };
  if (opts.withTime) view.time = order.time;
  return view;
}

export function algoView(state: ExchangeState, algo: FakeAlgoOrder): Record<string, unknown> {
  const market = state.market(algo.symbol);
  const view: Record<string, unknown> = {
    algoId: algo.algoId,
    clientAlgoId: algo.clientAlgoId,
    algoType: algo.algoType,
    orderType: algo.orderType,
    symbol: algo.symbol,
    side: algo.side,
    positionSide: algo.positionSide,
    timeInForce: algo.timeInForce,
    quantity: fmtQty(market, algo.quantity),
    algoStatus: algo.algoStatus,
    actualOrderId: algo.actualOrderId,
    actualPrice: quote(algo.actualPrice),
    triggerPrice: fmtPrice(market, algo.triggerPrice),
    price: fmtPrice(market, algo.price),
    icebergQuantity: null,
    tpTriggerPrice: '0',
    tpPrice: '0',
    slTriggerPrice: '0',
    slPrice: '0',
    tpOrderType: '',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: algo.workingType,
    priceMatch: 'NONE',
    closePosition: algo.closePosition,
    priceProtect: algo.priceProtect,
    reduceOnly: algo.reduceOnly,
    createTime: algo.createTime,
    updateTime: algo.updateTime,
    triggerTime: algo.triggerTime,
    goodTillDate: 0,
  };
  if (algo.orderType === 'TRAILING_STOP_MARKET') {
    view.callbackRate = String(algo.callbackRate);
    view.activatePrice = algo.activatePrice === undefined ? '' : fmtPrice(market, algo.activatePrice);
  }
  return view;
}

export function tradeView(state: ExchangeState, trade: FakeTrade): Record<string, unknown> {
  const market = state.market(trade.symbol);
  return {
    buyer: trade.side === 'BUY',
    commission: quote(trade.commission),
    commissionAsset: trade.commissionAsset,
    id: trade.id,
    maker: trade.maker,
    orderId: trade.orderId,
    price: fmtPrice(market, trade.price),
    qty: fmtQty(market, trade.qty),
    quoteQty: quote(trade.quoteQty),
    realizedPnl: quote(trade.realizedPnl),
    side: trade.side,
    positionSide: trade.positionSide,
    symbol: trade.symbol,
    time: trade.time,
  };
}

function positionNumbers(state: ExchangeState, account: Account, position: Position) {
  const market = state.market(position.symbol);
  const settings = state.settings(account, position.symbol);
  const pnl = unrealizedPnl(position, market.price);
  const notional = position.amount * market.price;
  const isolated = settings.marginType === 'isolated';
  const isolatedWallet = isolated ? isolatedWalletOf(position, settings.leverage) : 0;
  return {
    market,
    settings,
    pnl,
    notional,
    initialMargin: Math.abs(notional) / settings.leverage,
    maintMargin: Math.abs(notional) * 0.004,
    isolatedWallet,
    isolatedMargin: isolated && position.amount !== 0 ? isolatedWallet + pnl : 0,
  };
}

/** GET /fapi/v2/positionRisk: every slot of every symbol, with leverage and margin type. */
export function positionRiskV2(state: ExchangeState, account: Account, position: Position): Record<string, unknown> {
  const n = positionNumbers(state, account, position);
  return {
    symbol: position.symbol,
    positionAmt: fmtQty(n.market, position.amount),
    entryPrice: quote(position.entryPrice),
    breakEvenPrice: quote(position.entryPrice),
    markPrice: quote(n.market.price),
    unRealizedProfit: quote(n.pnl),
    liquidationPrice: '0',
    leverage: String(n.settings.leverage),
    maxNotionalValue: '1000000000',
    marginType: n.settings.marginType,
    isolatedMargin: quote(n.isolatedMargin),
    isAutoAddMargin: 'false',
    positionSide: position.side,
    notional: quote(n.notional),
    isolatedWallet: quote(n.isolatedWallet),
    updateTime: position.updateTime,
  };
}

/** GET /fapi/v3/positionRisk: open positions only, no leverage or margin type (as Binance's v3). */
export function positionRiskV3(state: ExchangeState, account: Account, position: Position): Record<string, unknown> {
  const n = positionNumbers(state, account, position);
  return {
    symbol: position.symbol,
    positionSide: position.side,
    positionAmt: fmtQty(n.market, position.amount),
    entryPrice: quote(position.entryPrice),
    breakEvenPrice: quote(position.entryPrice),
    markPrice: quote(n.market.price),
    unRealizedProfit: quote(n.pnl),
    liquidationPrice: '0',
    isolatedMargin: quote(n.isolatedMargin),
    notional: quote(n.notional),
    marginAsset: 'USDT',
    isolatedWallet: quote(n.isolatedWallet),
    initialMargin: quote(n.initialMargin),
    maintMargin: quote(n.maintMargin),
    positionInitialMargin: quote(n.initialMargin),
    openOrderInitialMargin: '0',
    adl: 0,
    bidNotional: '0',
    askNotional: '0',
    updateTime: position.updateTime,
  };
}

function assetView(state: ExchangeState, account: Account): Record<string, unknown> {
  const m = marginSummary(state, account);
  const initial = m.positionInitialMargin + m.openOrderInitialMargin;
  return {
    asset: 'USDT',
    walletBalance: quote(m.wallet),
    unrealizedProfit: quote(m.unrealized),
    marginBalance: quote(m.wallet + m.unrealized),
    maintMargin: '0.00000000',
    initialMargin: quote(initial),
    positionInitialMargin: quote(m.positionInitialMargin),
    openOrderInitialMargin: quote(m.openOrderInitialMargin),
    crossWalletBalance: quote(m.wallet - m.isolatedWallet),
    crossUnPnl: quote(m.unrealized),
    availableBalance: quote(m.available),
    maxWithdrawAmount: quote(m.available),
    marginAvailable: true,
    // ccxt skips assets whose updateTime is 0, so a funded wallet always carries a time.
    updateTime: account.createTime,
  };
}

/** GET /fapi/v2|v3/balance */
export function balanceView(state: ExchangeState, account: Account): Record<string, unknown>[] {
  const asset = assetView(state, account);
  return [
    {
      accountAlias: 'SgsR',
      asset: 'USDT',
      balance: asset.walletBalance,
      crossWalletBalance: asset.crossWalletBalance,
      crossUnPnl: asset.crossUnPnl,
      availableBalance: asset.availableBalance,
      maxWithdrawAmount: asset.maxWithdrawAmount,
      marginAvailable: true,
      updateTime: asset.updateTime,
    },
  ];
}

/** GET /fapi/v2|v3/account: totals, the USDT asset, and positions (v3: open ones only). */
export function accountView(state: ExchangeState, account: Account, version: 2 | 3): Record<string, unknown> {
  const m = marginSummary(state, account);
  const asset = assetView(state, account);
  const positions = [...account.positions.values()].filter((p) => version === 2 || p.amount !== 0);
  const totals = {
    totalInitialMargin: asset.initialMargin,
    totalMaintMargin: asset.maintMargin,
    totalWalletBalance: asset.walletBalance,
    totalUnrealizedProfit: asset.unrealizedProfit,
    totalMarginBalance: asset.marginBalance,
    totalPositionInitialMargin: asset.positionInitialMargin,
    totalOpenOrderInitialMargin: asset.openOrderInitialMargin,
    totalCrossWalletBalance: asset.crossWalletBalance,
    totalCrossUnPnl: asset.crossUnPnl,
    availableBalance: quote(m.available),
    maxWithdrawAmount: quote(m.available),
  };
  const positionRows = positions.map((p) => {
    const row = positionRiskV3(state, account, p);
    return version === 3
      ? row
      : {
          ...row,
          leverage: String(state.settings(account, p.symbol).leverage),
          isolated: state.settings(account, p.symbol).marginType === 'isolated',
          maxNotional: '1000000000',
        };
  });
  if (version === 3) return { ...totals, assets: [asset], positions: positionRows };
  return {
    feeTier: 0,
    feeBurn: false,
    canTrade: true,
    canDeposit: true,
    canWithdraw: account.canWithdraw,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    ...totals,
    assets: [asset],
    positions: positionRows,
  };
}
