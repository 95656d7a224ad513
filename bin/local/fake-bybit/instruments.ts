// The instruments the fake serves: the rows of Bybit's GET /v5/market/instruments-info?category=linear
// for BTCUSDT and ETHUSDT as recorded from Bybit (test/fixtures/exchange/bybit-markets.json, which
// test/integration/bybit/fake-bybit.int.test.ts holds this copy to). Linear quantities are base coins.

export interface Instrument {
  readonly symbol: string;
  readonly status: string;
  readonly leverageFilter: {
    readonly minLeverage: string;
    readonly maxLeverage: string;
    readonly leverageStep: string;
  };
  readonly priceFilter: { readonly minPrice: string; readonly maxPrice: string; readonly tickSize: string };
  readonly lotSizeFilter: {
    readonly maxOrderQty: string;
    readonly minOrderQty: string;
    readonly qtyStep: string;
    readonly postOnlyMaxOrderQty: string;
    readonly maxMktOrderQty: string;
    readonly minNotionalValue: string;
  };
  readonly [field: string]: unknown;
}

export const INSTRUMENTS: readonly Instrument[] = [
  {
    symbol: 'BTCUSDT',
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: 'BTC',
    quoteCoin: 'USDT',
    launchTime: '1585526400000',
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: '2',
    leverageFilter: {
      minLeverage: '1',
      maxLeverage: '100.00',
      leverageStep: '0.01',
    },
    priceFilter: {
      minPrice: '0.10',
      maxPrice: '1999999.80',
      tickSize: '0.10',
    },
    lotSizeFilter: {
      maxOrderQty: '1190.000',
      minOrderQty: '0.001',
      qtyStep: '0.001',
      postOnlyMaxOrderQty: '1190.000',
      maxMktOrderQty: '119.000',
      minNotionalValue: '5',
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: 'USDT',
    copyTrading: 'both',
    upperFundingRate: '0.005',
    lowerFundingRate: '-0.005',
    isPreListing: false,
    preListingInfo: null,
    riskParameters: {
      priceLimitRatioX: '0.01',
      priceLimitRatioY: '0.02',
    },
    displayName: '',
  },
  {
    symbol: 'ETHUSDT',
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: 'ETH',
    quoteCoin: 'USDT',
    launchTime: '1615766400000',
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: '2',
    leverageFilter: {
      minLeverage: '1',
      maxLeverage: '100.00',
      leverageStep: '0.01',
    },
    priceFilter: {
      minPrice: '0.01',
      maxPrice: '199999.98',
      tickSize: '0.01',
    },
    lotSizeFilter: {
      maxOrderQty: '7240.00',
      minOrderQty: '0.01',
      qtyStep: '0.01',
      postOnlyMaxOrderQty: '7240.00',
      maxMktOrderQty: '724.00',
      minNotionalValue: '5',
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: 'USDT',
    copyTrading: 'both',
    upperFundingRate: '0.005',
    lowerFundingRate: '-0.005',
    isPreListing: false,
    preListingInfo: null,
    riskParameters: {
      priceLimitRatioX: '0.01',
      priceLimitRatioY: '0.02',
    },
    displayName: '',
  },
];
