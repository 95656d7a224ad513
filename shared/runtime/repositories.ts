// Composition helpers shared by the Lambda handlers, the local stack and the CLI: one place that
// knows which adapter implements which port and which table it uses. Depends on adapters, core
// and platform; nothing below it depends on it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountRepository } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { createDocumentClient } from '../adapters/dynamodb/document-client';
import { DynamoOrderRepository } from '../adapters/dynamodb/order-repository';
import { DynamoPaperLedgerStore } from '../adapters/dynamodb/paper-ledger-store';
import { DynamoPositionBook } from '../adapters/dynamodb/position-book';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../adapters/dynamodb/signal-ledger';
import { DynamoTradeRepository } from '../adapters/dynamodb/trade-repository';
import { tableName } from '../platform/resource-names';

export interface Repositories {
  /** the client the repositories share, for local tooling that reads tables directly */
  documentClient: DynamoDBDocumentClient;
  accounts: DynamoAccountRepository;
  signals: DynamoSignalLedger;
  orders: DynamoOrderRepository;
  trades: DynamoTradeRepository;
  positions: DynamoPositionBook;
  audit: DynamoAuditLog;
  paper: DynamoPaperLedgerStore;
  risk: DynamoRiskStore;
}

export interface DynamoTarget {
  stage: string;
  region: string;
  endpoint?: string | undefined;
}

export function dynamoClient(target: DynamoTarget): DynamoDBDocumentClient {
  return createDocumentClient({ region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
}

export function buildRepositories(db: DynamoDBDocumentClient, stage: string): Repositories {
  return {
    documentClient: db,
    accounts: new DynamoAccountRepository(db, tableName(stage, 'accounts')),
    signals: new DynamoSignalLedger(db, tableName(stage, 'signals')),
    orders: new DynamoOrderRepository(db, tableName(stage, 'orders')),
    trades: new DynamoTradeRepository(db, tableName(stage, 'trades')),
    positions: new DynamoPositionBook(db, tableName(stage, 'positions')),
    audit: new DynamoAuditLog(db, tableName(stage, 'audit')),
    paper: new DynamoPaperLedgerStore(db, tableName(stage, 'paper')),
    risk: new DynamoRiskStore(db, tableName(stage, 'risk')),
  };
}
