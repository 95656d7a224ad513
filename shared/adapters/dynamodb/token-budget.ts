// The advisor's daily token budget (docs/AI.md "Budget") on the `risk` table, beside the account's
// other daily guard rails: one item per account and UTC day, `llm#<yyyy-mm-dd>`, whose `tokens`
// grow by UpdateItem ADD (atomic: two functions asking at once both count). Not the tenants table's
// `usage#` counters, which are per tenant (and under the tenant's LeadingKeys): the budget is per
// account. The item expires about 400 days after its day (the table's `ttl`), like the usage days.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidArgumentError } from '../../core/errors';
import type { TokenBudget } from '../../core/ports/model';
import type { DynamoTableAccess } from './table-access';
import { USAGE_RETENTION_DAYS, utcDay } from './usage-meter';

const DAY_MS = 86_400_000;
const budgetKey = (at: number) => `llm#${utcDay(at)}`;

export class DynamoTokenBudget implements TokenBudget {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async spent(accountId: string, at: number): Promise<number> {
    const out = await this.db.send(
      // Consistent: a budget read just after another function's charge must see it.
      new GetCommand({ TableName: this.table, Key: { accountId, itemKey: budgetKey(at) }, ConsistentRead: true }),
    );
    const tokens = Number(out.Item?.tokens ?? 0);
    return Number.isFinite(tokens) ? tokens : 0;
  }

  async charge(accountId: string, tokens: number, at: number): Promise<number> {
    if (!Number.isSafeInteger(tokens) || tokens < 0)
      throw new InvalidArgumentError(`tokens: must be a whole number ≥ 0 (got ${String(tokens)})`);
    const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId, itemKey: budgetKey(at) },
        // the day and its expiry are set once, by whoever charges first
        UpdateExpression: 'ADD #t :n SET #d = if_not_exists(#d, :d), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#t': 'tokens', '#d': 'day', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':n': tokens,
          ':d': utcDay(at),
          ':ttl': Math.floor((dayStart + (USAGE_RETENTION_DAYS + 1) * DAY_MS) / 1000),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.tokens ?? tokens);
  }
}
