// The recorded funding rates (FundingReadingStore, docs/FUNDING.md "In the console"): the risk-check
// job's last reading of each market's funding rate, on the `risk` table under one partition per
// exchange and network, `funding#<source>` (`binanceusdm`, `bybit-testnet`), sort key the symbol:
// the shape of the live prices (live-price-store.ts) and for the same reasons. A rate is public
// market data, the same for every tenant, so it is written once per market; `funding#` cannot be
// an account id (tenant ids hold no `#`), and the tenant guard and the tenant data role let reads
// through to this prefix only (shared/platform/table-access.ts PUBLIC_READ_PARTITIONS).
//
// A row keeps the last good reading (rate as decimal text, next funding time, interval, `asOf`)
// and the last attempt (`triedAt`), good or failed. A write never replaces a later attempt or a
// fresher reading (two overlapping runs). A row lives FUNDING_TTL_SECONDS after its last attempt.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidArgumentError } from '../../core/errors';
import type { FundingReading, FundingReadingStore, StoredFunding } from '../../core/ports/funding-rates';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

/** The partition prefix of the recorded funding rates: PUBLIC_READ_PARTITIONS says the same. */
export const FUNDING_PARTITION_PREFIX = 'funding#';

/** A day: long enough for the console to show an old reading as stale rather than none. */
export const FUNDING_TTL_SECONDS = 86_400;

const partitionOf = (source: string): string => `${FUNDING_PARTITION_PREFIX}${source}`;

/** `binanceusdm`, `bybit-testnet`: no `#` (it ends the prefix). */
const SOURCE = /^[a-z0-9_-]{1,48}$/;
const SYMBOL = /^[\x21-\x7e]{1,64}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

interface FundingRow {
  accountId: string;
  itemKey: string;
  rate?: string;
  nextFundingTime?: number;
  intervalMs?: number;
  asOf?: number;
  triedAt: number;
  ttl: number;
}

const epochMs = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** Why an entry cannot be stored (the field and its bound), or undefined when it can. */
export function fundingEntryProblem(entry: StoredFunding): string | undefined {
  if (typeof entry.symbol !== 'string' || !SYMBOL.test(entry.symbol))
    return `symbol: must be 1-64 printable ASCII characters (got ${JSON.stringify(entry.symbol)})`;
  if (!epochMs(entry.triedAt)) return `triedAt: must be epoch ms > 0 (got ${String(entry.triedAt)})`;
  const r = entry.reading;
  if (!r) return undefined;
  if (typeof r.rate !== 'string' || !DECIMAL.test(r.rate))
    return `reading.rate: must be a decimal number (got ${JSON.stringify(r.rate)})`;
  if (!epochMs(r.asOf)) return `reading.asOf: must be epoch ms > 0 (got ${String(r.asOf)})`;
  if (r.nextFundingTime !== undefined && !epochMs(r.nextFundingTime))
    return `reading.nextFundingTime: must be epoch ms > 0 (got ${String(r.nextFundingTime)})`;
  if (r.intervalMs !== undefined && !epochMs(r.intervalMs))
    return `reading.intervalMs: must be an integer > 0 (got ${String(r.intervalMs)})`;
  return undefined;
}

function entryOf(row: FundingRow): StoredFunding | undefined {
  if (!epochMs(Number(row.triedAt))) return undefined;
  const entry: StoredFunding = { symbol: row.itemKey, triedAt: Number(row.triedAt) };
  if (typeof row.rate === 'string' && DECIMAL.test(row.rate) && epochMs(Number(row.asOf))) {
    const reading: FundingReading = {
      symbol: row.itemKey,
      rate: row.rate,
      nextFundingTime: epochMs(Number(row.nextFundingTime)) ? Number(row.nextFundingTime) : undefined,
      asOf: Number(row.asOf),
    };
    if (epochMs(Number(row.intervalMs))) reading.intervalMs = Number(row.intervalMs);
    entry.reading = reading;
  }
  return entry;
}

/** The console's side: reads only (a Query of one source's partition). */
export class DynamoFundingReadingReader implements Pick<FundingReadingStore, 'read'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'risk', actions: ['dynamodb:Query'] };

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  async read(source: string, symbols: readonly string[]): Promise<StoredFunding[]> {
    if (symbols.length === 0 || !SOURCE.test(source)) return [];
    const wanted = new Set(symbols);
    // one Query of the partition: the markets the deployment's live accounts hold, ~150 bytes each
    const rows = await queryAll<FundingRow>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :p',
      ExpressionAttributeValues: { ':p': partitionOf(source) },
    });
    return rows
      .filter((row) => wanted.has(row.itemKey))
      .map(entryOf)
      .filter((e): e is StoredFunding => e !== undefined);
  }
}

/** The risk-check job's side: writes, and reads what it wrote. */
export class DynamoFundingReadingStore extends DynamoFundingReadingReader implements FundingReadingStore {
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:PutItem', 'dynamodb:Query'],
  };

  /** Writes the good entries even when some are refused; then one InvalidArgumentError names each refused field. */
  async put(source: string, entries: readonly StoredFunding[]): Promise<void> {
    if (!SOURCE.test(source))
      throw new InvalidArgumentError(
        `funding reading refused: source: must be 1-48 of a-z 0-9 _ - (got ${JSON.stringify(source)})`,
      );
    const problems: string[] = [];
    const good = entries.filter((entry, i) => {
      const problem = fundingEntryProblem(entry);
      if (problem !== undefined) problems.push(`entries[${i}].${problem}`);
      return problem === undefined;
    });
    await Promise.all(good.map((entry) => this.#put(source, entry)));
    if (problems.length > 0) throw new InvalidArgumentError(`funding reading refused: ${problems.join('; ')}`);
  }

  async #put(source: string, entry: StoredFunding): Promise<void> {
    const r = entry.reading;
    const row: FundingRow = {
      accountId: partitionOf(source),
      itemKey: entry.symbol,
      ...(r
        ? {
            rate: r.rate,
            asOf: r.asOf,
            ...(r.nextFundingTime !== undefined ? { nextFundingTime: r.nextFundingTime } : {}),
            ...(r.intervalMs !== undefined ? { intervalMs: r.intervalMs } : {}),
          }
        : {}),
      triedAt: entry.triedAt,
      ttl: Math.ceil(entry.triedAt / 1000) + FUNDING_TTL_SECONDS,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: row,
          // never over a later attempt, nor over a fresher reading than the one written
          ConditionExpression: r
            ? '(attribute_not_exists(#tried) OR #tried < :tried) AND (attribute_not_exists(#asOf) OR #asOf <= :asOf)'
            : '(attribute_not_exists(#tried) OR #tried < :tried) AND attribute_not_exists(#asOf)',
          ExpressionAttributeNames: { '#tried': 'triedAt', '#asOf': 'asOf' },
          ExpressionAttributeValues: { ':tried': entry.triedAt, ...(r ? { ':asOf': r.asOf } : {}) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
