// The names of the business metrics, shared by the functions that emit them (metrics.ts) and the
// monitoring stack that graphs and alarms on them, so the two cannot drift (an allowed infra →
// shared/platform edge, like resource-names).

/** CloudWatch namespace of every business metric. */
export const METRICS_NAMESPACE = 'tvat';

/**
 * Every metric the functions emit, with who emits it and its breakdown dimensions. The monitoring
 * stack reads the same names from here.
 */
export const METRIC = {
  /** webhook: every request (count) */
  webhooksReceived: 'WebhooksReceived',
  /** webhook: refused requests, by `reason` (the domain error code: UNAUTHORIZED, VALIDATION, TOO_LARGE…) */
  webhooksRejected: 'WebhooksRejected',
  /** webhook: signals put on the FIFO queue */
  signalsQueued: 'SignalsQueued',
  /** webhook: replays answered 200 without queueing */
  signalsDuplicate: 'SignalsDuplicate',
  /** executor: orders sent by executed signals (entries, closes, protective orders), by `exchange` */
  ordersPlaced: 'OrdersPlaced',
  /** executor: signal executions that ended without trading, except risk refusals, by `exchange` and `reason` */
  ordersFailed: 'OrdersFailed',
  /** executor: signal received by the webhook → its orders sent, milliseconds, by `exchange` */
  signalToOrderLatency: 'SignalToOrderLatency',
  /** executor: entries the risk engine refused, by `reason` (its code) */
  riskRefusals: 'RiskRefusals',
  /** risk-check: kill switches tripped, by `switch` */
  killSwitchTrips: 'KillSwitchTrips',
  /** risk-check: positions closed by a kill switch */
  positionsFlattened: 'PositionsFlattened',
  /** risk-check: accounts whose check failed this run */
  riskCheckAccountErrors: 'RiskCheckAccountErrors',
  /** risk-check: each account's equity at its snapshot, in its quote currency, by `account` only */
  equity: 'Equity',
  /** alarm-relay: alarm messages delivered to Telegram, by `state` */
  alarmsRelayed: 'AlarmsRelayed',
  /** price-watcher: 1 each minute while every watcher loop turned within the last two (its alarm: missing) */
  watcherHeartbeat: 'WatcherHeartbeat',
  /** price-watcher: a price received → the emulated trailing stop moved, milliseconds, by `exchange` */
  watcherTickToActionMs: 'WatcherTickToActionMs',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
