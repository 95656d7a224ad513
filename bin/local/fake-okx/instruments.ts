// The instruments the fake serves: the rows of OKX's GET /api/v5/public/instruments?instType=SWAP
// for BTC-USDT-SWAP and ETH-USDT-SWAP as recorded from OKX (test/fixtures/exchange/okx-markets.json,
// which a test holds this copy to). ctVal is the base amount of one contract.

export type Instrument = Readonly<Record<string, string | number | boolean | readonly string[]>> & {
  readonly instId: string;
  readonly ctVal: string;
  readonly lotSz: string;
  readonly minSz: string;
  readonly tickSz: string;
  readonly lever: string;
  readonly maxMktSz: string;
  readonly maxLmtSz: string;
  readonly maxStopSz: string;
};

export const INSTRUMENTS: readonly Instrument[] = [
  {
    alias: '',
    auctionEndTime: '',
    baseCcy: '',
    category: '1',
    contTdSwTime: '1611916860000',
    ctMult: '1',
    ctType: 'linear',
    ctVal: '0.01',
    ctValCcy: 'BTC',
    expTime: '',
    futureSettlement: false,
    instFamily: 'BTC-USDT',
    instId: 'BTC-USDT-SWAP',
    instIdCode: 10459,
    instType: 'SWAP',
    lever: '100',
    listTime: '1573557408000',
    lotSz: '0.01',
    maxIcebergSz: '100000000.0000000000000000',
    maxLmtAmt: '20000000',
    maxLmtSz: '100000000',
    maxMktAmt: '',
    maxMktSz: '12000',
    maxStopSz: '12000',
    maxTriggerSz: '100000000.0000000000000000',
    maxTwapSz: '100000000.0000000000000000',
    minSz: '0.01',
    openType: '',
    optType: '',
    quoteCcy: '',
    ruleType: 'normal',
    settleCcy: 'USDT',
    state: 'live',
    stk: '',
    tickSz: '0.1',
    tradeQuoteCcyList: [],
    uly: 'BTC-USDT',
  },
  {
    alias: '',
    auctionEndTime: '',
    baseCcy: '',
    category: '1',
    contTdSwTime: '1611916860000',
    ctMult: '1',
    ctType: 'linear',
    ctVal: '0.1',
    ctValCcy: 'ETH',
    expTime: '',
    futureSettlement: false,
    instFamily: 'ETH-USDT',
    instId: 'ETH-USDT-SWAP',
    instIdCode: 10461,
    instType: 'SWAP',
    lever: '100',
    listTime: '1573557408000',
    lotSz: '0.01',
    maxIcebergSz: '1000000.0000000000000000',
    maxLmtAmt: '20000000',
    maxLmtSz: '1000000',
    maxMktAmt: '',
    maxMktSz: '20000',
    maxStopSz: '20000',
    maxTriggerSz: '1000000.0000000000000000',
    maxTwapSz: '1000000.0000000000000000',
    minSz: '0.01',
    openType: '',
    optType: '',
    quoteCcy: '',
    ruleType: 'normal',
    settleCcy: 'USDT',
    state: 'live',
    stk: '',
    tickSz: '0.01',
    tradeQuoteCcyList: [],
    uly: 'ETH-USDT',
  },
];
