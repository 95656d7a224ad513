// The fake Bybit v5 exchange (linear USDT perpetuals): start it, point ccxt's bybit at it (the adapter's apiUrl), script it.
export { startFakeBybit, DEFAULT_ACCOUNTS } from './server';
export { INSTRUMENTS } from './instruments';
export type {
  AccountMarginMode,
  FakeBybit,
  FakeBybitAccountSeed,
  FakeBybitExecution,
  FakeBybitFault,
  FakeBybitFaultKind,
  FakeBybitFundingRow,
  FakeBybitFundingSeed,
  FakeBybitOptions,
  FakeBybitOrder,
  FakeBybitPositionView,
  OrderStatus,
} from './types';
export type { RequestLogEntry } from '../fake-exchange';
