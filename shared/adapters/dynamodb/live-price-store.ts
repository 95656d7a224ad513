// The console's live prices (LivePriceStore, docs/WATCHER-CLOUD.md): the price watcher's latest
// tick per market, on the `risk` table under one partition per exchange, `price#<exchange>`, sort
// key the symbol. The risk table because it already holds the readings the console prices
// positions with (the risk-check job's equity snapshots and their marks) and has a TTL attribute;
// a partition of its own because a price is public market data, the same for every tenant, so it
// is written once per market, not once per account. `price#` cannot be an account id (those are
// `<tenant>-<12 hex>` and tenant ids hold no `#`), so no account's items are ever in it, and the
// tenant guard and the tenant data role let reads through to this prefix only (docs/TENANCY.md).
//
// A row lives LIVE_PRICE_TTL_SECONDS after its tick (DynamoDB TTL removes it within days; `latest`
// drops an expired one itself). A write is conditional on being newer than the row, so a late,
// older tick never replaces a newer price. Prices are kept as decimal text, as the money columns.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidArgumentError } from '../../core/errors';
import type { LivePriceStore, PriceTick } from '../../core/ports/price-stream';
import { systemClock, type Clock } from '../../core/ports/runtime';
import { isConditionFailure } from './document-client';
import { queryAll } from './query-all';
import type { DynamoTableAccess } from './table-access';

/** The partition prefix of the live prices: shared/platform/table-access.ts PUBLIC_READ_PARTITIONS says the same. */
export const LIVE_PRICE_PARTITION_PREFIX = 'price#';

/** How long a live price row is kept: past this the console prices at the risk-check job's mark again. */
export const LIVE_PRICE_TTL_SECONDS = 3_600;

const partitionOf = (exchange: string): string => `${LIVE_PRICE_PARTITION_PREFIX}${exchange}`;

/** Identifiers as the webhook's bounds allow them: printable ASCII, no `#` in the exchange id (it ends the prefix). */
const EXCHANGE_ID = /^[a-z0-9_-]{1,32}$/;
const SYMBOL = /^[\x21-\x7e]{1,64}$/;

interface PriceRow {
  accountId: string;
  itemKey: string;
  exchange: string;
  symbol: string;
  last: string;
  bid?: string;
  ask?: string;
  timestamp: number;
  receivedAt: number;
  ttl: number;
}

/** Why a tick cannot be stored (the field and its bound), or undefined when it can. */
export function tickProblem(tick: PriceTick): string | undefined {
  const positive = (name: string, value: number | undefined, required: boolean): string | undefined =>
    value === undefined
      ? required
        ? `${name}: required`
        : undefined
      : typeof value === 'number' && Number.isFinite(value) && value > 0
        ? undefined
        : `${name}: must be a finite number > 0 (got ${String(value)})`;
  const time = (name: string, value: number): string | undefined =>
    Number.isSafeInteger(value) && value > 0 ? undefined : `${name}: must be epoch ms > 0 (got ${String(value)})`;
  if (typeof tick.exchange !== 'string' || !EXCHANGE_ID.test(tick.exchange))
    return `exchange: must be 1-32 of a-z 0-9 _ - (got ${JSON.stringify(tick.exchange)})`;
  if (typeof tick.symbol !== 'string' || !SYMBOL.test(tick.symbol))
    return `symbol: must be 1-64 printable ASCII characters (got ${JSON.stringify(tick.symbol)})`;
  return (
    positive('last', tick.last, true) ??
    positive('bid', tick.bid, false) ??
    positive('ask', tick.ask, false) ??
    time('timestamp', tick.timestamp) ??
    time('receivedAt', tick.receivedAt)
  );
}

/** The console's side: reads only (a Query of one exchange's partition). */
export class DynamoLivePriceReader implements Pick<LivePriceStore, 'latest'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'risk', actions: ['dynamodb:Query'] };

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
    /** what `latest` judges a row's expiry by */
    protected readonly clock: Clock = systemClock,
  ) {}

  /** The stored prices of `symbols` on `exchange` that have not expired; a symbol without one is left out. */
  async latest(exchange: string, symbols: readonly string[]): Promise<PriceTick[]> {
    if (symbols.length === 0 || !EXCHANGE_ID.test(exchange)) return [];
    const wanted = new Set(symbols);
    const nowSeconds = this.clock.now() / 1000;
    // one Query of the exchange's partition: a few dozen markets at most, each row ~200 bytes
    const rows = await queryAll<PriceRow>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'accountId = :p',
      ExpressionAttributeValues: { ':p': partitionOf(exchange) },
    });
    return rows
      .filter((row) => wanted.has(row.itemKey) && Number(row.ttl) > nowSeconds)
      .map((row) => ({
        exchange,
        symbol: row.itemKey,
        last: Number(row.last),
        ...(row.bid !== undefined ? { bid: Number(row.bid) } : {}),
        ...(row.ask !== undefined ? { ask: Number(row.ask) } : {}),
        timestamp: Number(row.timestamp),
        receivedAt: Number(row.receivedAt),
      }))
      .filter((tick) => Number.isFinite(tick.last) && tick.last > 0);
  }
}

/** The watcher's side: writes, and reads like the console. */
export class DynamoLivePriceStore extends DynamoLivePriceReader implements LivePriceStore {
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'risk',
    actions: ['dynamodb:PutItem', 'dynamodb:Query'],
  };

  /**
   * Writes each market's newest tick (several ticks of one market in a call: the newest only).
   * The good ticks are written even when some are refused; then one InvalidArgumentError names
   * every refused tick's field and bound.
   */
  async put(ticks: readonly PriceTick[]): Promise<void> {
    const problems: string[] = [];
    const newest = new Map<string, PriceTick>();
    ticks.forEach((tick, i) => {
      const problem = tickProblem(tick);
      if (problem !== undefined) {
        problems.push(`ticks[${i}].${problem}`);
        return;
      }
      const key = `${tick.exchange}\u0000${tick.symbol}`;
      const held = newest.get(key);
      if (!held || tick.timestamp > held.timestamp) newest.set(key, tick);
    });
    await Promise.all([...newest.values()].map((tick) => this.#put(tick)));
    if (problems.length > 0) throw new InvalidArgumentError(`live price refused: ${problems.join('; ')}`);
  }

  /** One conditional put: over an older price of the market only. */
  async #put(tick: PriceTick): Promise<void> {
    const row: PriceRow = {
      accountId: partitionOf(tick.exchange),
      itemKey: tick.symbol,
      exchange: tick.exchange,
      symbol: tick.symbol,
      last: String(tick.last),
      ...(tick.bid !== undefined ? { bid: String(tick.bid) } : {}),
      ...(tick.ask !== undefined ? { ask: String(tick.ask) } : {}),
      timestamp: tick.timestamp,
      receivedAt: tick.receivedAt,
      ttl: Math.ceil(tick.receivedAt / 1000) + LIVE_PRICE_TTL_SECONDS,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: row,
          // only over an older price: ticks of two connections (a reconnect) may land out of order
          ConditionExpression: 'attribute_not_exists(#ts) OR #ts < :ts',
          ExpressionAttributeNames: { '#ts': 'timestamp' },
          ExpressionAttributeValues: { ':ts': tick.timestamp },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
