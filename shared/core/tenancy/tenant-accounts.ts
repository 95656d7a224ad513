// One tenant's view of the accounts (docs/TENANCY.md): the one way the console, the CLI and the
// Telegram bot see "the accounts" of a tenant. Listing is the tenant's index (a Query of its own
// partition in the tenants table, never a Scan of every tenant's accounts); reading an account by
// an id of another tenant, or of none, finds nothing, so every caller answers it exactly as a
// missing account ("no account <id>", 404) before a single read is sent for it; and every write
// to such an id fails as a write to a missing account does (ConditionalConflictError), unsent.
// The tenant is in the id (`<tenant>-<12 hex>`), so the check costs no read. Under it, the
// data-layer guard (and in the cloud the tenant data role) refuses the same again.
import type { Account, AccountStatus, EnsembleSettings } from '../domain/account';
import { tenantOfAccount, type TenantId } from '../domain/tenant';
import type { StrategySubscription } from '../domain/strategy-subscription';
import { ConditionalConflictError } from '../errors';
import type { ArbPlan } from '../domain/arb-plan';
import type {
  AccountArbPlans,
  AccountLifecycle,
  AccountModelSettings,
  AccountRepository,
  AccountWebhookSettings,
} from './ports';

export interface TenantAccountIndex {
  /** the tenant's account ids, as indexed when each account was created (TenantDirectory.accountIds) */
  accountIds(tenantId: TenantId): Promise<string[]>;
}

/** What a tenant's reads need of the accounts table: one account by id. */
export type AccountReads = Pick<AccountRepository, 'get'>;

/** Every account write, and reading one; no listing of everyone's (the index lists the tenant's). */
export type AccountWrites = Omit<AccountRepository, 'list'> &
  AccountLifecycle &
  AccountWebhookSettings &
  AccountModelSettings &
  AccountArbPlans;

/**
 * The read-only variant (the console's reads): get answers undefined for any other tenant's id;
 * list is the tenant's index read back (an entry whose account is missing, or that names another
 * tenant's account, is skipped; a duplicate once), oldest first like the unscoped list.
 */
export class TenantScopedAccountReads<R extends AccountReads = AccountReads> {
  constructor(
    readonly tenantId: TenantId,
    protected readonly accounts: R,
    private readonly index: TenantAccountIndex,
  ) {}

  async get(accountId: string): Promise<Account | undefined> {
    return this.owns(accountId) ? this.accounts.get(accountId) : undefined;
  }

  async list(): Promise<Account[]> {
    const ids = [...new Set(await this.index.accountIds(this.tenantId))].filter((id) => this.owns(id));
    const found = await Promise.all(ids.map((id) => this.accounts.get(id)));
    return found.filter((a): a is Account => a !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  protected owns(accountId: string): boolean {
    return tenantOfAccount(accountId) === this.tenantId;
  }

  /** Another tenant's account fails exactly as a missing one does, before anything is sent. */
  protected mustOwn(accountId: string): void {
    if (!this.owns(accountId)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
  }
}

/** The tenant's accounts read and written (the console's actions, the CLI, the Telegram bot). */
export class TenantScopedAccounts
  extends TenantScopedAccountReads<AccountWrites>
  implements AccountRepository, AccountLifecycle, AccountWebhookSettings, AccountModelSettings, AccountArbPlans
{
  async create(account: Account): Promise<void> {
    this.mustOwn(account.accountId);
    return this.accounts.create(account);
  }

  async setStatus(accountId: string, status: AccountStatus, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setStatus(accountId, status, at);
  }

  async setWebhookTokenHash(accountId: string, tokenHash: string, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setWebhookTokenHash(accountId, tokenHash, at);
  }

  async setHalt(accountId: string, until: number | undefined, reason: string | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setHalt(accountId, until, reason, at);
  }

  async rename(accountId: string, name: string, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.rename(accountId, name, at);
  }

  async softDelete(accountId: string, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.softDelete(accountId, at);
  }

  async setRequireTime(accountId: string, requireTime: boolean | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setRequireTime(accountId, requireTime, at);
  }

  async setDefaultMessage(accountId: string, on: boolean | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setDefaultMessage(accountId, on, at);
  }

  async setAlertTest(
    accountId: string,
    test: { tokenHash: string; expiresAt: number } | undefined,
    at: number,
  ): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setAlertTest(accountId, test, at);
  }

  async setRiskOverrides(
    accountId: string,
    overrides: Parameters<AccountWrites['setRiskOverrides']>[1],
    at: number,
  ): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setRiskOverrides(accountId, overrides, at);
  }

  async setStrategies(accountId: string, strategies: StrategySubscription[], at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setStrategies(accountId, strategies, at);
  }

  async setEnsemble(accountId: string, ensemble: EnsembleSettings, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setEnsemble(accountId, ensemble, at);
  }

  async setArbPlans(accountId: string, plans: ArbPlan[], at: number, expectedUpdatedAt?: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setArbPlans(accountId, plans, at, expectedUpdatedAt);
  }

  async setMarketSummary(accountId: string, on: boolean | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return this.accounts.setMarketSummary(accountId, on, at);
  }
}
