// The fake Binance USDⓈ-M futures exchange: start it, point ccxt at it, script it.
export { startFakeBinance, DEFAULT_ACCOUNTS } from './server';
export { pointCcxtAt, type CcxtTarget } from './ccxt-target';
export { DEFAULT_MARKETS } from './markets';
export type {
  AlgoOrderType,
  AlgoStatus,
  CandleRow,
  FakeAccountSeed,
  FakeAlgoOrder,
  FakeBinance,
  FakeBinanceOptions,
  FakeFundingSeed,
  FakeIncome,
  FakeMarketSeed,
  FakeOrder,
  FakePositionView,
  FakeTrade,
  FaultKind,
  FaultSpec,
  FundingRow,
  IncomeType,
  MarginType,
  OrderStatus,
  PositionSide,
  RequestLogEntry,
  Side,
} from './types';
