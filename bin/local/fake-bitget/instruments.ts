// The instruments the fake serves: the rows of Bitget's GET /api/v2/mix/market/contracts?productType=USDT-FUTURES
// for BTCUSDT and ETHUSDT as recorded from Bitget (test/fixtures/exchange/bitget-markets.json, which
// a test holds this copy to). Sizes are coins: sizeMultiplier is the lot, minTradeNum the minimum,
// and the price tick is priceEndStep × 10^-pricePlace.
import { Big } from '../../../shared/core/domain/money';

export type Contract = Readonly<Record<string, string | readonly string[]>> & {
  readonly symbol: string;
  readonly sizeMultiplier: string;
  readonly minTradeNum: string;
  readonly minTradeUSDT: string;
  readonly pricePlace: string;
  readonly priceEndStep: string;
  readonly minLever: string;
  readonly maxLever: string;
  readonly maxMarketOrderQty: string;
  readonly maxOrderQty: string;
  readonly takerFeeRate: string;
  readonly makerFeeRate: string;
};

export const CONTRACTS: readonly Contract[] = [
  {
    symbol: 'BTCUSDT',
    baseCoin: 'BTC',
    quoteCoin: 'USDT',
    buyLimitPriceRatio: '0.05',
    sellLimitPriceRatio: '0.05',
    feeRateUpRatio: '0.005',
    makerFeeRate: '0.0002',
    takerFeeRate: '0.0006',
    openCostUpRatio: '0.01',
    supportMarginCoins: ['USDT'],
    minTradeNum: '0.0001',
    priceEndStep: '1',
    volumePlace: '4',
    pricePlace: '1',
    sizeMultiplier: '0.0001',
    symbolType: 'perpetual',
    minTradeUSDT: '5',
    maxSymbolOrderNum: '200',
    maxProductOrderNum: '1000',
    maxPositionNum: '150',
    symbolStatus: 'normal',
    offTime: '-1',
    limitOpenTime: '-1',
    deliveryTime: '',
    deliveryStartTime: '',
    deliveryPeriod: '',
    launchTime: '',
    fundInterval: '8',
    minLever: '1',
    maxLever: '125',
    posLimit: '0.1',
    maintainTime: '',
    openTime: '',
    maxMarketOrderQty: '220',
    maxOrderQty: '1200',
  },
  {
    symbol: 'ETHUSDT',
    baseCoin: 'ETH',
    quoteCoin: 'USDT',
    buyLimitPriceRatio: '0.05',
    sellLimitPriceRatio: '0.05',
    feeRateUpRatio: '0.005',
    makerFeeRate: '0.0002',
    takerFeeRate: '0.0006',
    openCostUpRatio: '0.01',
    supportMarginCoins: ['USDT'],
    minTradeNum: '0.01',
    priceEndStep: '1',
    volumePlace: '2',
    pricePlace: '2',
    sizeMultiplier: '0.01',
    symbolType: 'perpetual',
    minTradeUSDT: '5',
    maxSymbolOrderNum: '200',
    maxProductOrderNum: '1000',
    maxPositionNum: '150',
    symbolStatus: 'normal',
    offTime: '-1',
    limitOpenTime: '-1',
    deliveryTime: '',
    deliveryStartTime: '',
    deliveryPeriod: '',
    launchTime: '',
    fundInterval: '8',
    minLever: '1',
    maxLever: '100',
    posLimit: '0.1',
    maintainTime: '',
    openTime: '',
    maxMarketOrderQty: '3500',
    maxOrderQty: '18000',
  },
];

/** The price tick: priceEndStep × 10^-pricePlace (BTCUSDT: 1 × 0.1). */
export function tickOf(contract: Contract): Big {
  return new Big(contract.priceEndStep).div(new Big(10).pow(Number(contract.pricePlace)));
}
