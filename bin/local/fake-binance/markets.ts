// Instruments: the default seeds, their filters (tick, lot, notional) as exchangeInfo publishes
// them, and the precision checks an order's price and quantity must pass.
import { checkStep, decimalsOf, fixed } from './decimals';
import { errors } from './errors';
import type { FakeMarketSeed } from './types';

export const DEFAULT_MARKETS: readonly FakeMarketSeed[] = [
  {
    symbol: 'BTCUSDT',
    tickSize: 0.1,
    stepSize: 0.001,
    minQty: 0.001,
    minNotional: 100,
    price: 65000,
    maxLeverage: 125,
  },
  { symbol: 'ETHUSDT', tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 20, price: 3500, maxLeverage: 100 },
  { symbol: 'XRPUSDT', tickSize: 0.0001, stepSize: 0.1, minQty: 0.1, minNotional: 5, price: 0.6, maxLeverage: 75 },
];

const ONBOARD_DATE = 1_569_398_400_000;
const PERPETUAL_DELIVERY_DATE = 4_133_404_800_000;

export interface Market {
  symbol: string;
  baseAsset: string;
  tickSize: number;
  stepSize: number;
  minQty: number;
  maxQty: number;
  marketMaxQty: number;
  minNotional: number;
  maxLeverage: number;
  priceDecimals: number;
  qtyDecimals: number;
  /** Last trade price; the fake keeps mark = last. */
  price: number;
  /** Seed price, the 24 h ticker's open. */
  openPrice: number;
  high: number;
  low: number;
  spreadBps: number;
  /** A book seeded by the test (`setBook`): served as is instead of the synthetic one. */
  book?: SeededBook;
}

/** [price, quantity] levels, best first on each side: what `GET /fapi/v1/depth` serves when seeded. */
export interface SeededBook {
  bids: [number, number][];
  asks: [number, number][];
}

export function toMarket(seed: FakeMarketSeed): Market {
  const maxQty = seed.maxQty ?? 1000;
  return {
    symbol: seed.symbol,
    baseAsset: seed.baseAsset ?? seed.symbol.replace(/USDT$/, ''),
    tickSize: seed.tickSize,
    stepSize: seed.stepSize,
    minQty: seed.minQty ?? seed.stepSize,
    maxQty,
    marketMaxQty: maxQty / 10,
    minNotional: seed.minNotional,
    maxLeverage: seed.maxLeverage ?? 125,
    priceDecimals: decimalsOf(seed.tickSize),
    qtyDecimals: decimalsOf(seed.stepSize),
    price: seed.price,
    openPrice: seed.price,
    high: seed.price,
    low: seed.price,
    spreadBps: 2,
  };
}

export const fmtPrice = (m: Market, value: number): string => fixed(value, m.priceDecimals);
export const fmtQty = (m: Market, value: number): string => fixed(value, m.qtyDecimals);

const ORDER_TYPES = [
  'LIMIT',
  'MARKET',
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
];

function symbolInfo(m: Market): Record<string, unknown> {
  return {
    symbol: m.symbol,
    pair: m.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY_DATE,
    onboardDate: ONBOARD_DATE,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: m.baseAsset,
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
    pricePrecision: m.priceDecimals,
    quantityPrecision: m.qtyDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: fmtPrice(m, m.tickSize),
        maxPrice: fmtPrice(m, 10_000_000),
        tickSize: String(m.tickSize),
      },
      {
        filterType: 'LOT_SIZE',
        minQty: fmtQty(m, m.minQty),
        maxQty: fmtQty(m, m.maxQty),
        stepSize: String(m.stepSize),
      },
      {
        filterType: 'MARKET_LOT_SIZE',
        minQty: fmtQty(m, m.minQty),
        maxQty: fmtQty(m, m.marketMaxQty),
        stepSize: String(m.stepSize),
      },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: String(m.minNotional) },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ORDER_TYPES,
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
    permissionSet: ['GRID', 'COPY'],
  };
}

export function exchangeInfo(markets: Iterable<Market>, serverTime: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [...markets].map(symbolInfo),
  };
}

/** One bracket per symbol: enough for ccxt's maintenance-margin lookup in fetchPositions. */
export function leverageBrackets(markets: Iterable<Market>): Record<string, unknown>[] {
  return [...markets].map((m) => ({
    symbol: m.symbol,
    brackets: [
      {
        bracket: 1,
        initialLeverage: m.maxLeverage,
        notionalCap: 50_000,
        notionalFloor: 0,
        maintMarginRatio: 0.004,
        cum: 0,
      },
      {
        bracket: 2,
        initialLeverage: Math.max(1, Math.floor(m.maxLeverage / 2)),
        notionalCap: 1_000_000_000,
        notionalFloor: 50_000,
        maintMarginRatio: 0.005,
        cum: 50,
      },
    ],
  }));
}

/** Parses and checks a quantity parameter against the lot filter. */
export function parseQuantity(m: Market, text: string | undefined, isMarket: boolean): number {
  if (text === undefined || text === '') throw errors.mandatory('quantity');
  const check = checkStep(text, m.stepSize);
  if (check === 'malformed') throw errors.illegalChars('quantity', '^([0-9]{1,20})(\\.[0-9]{1,20})?$');
  if (check === 'precision') throw errors.precision();
  const qty = Number(text);
  if (qty <= 0) throw errors.quantityNotPositive();
  if (check === 'step') throw errors.qtyStep();
  if (qty < m.minQty) throw errors.lotSize();
  if (qty > (isMarket ? m.marketMaxQty : m.maxQty)) throw errors.quantityTooBig();
  return qty;
}

/** Parses and checks a price parameter (limit or trigger) against the price filter. */
export function parsePrice(m: Market, text: string | undefined, param: string): number {
  if (text === undefined || text === '') throw errors.mandatory(param);
  const check = checkStep(text, m.tickSize);
  if (check === 'malformed') throw errors.illegalChars(param, '^([0-9]{1,20})(\\.[0-9]{1,20})?$');
  if (check === 'precision') throw errors.precision();
  const price = Number(text);
  if (price <= 0) throw errors.priceNotPositive();
  if (check === 'step') throw errors.priceTick();
  return price;
}
