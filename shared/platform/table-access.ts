// Which DynamoDB actions each function's role gets, as plain data infra can read: per repository
// the table and actions it declares (its static `tableAccess` in shared/adapters/dynamodb), per
// function the repositories its runtime builder (shared/runtime) builds. A role is granted the
// union, nothing else. Both halves are checked, so neither can drift from the code:
// - test/unit/adapters/dynamodb/table-access.test.ts: each repository's declaration equals the
//   commands its methods send;
// - test/unit/runtime/table-access.test.ts: REPOSITORY_ACCESS equals those declarations, and
//   FUNCTION_REPOSITORIES equals what each function's wiring builds;
// - test/infra/table-grants.test.ts: each synthesized role holds exactly the union.
import type { TableName } from './resource-names';

/** DynamoDB's item and query APIs as IAM names them (transactions are authorised per item). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';
export type IamTableAction = `dynamodb:${TableAction}`;

export interface RepositoryAccess {
  table: TableName;
  actions: readonly IamTableAction[];
  /** secondary indexes it queries (none today: no table has one) */
  indexes?: readonly string[];
}

export type RepositoryName =
  | 'DynamoAccountReader'
  | 'DynamoAccountDirectory'
  | 'DynamoAccountSlotReader'
  | 'DynamoAccountWriter'
  | 'DynamoAccountRepository'
  | 'DynamoAlertLog'
  | 'DynamoAlertRecorder'
  | 'DynamoAlgoParentReader'
  | 'DynamoAlgoParentStore'
  | 'DynamoArbRoundStore'
  | 'DynamoAuditLog'
  | 'DynamoConfirmationStore'
  | 'DynamoFundingReadingReader'
  | 'DynamoFundingReadingStore'
  | 'DynamoHeldNotifications'
  | 'DynamoLivePriceReader'
  | 'DynamoLivePriceStore'
  | 'DynamoOrderReader'
  | 'DynamoOrderRepository'
  | 'DynamoPaperLedgerStore'
  | 'DynamoPositionReader'
  | 'DynamoPositionBook'
  | 'DynamoRiskStateReader'
  | 'DynamoRiskStore'
  | 'DynamoSignalLedger'
  | 'DynamoTelegramLinkStore'
  | 'DynamoTenantAccountIndex'
  | 'DynamoTenantAdminStore'
  | 'DynamoTenantDirectory'
  | 'DynamoTenantMetaReader'
  | 'DynamoTenantNotifySettings'
  | 'DynamoTenantNotifySettingsStore'
  | 'DynamoTokenBudget'
  | 'DynamoTradeReader'
  | 'DynamoTradeRepository'
  | 'DynamoUsageMeter';

export const REPOSITORY_ACCESS: Record<RepositoryName, RepositoryAccess> = {
  DynamoAccountReader: { table: 'accounts', actions: ['dynamodb:GetItem'] },
  DynamoAccountDirectory: { table: 'accounts', actions: ['dynamodb:GetItem', 'dynamodb:Scan'] },
  DynamoAccountSlotReader: { table: 'accounts', actions: ['dynamodb:BatchGetItem'] },
  DynamoAccountWriter: { table: 'accounts', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  DynamoAccountRepository: {
    table: 'accounts',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
  },
  DynamoAlertLog: { table: 'alerts', actions: ['dynamodb:PutItem', 'dynamodb:Query'] },
  DynamoAlertRecorder: { table: 'alerts', actions: ['dynamodb:PutItem'] },
  // sliced entries' parents (algo#<parentId> on the risk table): docs/EXECUTION-ALGOS.md
  DynamoAlgoParentReader: { table: 'risk', actions: ['dynamodb:GetItem'] },
  DynamoAlgoParentStore: { table: 'risk', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
  // funding-arbitrage rounds (arb#<planId> on the risk table): docs/FUNDING.md "Live"
  DynamoArbRoundStore: { table: 'risk', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  DynamoAuditLog: { table: 'audit', actions: ['dynamodb:PutItem', 'dynamodb:Query'] },
  DynamoConfirmationStore: { table: 'risk', actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] },
  // the recorded funding rates (funding#<source> on the risk table): docs/FUNDING.md "In the console"
  DynamoFundingReadingReader: { table: 'risk', actions: ['dynamodb:Query'] },
  DynamoFundingReadingStore: { table: 'risk', actions: ['dynamodb:PutItem', 'dynamodb:Query'] },
  DynamoHeldNotifications: { table: 'risk', actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'] },
  DynamoLivePriceReader: { table: 'risk', actions: ['dynamodb:Query'] },
  DynamoLivePriceStore: { table: 'risk', actions: ['dynamodb:PutItem', 'dynamodb:Query'] },
  DynamoOrderReader: { table: 'orders', actions: ['dynamodb:GetItem'] },
  DynamoOrderRepository: {
    table: 'orders',
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  },
  DynamoPaperLedgerStore: { table: 'paper', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
  DynamoPositionReader: { table: 'positions', actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
  DynamoPositionBook: { table: 'positions', actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'] },
  DynamoRiskStateReader: { table: 'risk', actions: ['dynamodb:GetItem'] },
  DynamoRiskStore: {
    table: 'risk',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
  },
  DynamoSignalLedger: {
    table: 'signals',
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  },
  DynamoTelegramLinkStore: {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
  },
  DynamoTenantAccountIndex: { table: 'tenants', actions: ['dynamodb:Query'] },
  DynamoTenantAdminStore: { table: 'tenants', actions: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'] },
  DynamoTenantDirectory: {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
  },
  DynamoTenantMetaReader: { table: 'tenants', actions: ['dynamodb:GetItem'] },
  DynamoTenantNotifySettings: { table: 'tenants', actions: ['dynamodb:GetItem'] },
  DynamoTenantNotifySettingsStore: { table: 'tenants', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  DynamoTokenBudget: { table: 'risk', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
  DynamoTradeReader: { table: 'trades', actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
  DynamoTradeRepository: { table: 'trades', actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'] },
  DynamoUsageMeter: { table: 'tenants', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
};

export type FunctionName =
  | 'webhook'
  | 'executor'
  | 'paperTick'
  | 'riskCheck'
  | 'strategyRunner'
  | 'fundingArb'
  | 'notifier'
  | 'report'
  | 'telegramBot'
  | 'consoleApi'
  | 'sliceTimer';

/** The repositories each function's runtime builder builds (the alarm relay uses no table). */
export const FUNCTION_REPOSITORIES: Record<FunctionName, readonly RepositoryName[]> = {
  // shared/runtime/webhook.ts: the account reader only, so the webhook cannot write accounts; the
  // alert log's writer only, so it cannot read the log
  webhook: ['DynamoAccountReader', 'DynamoSignalLedger', 'DynamoAlertRecorder'],
  // shared/runtime/executor.ts: the trading runtime and every table the execution touches
  executor: [
    'DynamoAccountRepository',
    'DynamoSignalLedger',
    'DynamoOrderRepository',
    'DynamoTradeRepository',
    'DynamoPositionBook',
    'DynamoAuditLog',
    'DynamoPaperLedgerStore',
    'DynamoRiskStore',
    // functions/executor/metering.ts: the tenant's day counters (UpdateItem ADD; GetItem comes with the class)
    'DynamoUsageMeter',
    // shared/runtime/ensemble.ts: the models' daily token budget (llm#<day> on the risk table),
    // built when the stage lists ENSEMBLE_MODELS; granted always, as the role is one per stage
    'DynamoTokenBudget',
    // sliced entries' parent rows (shared/runtime/algo.ts)
    'DynamoAlgoParentStore',
  ],
  // the trading runtime's book and paper exchange, and the accounts it lists
  paperTick: [
    'DynamoAccountRepository',
    'DynamoOrderRepository',
    'DynamoTradeRepository',
    'DynamoPositionBook',
    'DynamoAuditLog',
    'DynamoPaperLedgerStore',
  ],
  // shared/runtime/risk-check.ts
  riskCheck: [
    'DynamoAccountRepository',
    'DynamoOrderRepository',
    'DynamoTradeRepository',
    'DynamoPositionBook',
    'DynamoAuditLog',
    'DynamoPaperLedgerStore',
    'DynamoRiskStore',
    // the safety net: running parents whose next slice is overdue (shared/runtime/algo.ts)
    'DynamoAlgoParentStore',
    // the held markets' funding rates it records for the console (funding#<source>)
    'DynamoFundingReadingStore',
  ],
  // shared/runtime/strategy-runner.ts
  strategyRunner: ['DynamoAccountDirectory', 'DynamoPositionReader', 'DynamoSignalLedger', 'DynamoAuditLog'],
  // shared/runtime/funding-arb.ts: reads accounts, book, kill switches and leg orders; writes its
  // rounds, the legs' dedup records and the audit trail
  fundingArb: [
    'DynamoAccountDirectory',
    'DynamoPositionReader',
    'DynamoRiskStateReader',
    'DynamoOrderReader',
    'DynamoSignalLedger',
    'DynamoArbRoundStore',
    'DynamoAuditLog',
  ],
  // shared/runtime/notifier.ts: the audit events come from the table's stream (a grant of its own);
  // each tenant's channels from its `notify` item (GetItem only, cached a minute)
  notifier: ['DynamoHeldNotifications', 'DynamoTenantNotifySettings'],
  // shared/runtime/report.ts, with the notifier's held notifications
  report: [
    'DynamoAccountDirectory',
    'DynamoTradeReader',
    'DynamoRiskStore',
    'DynamoAuditLog',
    'DynamoHeldNotifications',
    'DynamoTenantNotifySettings',
    // the market summary's daily token budget, built when the stage sets MARKET_SUMMARY_MODEL
    'DynamoTokenBudget',
  ],
  // shared/runtime/telegram-bot.ts: /pause and /resume write accounts (AccountControl) through the
  // tenant's TenantScopedAccounts over the account writer (its create comes along: PutItem on
  // accounts); the tenant's accounts are listed from its index, so no Scan of every tenant's
  telegramBot: [
    'DynamoAccountWriter',
    'DynamoPositionReader',
    'DynamoTradeReader',
    'DynamoRiskStore',
    'DynamoAuditLog',
    'DynamoSignalLedger',
    'DynamoConfirmationStore',
    // the sender's link (GetItem of `telegram#<id>`, the member's role), /link and /unlink, and the
    // tenant's accounts (a Query of its own partition): docs/TENANCY.md "Telegram"
    'DynamoTelegramLinkStore',
    'DynamoTenantAccountIndex',
    // /resume of a paused live account: the tenant's plan (its meta, GetItem) for the live slots
    'DynamoTenantMetaReader',
  ],
  // shared/runtime/console-api.ts: the book read for the owner's console (no exchange, no vault)
  // Everything runs as the tenant data role, each key held to the tenant (tenantDataGrants below).
  consoleApi: [
    'DynamoAccountReader',
    'DynamoAccountWriter',
    // the tenant's accounts: a Query of its own partition of the tenants table
    'DynamoTenantAccountIndex',
    'DynamoAlertLog',
    'DynamoTradeReader',
    'DynamoPositionReader',
    'DynamoOrderRepository',
    'DynamoAuditLog',
    'DynamoRiskStore',
    'DynamoSignalLedger',
    // paper-reset: the paper wallet's versioned write
    'DynamoPaperLedgerStore',
    // shared/runtime/tenancy.ts: the plan (tenant meta) and the usage counters (GET /usage, plan checks)
    'DynamoTenantDirectory',
    'DynamoUsageMeter',
    // the live prices the watcher leaves (public market data: PUBLIC_READ_PARTITIONS below)
    'DynamoLivePriceReader',
    // the funding rates the risk-check job records (public market data: PUBLIC_READ_PARTITIONS below)
    'DynamoFundingReadingReader',
  ],
  // shared/runtime/algo.ts buildReleaseSlice: a due child's parent, read by key (GetItem only)
  sliceTimer: ['DynamoAlgoParentReader'],
};

/**
 * The optional always-on price watcher (infra/constructs/price-watcher-service.ts, its task role):
 * what the risk check's role has, since its handlers are the risk check's own (trailing stops,
 * paper fills, the circuit breaker's samples), and the live prices it writes for the console. Not a
 * FunctionName: it is a container, not a Lambda function, and its composition
 * (shared/runtime/price-watcher.ts) is held to this list once it is wired.
 */
export const WATCHER_REPOSITORIES: readonly RepositoryName[] = [
  ...FUNCTION_REPOSITORIES.riskCheck,
  'DynamoLivePriceStore',
];

/** The watcher task role's table grants: the union of WATCHER_REPOSITORIES' declarations. */
export function watcherTableGrants(): TableGrant[] {
  return grantsOf(WATCHER_REPOSITORIES);
}

/**
 * Partitions that hold no tenant's data and which a tenant's reads may still name: public market
 * data, the same for every tenant. The live prices' `price#<exchange>` partitions of the risk
 * table (shared/adapters/dynamodb/live-price-store.ts LIVE_PRICE_PARTITION_PREFIX, which a test
 * holds equal) and the recorded funding rates' `funding#<source>` ones (funding-reading-store.ts
 * FUNDING_PARTITION_PREFIX). Reads only: the tenant guard lets these actions through to the
 * prefixes, and the tenant data role is granted them under `dynamodb:LeadingKeys` `price#*` and
 * `funding#*` (docs/TENANCY.md).
 */
export const PUBLIC_READ_PARTITIONS: readonly {
  table: TableName;
  prefix: string;
  actions: readonly IamTableAction[];
}[] = [
  { table: 'risk', prefix: 'price#', actions: ['dynamodb:Query'] },
  { table: 'risk', prefix: 'funding#', actions: ['dynamodb:Query'] },
];

export interface TableGrant {
  table: TableName;
  /** sorted, each once */
  actions: IamTableAction[];
  indexes: string[];
}

/** The union of the declarations of a function's repositories, one grant per table, sorted by table name. */
export function functionTableGrants(fn: FunctionName): TableGrant[] {
  return grantsOf(FUNCTION_REPOSITORIES[fn]);
}

function grantsOf(repositories: readonly RepositoryName[]): TableGrant[] {
  const byTable = new Map<TableName, { actions: Set<IamTableAction>; indexes: Set<string> }>();
  for (const repository of repositories) {
    const access = REPOSITORY_ACCESS[repository];
    const entry = byTable.get(access.table) ?? { actions: new Set<IamTableAction>(), indexes: new Set<string>() };
    for (const action of access.actions) entry.actions.add(action);
    for (const index of access.indexes ?? []) entry.indexes.add(index);
    byTable.set(access.table, entry);
  }
  return [...byTable.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, { actions, indexes }]) => ({ table, actions: [...actions].sort(), indexes: [...indexes].sort() }));
}

/**
 * The functions whose every DynamoDB call runs as the tenant data role, one session per tenant
 * (docs/TENANCY.md): their own role holds no grant on a table.
 */
export const TENANT_SCOPED_FUNCTIONS: readonly FunctionName[] = ['consoleApi'];

/**
 * The tenant data role's grants for a function: its table grants without Scan. A Scan names no
 * partition key, and IAM's ForAllValues over an empty set of values is true, so a granted Scan
 * would pass the `dynamodb:LeadingKeys` condition and read every tenant. The scoped code never
 * scans (the tenant's accounts come from its index); the guard refuses a Scan locally.
 */
export function tenantDataGrants(fn: FunctionName): TableGrant[] {
  return functionTableGrants(fn)
    .map((g) => ({ ...g, actions: g.actions.filter((a) => a !== 'dynamodb:Scan') }))
    .filter((g) => g.actions.length > 0);
}

/**
 * The deployment admin's routes of the console API (docs/TENANCY.md "The deployment's admin") run
 * as the admin data role, never a tenant's: these repositories (shared/runtime/console-api.ts
 * buildTenantAdmin), each grant held to the attributes below.
 */
export const ADMIN_DATA_REPOSITORIES: readonly RepositoryName[] = ['DynamoTenantAdminStore', 'DynamoAccountSlotReader'];

/**
 * The attributes each admin action may touch (IAM `dynamodb:Attributes`), per table: what
 * shared/adapters/dynamodb/tenant-admin-store.ts projects and writes, which a test holds equal.
 * Reads: a tenant's meta, members, index keys and day counters (never its `notify` item's Discord
 * URL nor a Telegram link), an account's live-slot fields (never its keys, token or settings).
 * Write: a meta's plan and its history.
 */
export const ADMIN_ATTRIBUTES: Record<'tenants' | 'accounts', { read: readonly string[]; write?: readonly string[] }> =
  {
    tenants: {
      read: [
        'tenantId',
        'itemKey',
        'plan',
        'createdAt',
        'ownerEmail',
        'userId',
        'email',
        'role',
        'addedAt',
        'signals',
        'orders',
        'backtests',
        'optimisations',
        'generations',
      ],
      write: ['tenantId', 'itemKey', 'plan', 'planHistory'],
    },
    accounts: { read: ['accountId', 'exchange', 'status', 'deletedAt'] },
  };

/** The admin data role's grants: the union of its repositories' declarations, per table. */
export function adminDataGrants(): TableGrant[] {
  return grantsOf(ADMIN_DATA_REPOSITORIES);
}
