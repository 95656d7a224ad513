// An exchange account the owner registered: where signals for it execute, and its limits.
import type { Decimal } from './money';
import type { RiskOverrides } from '../risk/config';
import type { ArbPlan } from './arb-plan';
import type { StrategySubscription, StrategyTimeframe } from './strategy-subscription';

export type ExchangeId = 'paper' | 'binanceusdm' | 'okx' | 'bybit' | 'bitget' | 'upbit';
export const EXCHANGE_IDS: readonly ExchangeId[] = ['paper', 'binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'];

export type AccountStatus = 'active' | 'paused' | 'disabled';

export interface PaperSettings {
  quoteCurrency: string;
  /** starting wallet balance, quote currency (decimal text; accounts created before exact money hold a number) */
  initialBalance: Decimal;
  /** taker fee as a fraction (0.0005 = 0.05 %, Binance USDⓈ-M VIP0) */
  takerFeeRate: number;
  /** adverse slippage applied to market fills, in basis points */
  slippageBps: number;
}

export interface AccountSettings {
  /** percent of equity committed as margin when a signal carries no size */
  defaultSizePercent: number;
  defaultLeverage: number;
  maxLeverage: number;
  marginMode: 'isolated' | 'cross';
  /**
   * Refuse webhook alerts without `time` (422), so the stale guard covers every alert and a captured
   * body cannot be replayed once its dedup record expires. Absent: the deployment's default (on in
   * the prod stage, off in dev and locally).
   */
  requireTime?: boolean;
  /**
   * Accept TradingView's default strategy message ("buy @ 0.5 filled on BTCUSDT.P. New strategy
   * position is 0.5") on the account's own URL, /webhook/<account>/<token> (docs/SIGNALS.md). Absent: off.
   */
  defaultMessage?: boolean;
  /** slippage guard for market entries (absent: the deployment's default) */
  slippage?: { maxBps: number; onExceed: 'reject' | 'ioc_limit' };
  paper?: PaperSettings;
  /** strategies the runner trades on this account (functions/strategy-runner) */
  strategies?: StrategySubscription[];
  /** funding-arbitrage plans whose first (perp) leg is this account (docs/FUNDING.md "Live") */
  arbPlans?: ArbPlan[];
  /** risk limits, kill switches and sizing that differ from the defaults (docs/RISK.md) */
  risk?: RiskOverrides;
  /** the models' vote on entry signals (docs/AI-ensemble.md); absent: off */
  ensemble?: EnsembleSettings;
  /** a model-written market summary in the daily report (docs/AI-ensemble.md); absent: off */
  marketSummary?: boolean;
}

/** The ensemble filter of one account: off unless `enabled`; the models are the stage's (ENSEMBLE_MODELS). */
export interface EnsembleSettings {
  enabled: boolean;
  /** K: models that must agree with the entry's side (default 2; 1 ≤ K ≤ the number of models) */
  required?: number;
  /** the candles the models see when the signal names no subscription of the account (default 1h) */
  timeframe?: StrategyTimeframe;
}

/** Credentials as stored: always ciphertext, produced by the key vault. */
export interface EncryptedSecret {
  /** which vault wrote it: 'kms' (envelope) or 'local' (AES-256-GCM with a key file) */
  vault: 'kms' | 'local';
  /** base64 JSON envelope, opaque outside the vault */
  blob: string;
}

export interface ExchangeCredentials {
  apiKey: string;
  secret: string;
  password?: string;
}

export interface Account {
  accountId: string;
  name: string;
  exchange: ExchangeId;
  /** true: the exchange's testnet/sandbox */
  testnet: boolean;
  status: AccountStatus;
  /** sha256 hex of the webhook token; the token itself is shown once and never stored */
  webhookTokenHash: string;
  /** soft-deleted by the owner (AccountLifecycle.softDelete): kept for its history, trades no more */
  deletedAt?: number;
  credentials?: EncryptedSecret;
  settings: AccountSettings;
  /**
   * `alert test`'s one-time token: sha256 hex of a random token the CLI (or the console) sends as
   * the alert's token, accepted by the webhook until `expiresAt` (epoch ms) and cleared after the
   * test. The account's own token is never needed (it is shown once and not stored).
   */
  alertTest?: { tokenHash: string; expiresAt: number };
  /** the exchange banned our IP (HTTP 418): no calls until then */
  haltedUntil?: number;
  haltReason?: string;
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  defaultSizePercent: 10,
  defaultLeverage: 1,
  maxLeverage: 20,
  marginMode: 'isolated',
};

export const DEFAULT_PAPER_SETTINGS: PaperSettings = {
  quoteCurrency: 'USDT',
  initialBalance: '10000',
  takerFeeRate: 0.0005,
  slippageBps: 2,
};
