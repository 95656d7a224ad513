// Account registration and the read side the CLI shows. The webhook token is returned once, at
// creation; only its hash is stored. Exchange keys are encrypted by the key vault before storage.
import { randomBytes } from 'node:crypto';
import { ConditionalConflictError, InvalidArgumentError } from '../errors';
import {
  DEFAULT_ACCOUNT_SETTINGS,
  DEFAULT_PAPER_SETTINGS,
  type Account,
  type AccountSettings,
  type AccountStatus,
  type ExchangeCredentials,
  type ExchangeId,
} from '../domain/account';
import type { StoredAuditEvent } from '../domain/audit';
import type { OrderRecord } from '../domain/order';
import { Big, toDecimal, type Decimal } from '../domain/money';
import { isOpen } from '../domain/trade-math';
import type { BookPosition, TradeRecord } from '../domain/trade';
import type {
  AccountRepository,
  AuditLog,
  Clock,
  ExchangeKeyChecker,
  KeyCheckResult,
  KeyVault,
  OrderRepository,
  PlanCheck,
  PositionBook,
  TenantAccountIndex,
  TradeRepository,
} from './ports';
import { hashToken } from '../signal/ids';
import { FIRST_TENANT_ID, accountIdFor, isTenantId, tenantOfAccount, type TenantId } from '../domain/tenant';

export interface CreateAccountInput {
  /** the tenant the account belongs to (its id carries it); absent: the first tenant (single-owner callers) */
  tenantId?: TenantId;
  name: string;
  exchange: ExchangeId;
  testnet?: boolean;
  /** paper only: starting balance in the quote currency, decimal text (a number is taken at its shortest text) */
  balance?: Decimal | number;
  credentials?: ExchangeCredentials;
  settings?: Partial<AccountSettings>;
}

/** What may be shown about an account: never the token hash or the encrypted keys. */
export interface AccountView {
  accountId: string;
  name: string;
  exchange: ExchangeId;
  testnet: boolean;
  status: AccountStatus;
  hasCredentials: boolean;
  settings: AccountSettings;
  createdAt: number;
}

export const toAccountView = (a: Account): AccountView => ({
  accountId: a.accountId,
  name: a.name,
  exchange: a.exchange,
  testnet: a.testnet,
  status: a.status,
  hasCredentials: !!a.credentials,
  settings: a.settings,
  createdAt: a.createdAt,
});

export class AccountInputError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, 'ACCOUNT_INPUT');
    this.name = 'AccountInputError';
  }
}

const newToken = (): string => randomBytes(24).toString('base64url');

/**
 * Replaces an account's webhook token (a leaked alert message, a shared screenshot): the old one
 * stops working at once in the cloud's table and within the webhook's account cache (30 s).
 */
export class RotateWebhookToken {
  constructor(private readonly deps: { accounts: AccountRepository; audit: AuditLog; clock: Clock }) {}

  async execute(accountId: string): Promise<{ accountId: string; token: string }> {
    if (!(await this.deps.accounts.get(accountId))) throw new AccountInputError('account', `no account ${accountId}`);
    const token = newToken();
    const at = this.deps.clock.now();
    await this.deps.accounts.setWebhookTokenHash(accountId, hashToken(token), at);
    await this.deps.audit.append({
      accountId,
      type: 'account.token_rotated',
      at,
      message: 'webhook token replaced; the previous one no longer authenticates',
    });
    return { accountId, token };
  }
}

export class CreateAccount {
  /** keyChecker: live keys are checked against the exchange before anything is stored (absent: not checked) */
  constructor(
    private readonly deps: {
      accounts: AccountRepository;
      vault: KeyVault;
      audit: AuditLog;
      clock: Clock;
      keyChecker?: ExchangeKeyChecker;
      /** absent: the account is not indexed (tests and benches that never list a tenant's accounts) */
      tenants?: Pick<TenantAccountIndex, 'indexAccount'>;
      /** the tenant's plan: a live account takes one of its live slots (absent: no plan limits) */
      plans?: PlanCheck;
    },
  ) {}

  async execute(
    input: CreateAccountInput,
  ): Promise<{ account: AccountView; token: string; keyCheck?: KeyCheckResult }> {
    const tenantId = input.tenantId ?? FIRST_TENANT_ID;
    if (!isTenantId(tenantId)) throw new AccountInputError('tenant', 'must be "acc" or "t" + 10 lowercase hex');
    const name = input.name.trim();
    if (!/^[\w .-]{1,64}$/.test(name))
      throw new AccountInputError('name', 'use 1-64 letters, digits, spaces, . _ or -');
    const settings: AccountSettings = { ...DEFAULT_ACCOUNT_SETTINGS, ...input.settings };
    if (input.exchange === 'paper') {
      const balance = String(input.balance ?? DEFAULT_PAPER_SETTINGS.initialBalance).trim();
      // Plain decimal text only: no exponent, no sign, no Infinity, checked before Big sees it.
      if (!/^\d{1,15}(\.\d{1,18})?$/.test(balance) || !new Big(balance).gt(0))
        throw new AccountInputError('balance', 'must be a positive decimal number below 1e15');
      settings.paper = { ...DEFAULT_PAPER_SETTINGS, ...input.settings?.paper, initialBalance: toDecimal(balance) };
      if (input.credentials) throw new AccountInputError('credentials', 'a paper account takes no exchange keys');
    } else if (!input.credentials?.apiKey || !input.credentials.secret) {
      throw new AccountInputError('credentials', `${input.exchange} needs --api-key and --secret`);
    }
    validateSettings(settings);
    await this.liveSlot(input.exchange, tenantId);
    const keyCheck = await this.checkKeys(input);
    const token = newToken();
    const now = this.deps.clock.now();
    for (let attempt = 0; ; attempt++) {
      const accountId = accountIdFor(tenantId, (n) =>
        randomBytes(Math.ceil(n / 2))
          .toString('hex')
          .slice(0, n),
      );
      const account: Account = {
        accountId,
        name,
        exchange: input.exchange,
        testnet: input.testnet ?? false,
        status: 'active',
        webhookTokenHash: hashToken(token),
        settings,
        createdAt: now,
        updatedAt: now,
      };
      if (input.credentials) account.credentials = await this.deps.vault.encrypt(accountId, input.credentials);
      // Indexed first: a crash before the account is written leaves an entry every listing skips.
      await this.deps.tenants?.indexAccount(tenantId, accountId);
      try {
        await this.deps.accounts.create(account);
      } catch (error) {
        if (error instanceof ConditionalConflictError && attempt < 3) continue;
        throw error;
      }
      await this.deps.audit.append({
        accountId,
        type: 'account.created',
        at: now,
        message: `account ${name} on ${input.exchange}${account.testnet ? ' (testnet)' : ''}`,
        ...(keyCheck
          ? {
              data: {
                warnings: keyCheck.warnings,
                canWithdraw: keyCheck.canWithdraw,
                ipRestricted: keyCheck.ipRestricted,
              },
            }
          : {}),
      });
      return { account: toAccountView(account), token, ...(keyCheck ? { keyCheck } : {}) };
    }
  }

  /**
   * A live account is created active: it takes one of the tenant's live slots, refused by the plan
   * before the keys are even checked (PlanLimitError naming the limit). A paper account takes none.
   */
  private async liveSlot(exchange: ExchangeId, tenantId: TenantId): Promise<void> {
    if (!this.deps.plans || exchange === 'paper') return;
    const inUse = (await this.deps.accounts.list()).filter(
      (a) =>
        a.exchange !== 'paper' &&
        a.status === 'active' &&
        a.deletedAt === undefined &&
        tenantOfAccount(a.accountId) === tenantId,
    ).length;
    await this.deps.plans.allowLiveAccount(tenantId, inUse);
  }

  /** Keys that cannot trade, or that can withdraw, are refused before they are stored. */
  private async checkKeys(input: CreateAccountInput): Promise<KeyCheckResult | undefined> {
    if (input.exchange === 'paper' || !input.credentials || !this.deps.keyChecker) return undefined;
    let result: KeyCheckResult;
    try {
      result = await this.deps.keyChecker.check(input.exchange, input.credentials, input.testnet ?? false);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AccountInputError('credentials', `the exchange refused these keys: ${reason}`);
    }
    if (result.canWithdraw) {
      throw new AccountInputError(
        'credentials',
        'these keys can withdraw funds: create keys with trading permission only (withdrawals disabled)',
      );
    }
    return result;
  }
}

function validateSettings(settings: AccountSettings): void {
  const { maxLeverage, defaultLeverage, defaultSizePercent, paper } = settings;
  if (!Number.isInteger(maxLeverage) || maxLeverage < 1 || maxLeverage > 125)
    throw new AccountInputError('max-leverage', 'must be a whole number from 1 to 125');
  if (!Number.isInteger(defaultLeverage) || defaultLeverage < 1 || defaultLeverage > maxLeverage)
    throw new AccountInputError('leverage', 'default leverage must be between 1 and the maximum');
  if (!(defaultSizePercent > 0 && defaultSizePercent <= 100))
    throw new AccountInputError('size-percent', 'must be above 0 and at most 100');
  if (paper) {
    if (!(paper.takerFeeRate >= 0 && paper.takerFeeRate <= 0.01))
      throw new AccountInputError('taker-fee', 'must be a fraction from 0 to 0.01 (1 %)');
    if (!(paper.slippageBps >= 0 && paper.slippageBps <= 1000))
      throw new AccountInputError('slippage-bps', 'must be from 0 to 1000');
  }
}

export class AccountQueries {
  constructor(
    private readonly deps: {
      accounts: AccountRepository;
      positions: PositionBook;
      orders: OrderRepository;
      trades: TradeRepository;
      audit: AuditLog;
    },
  ) {}

  async list(): Promise<AccountView[]> {
    return (await this.deps.accounts.list()).map(toAccountView);
  }

  async openPositions(accountId: string): Promise<BookPosition[]> {
    await this.mustExist(accountId);
    return (await this.deps.positions.list(accountId)).filter(isOpen);
  }

  async orders(accountId: string, limit?: number): Promise<OrderRecord[]> {
    await this.mustExist(accountId);
    return this.deps.orders.listByAccount(accountId, limit);
  }

  async trades(accountId: string, limit?: number): Promise<TradeRecord[]> {
    await this.mustExist(accountId);
    return this.deps.trades.listByAccount(accountId, limit);
  }

  async events(accountId: string, limit?: number): Promise<StoredAuditEvent[]> {
    await this.mustExist(accountId);
    return this.deps.audit.listByAccount(accountId, limit);
  }

  private async mustExist(accountId: string): Promise<void> {
    if (!(await this.deps.accounts.get(accountId))) throw new AccountInputError('account', `no account ${accountId}`);
  }
}
