// Account settings and reads: leverage, margin type, position mode (with Binance's "no need to
// change" refusals), position risk, and the API key's permissions.
import { errors } from './errors';
import { parseBool, type Params } from './order-params';
import type { Account, ExchangeState, Position } from './state';
import type { MarginType } from './types';
import { positionRiskV2, positionRiskV3 } from './views';

export function setLeverage(state: ExchangeState, account: Account, params: Params): Record<string, unknown> {
  const market = state.market(params.symbol);
  const text = params.leverage;
  if (text === undefined) throw errors.mandatory('leverage');
  const leverage = Number(text);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > market.maxLeverage) throw errors.invalidLeverage(text);
  state.settings(account, market.symbol).leverage = leverage;
  return { leverage, maxNotionalValue: '1000000000', symbol: market.symbol };
}

const hasPosition = (state: ExchangeState, account: Account, symbol?: string): boolean =>
  [...account.positions.values()].some((p) => p.amount !== 0 && (symbol === undefined || p.symbol === symbol));

const hasOpenOrders = (state: ExchangeState, account: Account, symbol?: string): boolean =>
  state.openOrders(account.apiKey, symbol).length > 0 || state.openAlgoOrders(account.apiKey, symbol).length > 0;

export function setMarginType(state: ExchangeState, account: Account, params: Params): Record<string, unknown> {
  const market = state.market(params.symbol);
  const sent = params.marginType;
  if (sent === undefined) throw errors.mandatory('marginType');
  if (sent !== 'ISOLATED' && sent !== 'CROSSED') throw errors.invalidParam('marginType');
  const wanted: MarginType = sent === 'ISOLATED' ? 'isolated' : 'cross';
  const settings = state.settings(account, market.symbol);
  if (settings.marginType === wanted) throw errors.marginTypeUnchanged();
  if (hasOpenOrders(state, account, market.symbol)) throw errors.marginTypeWithOrders();
  if (hasPosition(state, account, market.symbol)) throw errors.marginTypeWithPosition();
  settings.marginType = wanted;
  return { code: 200, msg: 'success' };
}

export function getPositionMode(account: Account): { dualSidePosition: boolean } {
  return { dualSidePosition: account.dualSide };
}

export function setPositionMode(state: ExchangeState, account: Account, params: Params): Record<string, unknown> {
  const dual = parseBool(params, 'dualSidePosition');
  if (dual === undefined) throw errors.mandatory('dualSidePosition');
  if (dual === account.dualSide) throw errors.positionSideUnchanged();
  if (hasOpenOrders(state, account)) throw errors.positionSideWithOrders();
  if (hasPosition(state, account)) throw errors.positionSideWithPosition();
  account.dualSide = dual;
  return { code: 200, msg: 'success' };
}

function slots(state: ExchangeState, account: Account, symbol: string | undefined): Position[] {
  const symbols = symbol === undefined ? [...state.markets.keys()] : [state.market(symbol).symbol];
  return symbols.flatMap((s) => state.positionsOf(account, s));
}

/** v2 lists every slot of every symbol; v3 only open positions, as Binance's versions do. */
export function positionRisk(
  state: ExchangeState,
  account: Account,
  params: Params,
  version: 2 | 3,
): Record<string, unknown>[] {
  const all = slots(state, account, params.symbol);
  if (version === 2) return all.map((p) => positionRiskV2(state, account, p));
  return all.filter((p) => p.amount !== 0).map((p) => positionRiskV3(state, account, p));
}

export function apiRestrictions(account: Account): Record<string, unknown> {
  return {
    ipRestrict: account.ipRestrict,
    createTime: account.createTime,
    enableReading: true,
    enableWithdrawals: account.canWithdraw,
    enableInternalTransfer: false,
    enableMargin: false,
    enableFutures: true,
    permitsUniversalTransfer: false,
    enableVanillaOptions: false,
    enableFixApiTrade: false,
    enableFixReadOnly: false,
    enableSpotAndMarginTrading: false,
    enablePortfolioMarginTrading: false,
  };
}

/** GET /sapi/v1/capital/config/getall: ccxt's loadMarkets asks for it whenever keys are set. */
export function capitalConfig(state: ExchangeState): Record<string, unknown>[] {
  const coins = new Set(['USDT', ...[...state.markets.values()].map((m) => m.baseAsset)]);
  return [...coins].map((coin) => ({
    coin,
    name: coin,
    depositAllEnable: true,
    withdrawAllEnable: true,
    free: '0',
    locked: '0',
    freeze: '0',
    withdrawing: '0',
    ipoing: '0',
    ipoable: '0',
    storage: '0',
    isLegalMoney: false,
    trading: true,
    networkList: [],
  }));
}
