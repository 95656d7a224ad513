// The fake OKX v5 exchange (USDT swaps): start it, point ccxt's okx at it (the adapter's apiUrl), script it.
export { startFakeOkx, DEFAULT_ACCOUNTS } from './server';
export { INSTRUMENTS } from './instruments';
export type {
  AlgoState,
  FakeOkx,
  FakeOkxAccountSeed,
  FakeOkxAlgo,
  FakeOkxBill,
  FakeOkxFault,
  FakeOkxFaultKind,
  FakeOkxFill,
  FakeOkxOptions,
  FakeOkxOrder,
  FakeOkxPositionView,
  OrderState,
} from './types';
export type { RequestLogEntry } from '../fake-exchange';
