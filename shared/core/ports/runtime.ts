// Small ports for the world outside: time, queue, key vault, exchange construction.
import type { Account, EncryptedSecret, ExchangeCredentials } from '../domain/account';
import type { Decimal } from '../domain/money';
import type { Signal } from '../signal/types';
import type { ExchangePort } from './exchange';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface SignalQueue {
  /** Enqueue in order per group; the queue drops a repeated dedupId within its window. */
  send(signal: Signal, groupId: string, dedupId: string): Promise<void>;
}

/** Encrypts exchange credentials bound to their account (KMS encryption context / GCM AAD). */
export interface KeyVault {
  encrypt(accountId: string, credentials: ExchangeCredentials): Promise<EncryptedSecret>;
  decrypt(accountId: string, secret: EncryptedSecret): Promise<ExchangeCredentials>;
}

/** What an exchange says about a pair of API keys when an account is registered. */
export interface KeyCheckResult {
  /** the balance read that proved the keys work */
  balance: { currency: string; equity: Decimal };
  /** undefined where the exchange does not report permissions */
  canWithdraw?: boolean;
  ipRestricted?: boolean;
  /** things the owner should know but that do not block registration */
  warnings: string[];
}

/** Checks live keys before they are stored (a balance read, permissions, one-way position mode). */
export interface ExchangeKeyChecker {
  check(
    exchange: Exclude<Account['exchange'], 'paper'>,
    credentials: ExchangeCredentials,
    testnet: boolean,
  ): Promise<KeyCheckResult>;
}

export interface ExchangeFactory {
  /** Builds (or reuses from a warm cache) the adapter for an account. */
  forAccount(account: Account, credentials: ExchangeCredentials | undefined): Promise<ExchangePort>;
}
