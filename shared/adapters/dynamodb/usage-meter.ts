// The usage meter on the `tenants` table (docs/TENANCY.md "Plans and usage"): one item per tenant
// and UTC day, `usage#<yyyy-mm-dd>`, whose counters grow by UpdateItem ADD (atomic: two functions
// counting at once both count). The item expires about 400 days after its day (the table's `ttl`):
// a year of history for the console and the CLI, nothing kept forever.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantId } from '../../core/domain/tenant';
import { InvalidArgumentError } from '../../core/errors';
import type { UsageMeter, UsageMetric } from '../../core/tenancy/ports';
import type { DynamoTableAccess } from './table-access';

const DAY_MS = 86_400_000;
/** how long a day's counters are kept after the day */
export const USAGE_RETENTION_DAYS = 400;
export const USAGE_METRICS: readonly UsageMetric[] = ['signals', 'orders', 'backtests', 'optimisations', 'generations'];

/** The UTC day of `at` as yyyy-mm-dd. */
export const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10);
const usageKey = (at: number) => `usage#${utcDay(at)}`;

export class DynamoUsageMeter implements UsageMeter {
  static readonly tableAccess: DynamoTableAccess = {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async count(tenantId: TenantId, metric: UsageMetric, at: number, n = 1): Promise<void> {
    await this.add(tenantId, { [metric]: n }, at);
  }

  /**
   * Several counters of the same day in one UpdateItem (the executor: a signal and its orders).
   * Counts below 1 or not whole are left out; nothing left, nothing sent.
   */
  async add(tenantId: TenantId, counts: Partial<Record<UsageMetric, number>>, at: number): Promise<void> {
    const names: Record<string, string> = { '#d': 'day', '#ttl': 'ttl' };
    const values: Record<string, unknown> = {};
    const adds: string[] = [];
    for (const [metric, n] of Object.entries(counts)) {
      if (!(USAGE_METRICS as readonly string[]).includes(metric))
        throw new InvalidArgumentError(`metric: no usage metric ${metric.slice(0, 40)}`);
      if (n === undefined || !Number.isInteger(n) || n < 1) continue;
      // `#mN` is one of USAGE_METRICS (checked above): no name from outside reaches the expression.
      names[`#m${adds.length}`] = metric;
      values[`:n${adds.length}`] = n;
      adds.push(`#m${adds.length} :n${adds.length}`);
    }
    if (!adds.length) return;
    const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { tenantId, itemKey: usageKey(at) },
        // the day and its expiry are set once, by whoever counts first
        UpdateExpression: `ADD ${adds.join(', ')} SET #d = if_not_exists(#d, :d), #ttl = if_not_exists(#ttl, :ttl)`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...values,
          ':d': utcDay(at),
          ':ttl': Math.floor((dayStart + (USAGE_RETENTION_DAYS + 1) * DAY_MS) / 1000),
        },
      }),
    );
  }

  async day(tenantId: TenantId, at: number): Promise<Record<UsageMetric, number>> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { tenantId, itemKey: usageKey(at) } }));
    const counts = {} as Record<UsageMetric, number>;
    for (const metric of USAGE_METRICS) {
      const value = Number(out.Item?.[metric] ?? 0);
      counts[metric] = Number.isFinite(value) ? value : 0;
    }
    return counts;
  }
}
