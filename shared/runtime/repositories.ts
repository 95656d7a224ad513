// Composition helpers shared by the Lambda handlers, the local stack and the CLI: one place that
// knows which adapter implements which port and which table it uses. Depends on adapters, core
// and platform; nothing below it depends on it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountRepository } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoOrderRepository } from '../adapters/dynamodb/order-repository';
import { DynamoPaperLedgerStore } from '../adapters/dynamodb/paper-ledger-store';
import { DynamoPositionBook } from '../adapters/dynamodb/position-book';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { DynamoTradeRepository } from '../adapters/dynamodb/trade-repository';
import { tableName } from '../platform/resource-names';
import type {
  AccountArbPlans,
  AccountLifecycle,
  AccountRepository,
  AccountWebhookSettings,
} from '../core/ports/repositories';

export interface Repositories {
  /** the client the repositories share, for local tooling that reads tables directly */
  documentClient: DynamoDBDocumentClient;
  /** every account (the system's Scan), or in the CLI a tenant's (TenantScopedAccounts: its index) */
  accounts: AccountRepository & AccountLifecycle & AccountWebhookSettings & AccountArbPlans;
  signals: DynamoSignalLedger;
  orders: DynamoOrderRepository;
  trades: DynamoTradeRepository;
  positions: DynamoPositionBook;
  audit: DynamoAuditLog;
  paper: DynamoPaperLedgerStore;
  risk: DynamoRiskStore;
}

export { dynamoClient, type DynamoTarget } from './dynamo-client';

/**
 * The stage's repositories, each built on first use. A function's role may use exactly the tables
 * of the repositories its wiring builds (shared/platform/table-access.ts, held to the wiring by
 * test/unit/runtime/table-access.test.ts), so one a function never asks for must not be built:
 * the paper-tick job takes six of these and has no access to the other two tables.
 */
export function buildRepositories(db: DynamoDBDocumentClient, stage: string): Repositories {
  const once = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const accounts = once(() => new DynamoAccountRepository(db, tableName(stage, 'accounts')));
  const signals = once(() => new DynamoSignalLedger(db, tableName(stage, 'signals')));
  const orders = once(() => new DynamoOrderRepository(db, tableName(stage, 'orders')));
  const trades = once(() => new DynamoTradeRepository(db, tableName(stage, 'trades')));
  const positions = once(() => new DynamoPositionBook(db, tableName(stage, 'positions')));
  const audit = once(() => new DynamoAuditLog(db, tableName(stage, 'audit')));
  const paper = once(() => new DynamoPaperLedgerStore(db, tableName(stage, 'paper')));
  const risk = once(() => new DynamoRiskStore(db, tableName(stage, 'risk')));
  return {
    documentClient: db,
    get accounts() {
      return accounts();
    },
    get signals() {
      return signals();
    },
    get orders() {
      return orders();
    },
    get trades() {
      return trades();
    },
    get positions() {
      return positions();
    },
    get audit() {
      return audit();
    },
    get paper() {
      return paper();
    },
    get risk() {
      return risk();
    },
  };
}

/**
 * The repositories with some replaced (a wrapped audit log, say) and the others left as they are:
 * not yet built stays not built, which a spread (`{ ...repos }`) would undo by reading every one.
 */
export function replaceRepositories<T extends object>(repos: T, replaced: Partial<T>): T {
  return Object.defineProperties({} as T, {
    ...Object.getOwnPropertyDescriptors(repos),
    ...Object.getOwnPropertyDescriptors(replaced),
  });
}
