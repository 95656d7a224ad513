// Execution's public entry: what other capabilities may use. The risk-check job (reconciliation/)
// books protective fills, re-arms stops and closes positions through the same ProtectionManager
// and BookKeeper the executor uses, so a fill is booked and a stop placed one way only; the
// backtest sizes entries exactly as the executor does. Everything else in this folder is internal.
export { BookKeeper, entryEvent, fillFrom, type BookKeeperDeps } from './book-keeper';
export {
  ProtectionManager,
  emulatedTrailSlot,
  refsOf,
  triggerPrice,
  wantsStop,
  type ProtectionManagerDeps,
  type ProtectionOrigin,
  type ProtectionSpec,
  type StopSlot,
  type SyncReport,
} from './protection';
// The best price both movers of an emulated trail (the watcher, the risk-check job) start from.
export { betterPrice, trailBest, trailSeed } from './trail-best';
// The TWAP rule on whole lots: the backtest slices as the executor does.
export { twapShareLots, type LotShare } from './algo/slice-sizing';
export { sizeAtFill, type FillSizeSpec, type FillSizingInput, type SizedOrder } from './sizing';
export type { MarketStatsSource, OrderReads, SendingExchange } from './ports';
