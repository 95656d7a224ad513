// The set-up every fake-exchange suite shares (test/integration/<exchange>/helpers.ts): the harness
// pointed at the fake through EXCHANGE_API_URL, one seeded key per test (so the fake's books never
// mix tests), accounts created the way `account add` stores them (keys sealed by the local vault, a
// passphrase as the credentials' password), and SQS-like redelivery. The executors are the live
// suite's (test/integration/live/helpers.ts): the same real adapter.
import type { RequestLogEntry } from '../../bin/local/fake-exchange/http';
import type { AccountSettings, ExchangeId } from '../../shared/core/domain/account';
import type { Signal } from '../../shared/core/signal/types';
import { CreateAccount } from '../../shared/core/control/accounts';
import { createHarness, type Harness } from './harness';
import { AFTER_LEASE_MS, deliver, LEASE_MS, liveExecutor } from './live/helpers';

export interface FakeServer {
  url: string;
  close(): Promise<void>;
  requests(): RequestLogEntry[];
}

export interface FakeKey {
  apiKey: string;
  secret: string;
  passphrase?: string;
}

export interface FakeSuite<F extends FakeServer> {
  fake: F;
  h: Harness;
  newAccount(settings?: Partial<AccountSettings>): Promise<{ accountId: string; apiKey: string; token: string }>;
  close(): Promise<void>;
}

export async function startFakeSuite<F extends FakeServer>(options: {
  fake: F;
  exchange: ExchangeId;
  keys: readonly FakeKey[];
  /** settings every account of the suite starts with (a test's own settings win) */
  defaults?: Partial<AccountSettings>;
  executorEnv?: Record<string, string>;
}): Promise<FakeSuite<F>> {
  const { fake, exchange, keys } = options;
  const h = await createHarness({
    leaseMs: LEASE_MS,
    executorEnv: {
      EXCHANGE_API_URL: fake.url,
      // Sized for a busy 2-core machine: a first call loads the markets (bitget's take several
      // requests). The ambiguous-send suites, which provoke timeouts, set 800 ms themselves.
      EXCHANGE_TIMEOUT_MS: '4000',
      MAX_RETRY_AFTER_MS: '1500',
      ...options.executorEnv,
    },
  });
  let next = 0;
  return {
    fake,
    h,
    async newAccount(settings) {
      const key = keys[next++];
      if (!key) throw new Error(`out of fake ${exchange} keys: seed more in ${exchange}/helpers.ts`);
      const create = new CreateAccount({
        accounts: h.runtime.repos.accounts,
        vault: h.vault,
        audit: h.runtime.repos.audit,
        clock: h.runtime.clock,
      });
      const credentials = {
        apiKey: key.apiKey,
        secret: key.secret,
        ...(key.passphrase ? { password: key.passphrase } : {}),
      };
      const merged = options.defaults || settings ? { settings: { ...options.defaults, ...settings } } : {};
      const out = await create.execute({ name: `it-${exchange}`, exchange, credentials, ...merged });
      return { accountId: out.account.accountId, apiKey: key.apiKey, token: out.token };
    },
    close: () => fake.close(),
  };
}

/** The fake's requests from now on. */
export function requestsSince(fake: FakeServer): () => RequestLogEntry[] {
  const from = fake.requests().length;
  return () => fake.requests().slice(from);
}

/** The seeded key of that api key. */
export function keyOf<K extends FakeKey>(keys: readonly K[], apiKey: string): K {
  const key = keys.find((k) => k.apiKey === apiKey);
  if (!key) throw new Error(`no fake key ${apiKey}`);
  return key;
}

/**
 * Delivers the signal as SQS does, to one executor (liveExecutor's: a warm container): again after
 * the lease lapses while the executor reports the message failed (at most `attempts` times). The
 * executor's clock moves past the lease instead of the test waiting for it. `sleep`: the adapters'
 * Retry-After waits (live/helpers recordWaits). Returns how many deliveries it took.
 */
export async function deliverLikeSqs(
  h: Harness,
  signal: Signal,
  options: { attempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<number> {
  const attempts = options.attempts ?? 3;
  let laterMs = 0;
  const target = liveExecutor(h, {
    clock: { now: () => h.runtime.clock.now() + laterMs },
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  for (let n = 1; n <= attempts; n++) {
    const result = await deliver(target, signal, `${signal.signalId}-${n}`);
    if (result.batchItemFailures.length === 0) return n;
    laterMs += AFTER_LEASE_MS;
  }
  throw new Error(`signal ${signal.signalId} still failing after ${attempts} deliveries`);
}
