// Sliced entries' parent rows (docs/EXECUTION-ALGOS.md) on the risk table, beside the account's risk
// state: 'algo#<parentId>', read by key (a child carries its parent's id); one Query of the account's
// 'algo#' rows finds its running parents, for a close to cancel and for the risk-check job's safety
// net. Writes are conditional: create only when absent (a redelivery finds the row), update only at
// the version read. An ended parent expires (DynamoDB TTL) after ENDED_RETENTION_DAYS, so the Query
// reads few rows; a running one never expires.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlgoParent, AlgoParentStore } from '../../core/execution/algo/types';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

const PREFIX = 'algo#';
const keyOf = (parentId: string): string => `${PREFIX}${parentId}`;
const ENDED_RETENTION_DAYS = 7;

type Row = AlgoParent & { itemKey: string; ttl?: number };

export class DynamoAlgoParentStore implements AlgoParentStore {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(accountId: string, parentId: string): Promise<AlgoParent | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, itemKey: keyOf(parentId) }, ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item as Row) : undefined;
  }

  async create(parent: AlgoParent): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: rowOf(parent),
          ConditionExpression: 'attribute_not_exists(itemKey)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async update(parent: AlgoParent, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: rowOf(parent),
          ConditionExpression: 'attribute_exists(itemKey) AND version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async running(accountId: string, symbol?: string): Promise<AlgoParent[]> {
    const rows = await queryAll<Row>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :a AND begins_with(itemKey, :p)',
      FilterExpression: symbol === undefined ? '#s = :running' : '#s = :running AND symbol = :symbol',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':a': accountId,
        ':p': PREFIX,
        ':running': 'running',
        ...(symbol === undefined ? {} : { ':symbol': symbol }),
      },
      ConsistentRead: true,
    });
    return rows.map(strip);
  }
}

/** The slice timer's read: a child's parent by id, nothing else (GetItem only). */
export class DynamoAlgoParentReader implements Pick<AlgoParentStore, 'get'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'risk', actions: ['dynamodb:GetItem'] };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(accountId: string, parentId: string): Promise<AlgoParent | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { accountId, itemKey: keyOf(parentId) }, ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item as Row) : undefined;
  }
}

function rowOf(parent: AlgoParent): Row {
  const row: Row = { ...parent, itemKey: keyOf(parent.parentId) };
  if (parent.status !== 'running') row.ttl = Math.floor(parent.updatedAt / 1000) + ENDED_RETENTION_DAYS * 86_400;
  return row;
}

function strip(row: Row): AlgoParent {
  const { itemKey: _k, ttl: _t, ...parent } = row;
  return parent;
}
