// The fake Upbit (KRW spot): start it, point ccxt's upbit at it (the adapter's apiUrl), script it.
export { startFakeUpbit, DEFAULT_ACCOUNTS } from './server';
export { MARKETS } from './markets';
export type {
  FakeUpbit,
  FakeUpbitAccountSeed,
  FakeUpbitBalance,
  FakeUpbitFault,
  FakeUpbitFaultKind,
  FakeUpbitOptions,
  FakeUpbitOrder,
  FakeUpbitTrade,
  OrderState,
} from './types';
export type { RequestLogEntry } from '../fake-exchange';
