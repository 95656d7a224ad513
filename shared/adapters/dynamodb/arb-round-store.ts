// Funding-arbitrage rounds (docs/FUNDING.md "Live") on the risk table, beside the perp account's
// risk state: 'arb#<planId>', one row per plan holding its current (or last) round. Writes are
// conditional: create only when absent, update only at the version read, so of two overlapping
// coordinator runs exactly one decides.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ArbRound } from '../../core/funding/arb-round';
import type { ArbRoundStore } from '../../core/funding/ports';
import { isConditionFailure } from './document-client';
import type { DynamoTableAccess } from './table-access';

const keyOf = (planId: string): string => `arb#${planId}`;

type Row = ArbRound & { itemKey: string };

export class DynamoArbRoundStore implements ArbRoundStore {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(perpAccountId: string, planId: string): Promise<ArbRound | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { accountId: perpAccountId, itemKey: keyOf(planId) },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { itemKey: _k, ...round } = out.Item as Row;
    return round;
  }

  async save(round: ArbRound, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...round, itemKey: keyOf(round.planId) },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(itemKey)' }
            : {
                ConditionExpression: 'attribute_exists(itemKey) AND version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
