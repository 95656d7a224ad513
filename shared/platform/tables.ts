// Key schema of every table, shared by the CDK stacks, the local stack's CreateTable and the
// integration tests, so the three cannot drift. Access patterns: docs/DATA_MODEL.md.
import type { TableName } from './resource-names';

export interface TableSpec {
  partitionKey: string;
  sortKey?: string;
  /** attribute holding expiry in epoch seconds, for DynamoDB TTL in the cloud (code checks it too) */
  ttlAttribute?: string;
  /**
   * A DynamoDB stream of the new item images, for a consumer in the cloud: the audit table's feeds
   * the notifier. dynalite has no streams; locally bin/local/audit-tail.ts plays this part.
   */
  stream?: 'NEW_IMAGE';
}

export const TABLE_SPECS: Record<TableName, TableSpec> = {
  accounts: { partitionKey: 'accountId' },
  signals: { partitionKey: 'accountId', sortKey: 'signalId', ttlAttribute: 'ttl' },
  orders: { partitionKey: 'accountId', sortKey: 'clientOrderId' },
  trades: { partitionKey: 'accountId', sortKey: 'tradeId' },
  positions: { partitionKey: 'accountId', sortKey: 'symbol' },
  /** append-only; its stream (new images) feeds the notifier */
  audit: { partitionKey: 'accountId', sortKey: 'eventId', stream: 'NEW_IMAGE' },
  paper: { partitionKey: 'accountId', sortKey: 'itemKey' },
  /** per account: 'state' (kill switches, peak, day start), 'lease', 'equity#<ms>' snapshots (TTL) */
  risk: { partitionKey: 'accountId', sortKey: 'itemKey', ttlAttribute: 'ttl' },
  /**
   * Every webhook call for a known account, accepted or refused, with the reason (the console's
   * alert log): sort key `<receivedAt padded>#<requestId>`, newest last; expires after 30 days.
   */
  alerts: { partitionKey: 'accountId', sortKey: 'alertKey', ttlAttribute: 'ttl' },
  /**
   * Per tenant (docs/TENANCY.md): 'meta' (plan, owner), 'member#<userId>', 'account#<accountId>' (the
   * index that lists a tenant's accounts without a Scan), 'usage#<yyyy-mm-dd>' (counters). Under the
   * partition `email#<email>`, 'member': which tenant a sign-in email belongs to (admin and CLI only).
   */
  tenants: { partitionKey: 'tenantId', sortKey: 'itemKey', ttlAttribute: 'ttl' },
};
