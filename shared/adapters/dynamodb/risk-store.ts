// The risk table: per account one 'state' item (kill switches, peak, day start; optimistic lock on
// `version`), one 'lease' item (one risk-check run per account at a time) and the equity snapshots
// 'equity#<13-digit ms>' (sorted by time, expired by DynamoDB TTL).
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { EquitySnapshot, RiskStore } from '../../core/ports/repositories';
import type { RiskState } from '../../core/risk/state';
import { withDecimals } from './decimal-fields';
import { isConditionFailure, putVersioned } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

const STATE = 'state';
const LEASE = 'lease';
const snapshotKey = (at: number): string => `equity#${String(Math.max(0, Math.floor(at))).padStart(13, '0')}`;

export interface RiskStoreOptions {
  /** how long snapshots are kept (DynamoDB TTL), days */
  snapshotRetentionDays?: number;
}

export class DynamoRiskStore implements RiskStore {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
  };

  private readonly retentionMs: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: RiskStoreOptions = {},
  ) {
    this.retentionMs = (options.snapshotRetentionDays ?? 400) * 86_400_000;
  }

  async getState(accountId: string): Promise<RiskState | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, itemKey: STATE }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { itemKey: _key, ...state } = out.Item;
    return withDecimals(state as RiskState, ['dayStartEquity', 'peakEquity', 'lastEquity']);
  }

  async saveState(state: RiskState, expectedVersion: number): Promise<void> {
    await putVersioned(
      this.db,
      this.table,
      { ...state, itemKey: STATE },
      'itemKey',
      expectedVersion,
      `risk state of ${state.accountId}`,
    );
  }

  async putSnapshot(snapshot: EquitySnapshot): Promise<void> {
    // Keyed by time: a repeated run in the same millisecond overwrites the same reading.
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...snapshot,
          itemKey: snapshotKey(snapshot.at),
          ttl: Math.ceil((snapshot.at + this.retentionMs) / 1000),
        },
      }),
    );
  }

  async listSnapshots(accountId: string, from: number, to: number): Promise<EquitySnapshot[]> {
    const items = await queryAll<EquitySnapshot & { itemKey?: string; ttl?: number }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a AND itemKey BETWEEN :f AND :t',
      ExpressionAttributeValues: { ':a': accountId, ':f': snapshotKey(from), ':t': snapshotKey(to) },
    });
    return items.map(({ itemKey: _k, ttl: _t, ...s }) =>
      withDecimals(s, ['equity', 'free', 'unrealizedPnl', 'exposure']),
    );
  }

  async latestSnapshot(accountId: string, at: number): Promise<EquitySnapshot | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'accountId = :a AND itemKey BETWEEN :f AND :t',
        ExpressionAttributeValues: { ':a': accountId, ':f': snapshotKey(0), ':t': snapshotKey(at) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0] as (EquitySnapshot & { itemKey?: string; ttl?: number }) | undefined;
    if (!item) return undefined;
    const { itemKey: _k, ttl: _t, ...snapshot } = item;
    return withDecimals(snapshot, ['equity', 'free', 'unrealizedPnl', 'exposure']);
  }

  async acquireLease(accountId: string, owner: string, until: number, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { accountId, itemKey: LEASE, owner, until, ttl: Math.ceil(until / 1000) + 3600 },
          ConditionExpression: 'attribute_not_exists(itemKey) OR #until < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLease(accountId: string, owner: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { accountId, itemKey: LEASE },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // someone else's lease now: leave it
    }
  }
}

/** The account's risk state, read only (GetItem): the funding-arb job checks the kill switches. */
export class DynamoRiskStateReader implements Pick<RiskStore, 'getState'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'risk', actions: ['dynamodb:GetItem'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getState(accountId: string): Promise<RiskState | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, itemKey: STATE }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { itemKey: _key, ...state } = out.Item;
    return withDecimals(state as RiskState, ['dayStartEquity', 'peakEquity', 'lastEquity']);
  }
}
