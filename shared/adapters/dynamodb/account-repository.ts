import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalConflictError } from '../../core/errors';
import type { Account, AccountStatus, EnsembleSettings } from '../../core/domain/account';
import type { ArbPlan } from '../../core/domain/arb-plan';
import type { StrategySubscription } from '../../core/domain/strategy-subscription';
import type {
  AccountArbPlans,
  AccountLifecycle,
  AccountModelSettings,
  AccountRepository,
  AccountWebhookSettings,
} from '../../core/ports/repositories';
import type { RiskOverrides } from '../../core/risk/config';
import { withDecimals } from './decimal-fields';
import { isConditionFailure } from './document-client';
import type { DynamoTableAccess } from './table-access';

/**
 * Reads one account: all the webhook needs, so its bundle carries none of the writes below (the
 * webhook is the latency-critical function and stays under its 300 KB budget).
 */
export class DynamoAccountReader implements Pick<AccountRepository, 'get'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'accounts', actions: ['dynamodb:GetItem'] };

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  async get(accountId: string): Promise<Account | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { accountId }, ConsistentRead: true }));
    return out.Item ? withExactBalance(out.Item as Account) : undefined;
  }
}

/** Every account, by a paginated Scan: the system jobs' listing (never a tenant's: that is its index). */
async function scanAccounts(db: DynamoDBDocumentClient, table: string): Promise<Account[]> {
  // Accounts are few (one owner's exchange accounts): a paginated scan is the right tool.
  const items: Account[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as Account[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => a.createdAt - b.createdAt).map(withExactBalance);
}

/** Reads and lists accounts: the scheduled jobs that only go through them (no write reaches the role). */
export class DynamoAccountDirectory extends DynamoAccountReader implements Pick<AccountRepository, 'get' | 'list'> {
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'accounts',
    actions: ['dynamodb:GetItem', 'dynamodb:Scan'],
  };

  list(): Promise<Account[]> {
    return scanAccounts(this.db, this.table);
  }
}

/**
 * Reads one account and writes accounts, but lists none: what a tenant's scope wraps
 * (TenantScopedAccounts lists from the tenant's index), so the roles that only act for
 * tenants (the Telegram bot, the console's tenant data role) hold no Scan of every tenant's accounts.
 */
export class DynamoAccountWriter
  extends DynamoAccountReader
  implements
    Omit<AccountRepository, 'list'>,
    AccountLifecycle,
    AccountWebhookSettings,
    AccountModelSettings,
    AccountArbPlans
{
  /** get, create, the set* updates */
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'accounts',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  };

  async create(account: Account): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: account,
          ConditionExpression: 'attribute_not_exists(accountId)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionalConflictError(`account ${account.accountId} exists`);
      throw error;
    }
  }

  async setWebhookTokenHash(accountId: string, tokenHash: string, at: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId },
        UpdateExpression: 'SET webhookTokenHash = :h, updatedAt = :t',
        ConditionExpression: 'attribute_exists(accountId)',
        ExpressionAttributeValues: { ':h': tokenHash, ':t': at },
      }),
    );
  }

  async setHalt(accountId: string, until: number | undefined, reason: string | undefined, at: number): Promise<void> {
    const set =
      until === undefined
        ? 'SET updatedAt = :t REMOVE haltedUntil, haltReason'
        : 'SET haltedUntil = :u, haltReason = :r, updatedAt = :t';
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId },
        UpdateExpression: set,
        ConditionExpression: 'attribute_exists(accountId)',
        ExpressionAttributeValues:
          until === undefined ? { ':t': at } : { ':u': until, ':r': reason ?? 'halted', ':t': at },
      }),
    );
  }

  async rename(accountId: string, name: string, at: number): Promise<void> {
    await updateAccount(
      this.db,
      this.table,
      accountId,
      'SET #name = :n, updatedAt = :t',
      { '#name': 'name' },
      { ':n': name, ':t': at },
    );
  }

  /** One conditional write: disabled, no token hash any token could match, no strategies, marked. */
  async softDelete(accountId: string, at: number): Promise<void> {
    await updateAccount(
      this.db,
      this.table,
      accountId,
      'SET #status = :disabled, webhookTokenHash = :none, deletedAt = :t, updatedAt = :t REMOVE #settings.#strategies',
      { '#status': 'status', '#settings': 'settings', '#strategies': 'strategies' },
      { ':disabled': 'disabled', ':none': '', ':t': at },
    );
  }

  async setRequireTime(accountId: string, requireTime: boolean | undefined, at: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId },
          UpdateExpression:
            requireTime === undefined
              ? 'SET updatedAt = :t REMOVE #settings.#rt'
              : 'SET #settings.#rt = :v, updatedAt = :t',
          ConditionExpression: 'attribute_exists(accountId)',
          ExpressionAttributeNames: { '#settings': 'settings', '#rt': 'requireTime' },
          ExpressionAttributeValues: { ':t': at, ...(requireTime === undefined ? {} : { ':v': requireTime }) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
      throw error;
    }
  }

  async setDefaultMessage(accountId: string, on: boolean | undefined, at: number): Promise<void> {
    await updateExisting(
      this.db,
      this.table,
      accountId,
      on === undefined ? 'SET updatedAt = :t REMOVE #settings.#dm' : 'SET #settings.#dm = :v, updatedAt = :t',
      { '#settings': 'settings', '#dm': 'defaultMessage' },
      { ':t': at, ...(on === undefined ? {} : { ':v': on }) },
    );
  }

  async setEnsemble(accountId: string, ensemble: EnsembleSettings, at: number): Promise<void> {
    await updateExisting(
      this.db,
      this.table,
      accountId,
      'SET #settings.#en = :v, updatedAt = :t',
      { '#settings': 'settings', '#en': 'ensemble' },
      { ':t': at, ':v': ensemble },
    );
  }

  async setArbPlans(accountId: string, plans: ArbPlan[], at: number, expectedUpdatedAt?: number): Promise<void> {
    if (expectedUpdatedAt === undefined) {
      await updateExisting(
        this.db,
        this.table,
        accountId,
        'SET #settings.#arb = :v, updatedAt = :t',
        { '#settings': 'settings', '#arb': 'arbPlans' },
        { ':t': at, ':v': plans },
      );
      return;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId },
          UpdateExpression: 'SET #settings.#arb = :v, updatedAt = :t',
          // every account write sets updatedAt: unchanged since the read, nothing was written between
          ConditionExpression: 'attribute_exists(accountId) AND updatedAt = :read',
          ExpressionAttributeNames: { '#settings': 'settings', '#arb': 'arbPlans' },
          ExpressionAttributeValues: { ':t': at, ':v': plans, ':read': expectedUpdatedAt },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConditionalConflictError(
          `account ${accountId} does not exist or changed since it was read: try again`,
        );
      throw error;
    }
  }

  async setMarketSummary(accountId: string, on: boolean | undefined, at: number): Promise<void> {
    await updateExisting(
      this.db,
      this.table,
      accountId,
      on === undefined ? 'SET updatedAt = :t REMOVE #settings.#ms' : 'SET #settings.#ms = :v, updatedAt = :t',
      { '#settings': 'settings', '#ms': 'marketSummary' },
      { ':t': at, ...(on === undefined ? {} : { ':v': on }) },
    );
  }

  async setAlertTest(
    accountId: string,
    test: { tokenHash: string; expiresAt: number } | undefined,
    at: number,
  ): Promise<void> {
    await updateExisting(
      this.db,
      this.table,
      accountId,
      test === undefined ? 'SET updatedAt = :t REMOVE #at' : 'SET #at = :v, updatedAt = :t',
      { '#at': 'alertTest' },
      { ':t': at, ...(test === undefined ? {} : { ':v': { tokenHash: test.tokenHash, expiresAt: test.expiresAt } }) },
    );
  }

  async setRiskOverrides(accountId: string, overrides: RiskOverrides, at: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId },
          UpdateExpression: 'SET #settings.#risk = :r, updatedAt = :t',
          ConditionExpression: 'attribute_exists(accountId)',
          ExpressionAttributeNames: { '#settings': 'settings', '#risk': 'risk' },
          ExpressionAttributeValues: { ':r': overrides, ':t': at },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
      throw error;
    }
  }

  async setStrategies(accountId: string, strategies: StrategySubscription[], at: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId },
          // Names, not words: the expression parser reserves hundreds of plain words.
          UpdateExpression: 'SET #settings.#strategies = :s, updatedAt = :t',
          ConditionExpression: 'attribute_exists(accountId)',
          ExpressionAttributeNames: { '#settings': 'settings', '#strategies': 'strategies' },
          ExpressionAttributeValues: { ':s': strategies, ':t': at },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
      throw error;
    }
  }

  async setStatus(accountId: string, status: AccountStatus, at: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId },
        UpdateExpression: 'SET #s = :s, updatedAt = :t',
        ConditionExpression: 'attribute_exists(accountId)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':t': at },
      }),
    );
  }
}

/** Every account listed (the Scan) and written: the system jobs, the executor and the upgrade. */
export class DynamoAccountRepository extends DynamoAccountWriter implements AccountRepository {
  /** get, list (a Scan), create, the set* updates */
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'accounts',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
  };

  list(): Promise<Account[]> {
    return scanAccounts(this.db, this.table);
  }
}

/** Webhook-side cache: a warm function reuses an account for `ttlMs`, so most alerts cost no read. */
export class CachedAccountLookup {
  private readonly cache = new Map<string, { at: number; account: Account | undefined }>();
  constructor(
    private readonly repo: Pick<AccountRepository, 'get'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(accountId: string): Promise<Account | undefined> {
    const hit = this.cache.get(accountId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.account;
    return this.load(accountId);
  }

  /**
   * Past the cache, but at most once a second per account: a token that did not match may be one
   * stored a moment ago (a rotation, an alert test), and wrong tokens cannot turn into a read each.
   */
  async refresh(accountId: string): Promise<Account | undefined> {
    const hit = this.cache.get(accountId);
    if (hit && this.now() - hit.at < CachedAccountLookup.MIN_REFRESH_MS) return hit.account;
    return this.load(accountId);
  }

  static readonly MIN_REFRESH_MS = 1000;

  private async load(accountId: string): Promise<Account | undefined> {
    const account = await this.repo.get(accountId);
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(accountId, { at: this.now(), account });
    return account;
  }
}

/** One conditional update of an existing account (ConditionalConflictError when it does not exist). */
async function updateExisting(
  db: DynamoDBDocumentClient,
  table: string,
  accountId: string,
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { accountId },
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(accountId)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
    throw error;
  }
}

/** A paper account created before exact money holds its starting balance as a number: read it as decimal text. */
function withExactBalance(account: Account): Account {
  const paper = account.settings?.paper;
  if (!paper) return account;
  return { ...account, settings: { ...account.settings, paper: withDecimals(paper, ['initialBalance']) } };
}

/** One conditional update of an existing account; ConditionalConflictError when it does not exist. */
async function updateAccount(
  db: DynamoDBDocumentClient,
  table: string,
  accountId: string,
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { accountId },
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(accountId)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new ConditionalConflictError(`account ${accountId} does not exist`);
    throw error;
  }
}
