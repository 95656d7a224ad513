// The accounts of one tenant (docs/TENANCY.md): what the CLI with `--user` (or as the first owner)
// sees. An id of another tenant reads as absent and every write to it fails as for a missing
// account, so "no account <id>" is all anyone learns; the listing is a Query of the tenant's index
// in the tenants table, never a Scan of every tenant's accounts. The tenant is in the id, so the
// check costs no read.
import { ConditionalConflictError } from '../../core/errors';
import type { Account, AccountStatus, EnsembleSettings } from '../../core/domain/account';
import { isTenantKey, type TenantId } from '../../core/domain/tenant';
import type { StrategySubscription } from '../../core/domain/strategy-subscription';
import type { RiskOverrides } from '../../core/risk/config';
import { DynamoAccountRepository } from './account-repository';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What the listing needs of the tenants' directory. */
export interface AccountIndexReader {
  accountIds(tenantId: TenantId): Promise<string[]>;
}

export class TenantScopedAccountRepository extends DynamoAccountRepository {
  constructor(
    db: DynamoDBDocumentClient,
    table: string,
    readonly tenantId: TenantId,
    private readonly index: AccountIndexReader,
  ) {
    super(db, table);
  }

  override async get(accountId: string): Promise<Account | undefined> {
    return this.owns(accountId) ? super.get(accountId) : undefined;
  }

  /** The index's accounts that exist (an entry whose account was never written is skipped), oldest first. */
  override async list(): Promise<Account[]> {
    const ids = (await this.index.accountIds(this.tenantId)).filter((id) => this.owns(id));
    const found = await Promise.all(ids.map((id) => super.get(id)));
    return found.filter((a): a is Account => a !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  override async create(account: Account): Promise<void> {
    this.mustOwn(account.accountId);
    return super.create(account);
  }

  override async setStatus(accountId: string, status: AccountStatus, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setStatus(accountId, status, at);
  }

  override async setWebhookTokenHash(accountId: string, tokenHash: string, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setWebhookTokenHash(accountId, tokenHash, at);
  }

  override async setHalt(
    accountId: string,
    until: number | undefined,
    reason: string | undefined,
    at: number,
  ): Promise<void> {
    this.mustOwn(accountId);
    return super.setHalt(accountId, until, reason, at);
  }

  override async rename(accountId: string, name: string, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.rename(accountId, name, at);
  }

  override async softDelete(accountId: string, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.softDelete(accountId, at);
  }

  override async setRequireTime(accountId: string, requireTime: boolean | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setRequireTime(accountId, requireTime, at);
  }

  override async setDefaultMessage(accountId: string, on: boolean | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setDefaultMessage(accountId, on, at);
  }

  override async setEnsemble(accountId: string, ensemble: EnsembleSettings, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setEnsemble(accountId, ensemble, at);
  }

  override async setMarketSummary(accountId: string, on: boolean | undefined, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setMarketSummary(accountId, on, at);
  }

  override async setAlertTest(
    accountId: string,
    test: { tokenHash: string; expiresAt: number } | undefined,
    at: number,
  ): Promise<void> {
    this.mustOwn(accountId);
    return super.setAlertTest(accountId, test, at);
  }

  override async setRiskOverrides(accountId: string, overrides: RiskOverrides, at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setRiskOverrides(accountId, overrides, at);
  }

  override async setStrategies(accountId: string, strategies: StrategySubscription[], at: number): Promise<void> {
    this.mustOwn(accountId);
    return super.setStrategies(accountId, strategies, at);
  }

  private owns(accountId: string): boolean {
    return isTenantKey(this.tenantId, accountId) && accountId !== this.tenantId;
  }

  /** Another tenant's account fails exactly as a missing one does. */
  private mustOwn(accountId: string): void {
    if (!this.owns(accountId)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
  }
}
