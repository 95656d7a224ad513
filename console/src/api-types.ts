// The answers of the console API (/work/notes/s4/api-contract.md, v1): money as decimal strings,
// times as epoch ms. Only the fields the console shows are typed; the rest pass through.

export interface ApiErrorBody {
  error?: { code?: string; field?: string; message?: string };
  message?: string;
}

export interface KillSwitch {
  name: string;
  tripped: boolean;
  reason?: string;
  at?: number;
}

export interface Account {
  accountId: string;
  name: string;
  exchange: string;
  mode: 'paper' | 'live';
  status: string;
  currency: string;
  balance: { equity: string; free: string; walletBalance: string } | null;
  dataAsOf?: number;
  killSwitches: KillSwitch[];
  halt?: { until: number; reason: string };
  openPositions: number;
  lastReconcileAt?: number;
  webhookUrl?: string;
}

export interface PnlBucket {
  realized: string;
  unrealized: string;
  fees: string;
  funding: string;
  trades: number;
}

export interface Summary {
  asOf: number;
  dataAsOf?: number;
  currency: string;
  equity: string;
  startEquity: string;
  pnl: { today: PnlBucket; d7: PnlBucket; d30: PnlBucket; all: PnlBucket };
  winRate: number | null;
  trades: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownPct: number | null;
  returnPct: number | null;
  buyAndHoldPct: number | null;
  warnings: string[];
}

export interface Position {
  accountId: string;
  accountName: string;
  symbol: string;
  side: 'long' | 'short';
  quantity: string;
  entryPrice: string;
  markPrice: string | null;
  /** `live`: the price watcher's tick; `snapshot`: the risk-check job's mark (absent from servers before live prices) */
  markSource?: 'live' | 'snapshot' | null;
  /** when the mark was had (epoch ms) */
  markAt?: number | null;
  unrealizedPnl: string | null;
  liquidationPrice: string | null;
  breakEvenPrice: string | null;
  leverage: number | string;
  notional: string | null;
  stop: { clientOrderId: string; triggerPrice: string; trailingPercent?: string | number } | null;
  /** the trailing stop beside a fixed stop (absent from servers before it was booked) */
  trail?: { clientOrderId: string; triggerPrice: string; trailingPercent?: string | number } | null;
  targets: { clientOrderId: string; triggerPrice: string; amount: string }[];
  openedAt: number;
  tradeId: string;
  strategy?: string;
  /** the account's mode (absent from servers before funding was shown) */
  mode?: 'paper' | 'live';
  /** the market's funding as the risk-check job last recorded it; null: no reading (or paper) */
  funding?: PositionFunding | null;
}

/** A position's funding (docs/API.md `/positions`): positive rate, longs pay shorts. */
export interface PositionFunding {
  rate: string;
  bpsPerInterval: number;
  annualPct?: number;
  nextFundingTime?: number;
  intervalMs?: number;
  asOf: number;
  /** older than 15 min, or its settlement passed */
  stale?: boolean;
  /** this position's estimated next payment, signed for the holder (negative: it pays) */
  nextPayment?: string;
}

export interface Trade {
  tradeId?: string;
  id?: string;
  accountId: string;
  accountName?: string;
  symbol: string;
  side: string;
  strategy?: string;
  entryPrice?: string;
  exitPrice?: string;
  /** base units still open (0 once closed) */
  quantity?: string;
  /** the largest quantity held: what a closed trade traded */
  maxQuantity?: string;
  realizedPnl?: string;
  fees?: string;
  openedAt?: number;
  closedAt?: number;
  exitReason?: string;
  /** a sliced entry's trade (docs/EXECUTION-ALGOS.md): one parent, its slices filled of all */
  algo?: { parentId: string; kind: string; slices: number; filledSlices: number };
  /** a funding-arbitrage leg's trade (docs/FUNDING.md "Live"): its plan, round and leg */
  arb?: { planId: string; round: number; leg: 'perp' | 'other' };
  [key: string]: unknown;
}

export interface StrategyRow {
  strategy: string;
  trades: number;
  wins: number;
  winRate: number | null;
  realizedPnl: string;
  fees: string;
  funding: string;
  profitFactor: number | null;
  avgRoiPct: number | null;
}

export interface ProfitLoss {
  asOf: number;
  period: string;
  items: { start: number; realizedPnl: string; fees: string; funding: string; trades: number; cumulative: string }[];
  equity: { at: number; equity: string }[];
}

export interface AlertRow {
  accountId: string;
  receivedAt: number;
  requestId: string;
  outcome: 'accepted' | 'duplicate' | 'refused';
  httpStatus: number;
  code?: string;
  field?: string;
  reason?: string;
  signalId?: string;
  signalStatus?: string;
  rejectReason?: string;
  /** an executed signal's outcome: what it did, the ensemble's vote included */
  signalOutcome?: string;
  action?: string;
  symbol?: string;
  format?: string;
}

export interface OrderRow {
  accountId: string;
  clientOrderId: string;
  symbol: string;
  side?: string;
  type?: string;
  status?: string;
  amount?: string;
  price?: string;
  triggerPrice?: string;
  createdAt?: number;
  updatedAt?: number;
  [key: string]: unknown;
}

export interface EventRow {
  accountId?: string;
  type: string;
  at?: number;
  createdAt?: number;
  [key: string]: unknown;
}

export interface Candles {
  asOf: number;
  symbol: string;
  timeframe: string;
  candles: { time: number; open: number; high: number; low: number; close: number; volume: number }[];
  markers: {
    time: number;
    /** the open time of the candle the fill falls in (absent when no candle holds it) */
    candleTime?: number;
    kind: 'entry' | 'exit' | 'stop' | 'target';
    side: string;
    price: string;
    tradeId: string;
    label: string;
  }[];
  levels: { kind: 'stop' | 'target' | 'entry'; price: string; from: number; to?: number }[];
}

export interface Health {
  asOf: number;
  accounts: { accountId: string; lastReconcileAt: number | null; ageSeconds: number | null; ok: boolean }[];
  queue: { depth: number; inFlight: number; dlqDepth: number } | null;
}

export interface Page<T> {
  asOf: number;
  dataAsOf?: number;
  items: T[];
  nextCursor?: string;
}

export interface ActionResult {
  status: 200 | 202;
  action: string;
  accountIds: string[];
  signalIds?: string[];
  secret?: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** GET /strategies: every account's strategy subscriptions (an older API answers 404) */
export interface Subscription {
  accountId: string;
  accountName: string;
  id: string;
  strategy: string;
  symbol: string;
  timeframe: string;
  params: Record<string, unknown>;
  size?: string | null;
  enabled: boolean;
}

export interface Subscriptions {
  asOf: number;
  items: Subscription[];
}

/** one side of GET /strategies/{id}/compare: finished trades only */
export interface CompareSide {
  trades: number;
  pnl: string;
  fees: string;
  /** percent of the starting equity (null: undefined) */
  returnPct: number | null;
  winRatePct: number;
  maxDrawdownPct: number;
}

/** GET /strategies/{id}/compare?account=A: the account's trades of a subscription next to a backtest of it */
export interface StrategyCompare {
  asOf: number;
  accountId: string;
  accountName: string;
  id: string;
  strategy: string;
  symbol: string;
  timeframe: string;
  from?: number;
  to?: number;
  candles?: { count: number; from: number; to: number };
  config?: { cash: number };
  comparison: {
    account: CompareSide;
    backtest: CompareSide;
    pairs: unknown[];
    accountOnly: string[];
    backtestOnly: number[];
    avgEntrySlippageBps: number;
    avgExitSlippageBps: number;
  } | null;
  difference?: { trades: number; pnl: string; returnPct: number | null; winRatePct: number; maxDrawdownPct: number };
  warnings: string[];
}

/** one part of a strategy's quality score (docs/METRICS.md "Strategy quality score") */
export interface QualityComponent {
  name: string;
  label: string;
  weight: number;
  /** 0–100; null: not enough data (`reason` says why) */
  score: number | null;
  raw: number | null;
  unit: 'trades' | 'ratio' | '%' | 'pp' | 'bps';
  threshold: number;
  wants: string;
  reason?: string;
}

/** GET /strategies/{id}/quality?account=A: a subscription's quality score, its parts and warnings */
export interface StrategyQuality {
  asOf: number;
  accountId: string;
  accountName: string;
  id: string;
  strategy: string;
  symbol: string;
  timeframe: string;
  from?: number;
  to?: number;
  candles?: { count: number; from: number; to: number };
  metrics?: { trades: number; returnPct: number; sharpe: number; maxDrawdownPct: number; winRatePct: number };
  walkForward?: { windows: number; paramSets: number; inSampleReturnPct: number; outOfSampleReturnPct: number } | null;
  quality: { score: number | null; basedOn: string; components: QualityComponent[]; warnings: string[] } | null;
  warnings: string[];
}

/** GET /risk?account=A: the account's own overrides, the settings in force, kill switches and usage */
export interface RiskView {
  asOf: number;
  accountId: string;
  overrides: Record<string, unknown>;
  effective: Record<string, unknown>;
  switches: unknown;
  usage: unknown;
}

/** GET /usage: the tenant's plan, its limits and what is in use (docs/TENANCY.md "Plans and usage") */
export interface TenantUsage {
  tenantId: string;
  plan: { name: string; source: string; limits: Record<string, number> };
  liveAccounts: { inUse: number; allowed?: number };
  strategies: { inUse: number; allowed?: number };
  /** today (UTC) first */
  days: {
    day: string;
    signals: number;
    orders: number;
    backtests: number;
    optimisations: number;
    generations: number;
  }[];
}

/** GET /admin/tenants (the deployment admin only): every tenant, no trading data; `plans`: the stage's */
export interface AdminTenant {
  tenantId: string;
  plan: { name: string; source: string; limits: Record<string, number> };
  createdAt?: number;
  members: { email: string; role: string }[];
  accounts: number;
  liveAccounts: { inUse: number; allowed?: number };
}

export interface UsedOf {
  used: number;
  allowed?: number;
}

/** GET /admin/usage?day=YYYY-MM-DD: each tenant's counters of the day beside its plan's limits */
export interface AdminUsage {
  day: string;
  tenants: {
    tenantId: string;
    plan: string;
    usage: Record<'signals' | 'orders' | 'backtests' | 'optimisations' | 'runs' | 'generations', UsedOf>;
  }[];
}
