// The fake Bitget v2 USDT-M futures exchange: start it, point ccxt's bitget at it (the adapter's apiUrl), script it.
export { startFakeBitget, DEFAULT_ACCOUNTS } from './server';
export { CONTRACTS } from './instruments';
export type {
  FakeBitget,
  FakeBitgetAccountSeed,
  FakeBitgetBill,
  FakeBitgetFault,
  FakeBitgetFaultKind,
  FakeBitgetFill,
  FakeBitgetOptions,
  FakeBitgetOrder,
  FakeBitgetPlan,
  FakeBitgetPositionView,
  OrderState,
  PlanStatus,
  PlanType,
} from './types';
export type { RequestLogEntry } from '../fake-exchange';
