// The data-layer guard of a tenant's scope (docs/TENANCY.md "Isolation at the data layer"): a
// middleware on a DynamoDB client that lets a command through only when every partition key it
// names is the tenant's own, and refuses it before it is sent otherwise. It mirrors the IAM
// condition the tenant data role carries in the cloud:
//
//   "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["<tenant>", "<tenant>-*"] }
//
// `dynamodb:LeadingKeys` is "the first key attribute of a table, in other words the partition
// key" of every item a request names, and ForAllValues requires each of them to match
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
// So: GetItem/PutItem/UpdateItem/DeleteItem by their key (PutItem by the item's), a Query by the
// partition equality of its KeyConditionExpression, BatchGet/BatchWrite and transactions by every
// item's key. A Scan names no partition: IAM's ForAllValues over no values would be true, so the
// tenant role is granted no Scan at all, and the guard refuses every Scan. Anything the guard cannot
// read a partition from (PartiQL, the legacy KeyConditions, an index, a table it has no key schema
// for, a command it does not know) is refused too: it fails closed, as IAM's deny-by-default does.
//
// A refusal is a TenantScopeError, a NotFoundError: the API answers 404, exactly like a row that
// does not exist, so an id of another tenant is never confirmed. Locally (dynalite has no IAM)
// this guard is the only wall; in the cloud it is the first of two.
import type { TenantId } from '../../core/domain/tenant';
import { isTenantKey } from '../../core/domain/tenant';
import { NotFoundError } from '../../core/errors';

/** The partition key attribute of each table the client may touch, by physical table name. */
export type PartitionKeys = Readonly<Record<string, string>>;

/**
 * Partitions that hold no tenant's data (public market data: the live prices' `price#<exchange>`),
 * by physical table name: the key prefixes a Query may name, and nothing else (no item read, no
 * write). Mirrors the tenant data role's read-only grant on the same prefixes.
 */
export type PublicReadPartitions = Readonly<Record<string, readonly string[]>>;

/** A command the tenant's scope does not allow: answered as "not found", never sent. */
export class TenantScopeError extends NotFoundError {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super('item', 'not found');
    this.name = 'TenantScopeError';
  }
}

type AttributeValue = { S?: unknown } & Record<string, unknown>;
type Item = Record<string, AttributeValue>;
type Input = Record<string, unknown>;

/** A partition key value as IAM sees it: a string attribute; any other type matches no StringLike. */
function stringOf(value: AttributeValue | undefined): string | undefined {
  return value !== undefined && typeof value.S === 'string' ? value.S : undefined;
}

const NAME = '#?[A-Za-z_][A-Za-z0-9_.]*';
const VALUE = ':[A-Za-z0-9_]+';
/** `a = b` with either side a name or a placeholder; `<=`, `>=` and `<>` are not equalities. */
const EQUALITY = new RegExp(`(${NAME}|${VALUE})\\s*(?<![<>])=\\s*(${NAME}|${VALUE})`, 'g');

/**
 * The values the Query's key condition sets its partition key to. DynamoDB requires exactly one
 * equality on the partition key; every one found is returned (all must be the tenant's), and a
 * key condition whose partition is not a plain placeholder is refused.
 */
function queryPartitionValues(input: Input, partitionKey: string): string[] | string {
  const expression = input.KeyConditionExpression;
  if (typeof expression !== 'string') return 'a Query without a KeyConditionExpression';
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Item;
  const resolve = (token: string): string => (token.startsWith('#') ? (names[token] ?? '') : token);
  const found: string[] = [];
  for (const [, left, right] of expression.matchAll(EQUALITY)) {
    const [name, value] = resolve(left!) === partitionKey ? [left!, right!] : [right!, left!];
    if (resolve(name) !== partitionKey) continue;
    if (!value.startsWith(':')) return 'a key condition whose partition is not a placeholder';
    const key = stringOf(values[value]);
    if (key === undefined) return `the partition value ${value} is not a string`;
    found.push(key);
  }
  return found.length > 0 ? found : 'a key condition without an equality on the partition key';
}

/** Each item key or item of the command, with its table; a string says why none can be read. */
function namedItems(command: string, input: Input): { table: string; key: Item }[] | string {
  const table = input.TableName as string;
  switch (command) {
    case 'GetItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [{ table, key: (input.Key ?? {}) as Item }];
    case 'PutItemCommand':
      return [{ table, key: (input.Item ?? {}) as Item }];
    case 'BatchGetItemCommand':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>).flatMap(([t, r]) =>
        (r.Keys ?? []).map((key) => ({ table: t, key })),
      );
    case 'BatchWriteItemCommand':
      return Object.entries(
        (input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>,
      ).flatMap(([t, requests]) =>
        requests.map((r) => ({ table: t, key: r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {} })),
      );
    case 'TransactGetItemsCommand':
    case 'TransactWriteItemsCommand':
      return ((input.TransactItems ?? []) as Record<string, { TableName: string; Key?: Item; Item?: Item }>[]).map(
        (entry) => {
          const body = Object.values(entry)[0] ?? { TableName: '' };
          return { table: body.TableName, key: body.Key ?? body.Item ?? {} };
        },
      );
    default:
      return `${command} names no partition the guard can check`;
  }
}

/**
 * Why the command leaves the tenant's scope, or undefined when every partition key it names is
 * the tenant's (`isTenantKey`: the tenant id itself or `<tenant>-…`).
 */
export function scopeViolation(
  tenantId: TenantId,
  partitionKeys: PartitionKeys,
  command: string,
  input: Input,
  publicReads: PublicReadPartitions = {},
): string | undefined {
  const outside = (table: string, key: string | undefined): string | undefined =>
    key === undefined
      ? `no string partition key on ${table}`
      : isTenantKey(tenantId, key)
        ? undefined
        : 'another tenant';
  if (command === 'ScanCommand') return 'a Scan reads every tenant';
  if (command === 'QueryCommand') {
    const table = input.TableName as string;
    const partitionKey = partitionKeys[table];
    if (partitionKey === undefined) return `no key schema for ${table}`;
    if (input.IndexName !== undefined) return 'a Query of an index';
    if (input.KeyConditions !== undefined) return 'the legacy KeyConditions';
    const keys = queryPartitionValues(input, partitionKey);
    if (typeof keys === 'string') return keys;
    const isPublic = (k: string) => (publicReads[table] ?? []).some((prefix) => k.startsWith(prefix));
    return keys.map((k) => (isPublic(k) ? undefined : outside(table, k))).find((v) => v !== undefined);
  }
  const items = namedItems(command, input);
  if (typeof items === 'string') return items;
  if (items.length === 0) return 'no item named';
  for (const { table, key } of items) {
    const partitionKey = partitionKeys[table];
    if (partitionKey === undefined) return `no key schema for ${table}`;
    const violation = outside(table, stringOf(key[partitionKey]));
    if (violation) return violation;
  }
  return undefined;
}

/** The smallest slice of a client the guard needs: its middleware stack. */
interface GuardedClient {
  middlewareStack: {
    add(middleware: never, options: { step: 'build'; name: string; priority: 'high'; override: boolean }): void;
  };
}

/**
 * Adds the guard to the client (a DynamoDBClient, or a document client: they share one stack).
 * In the build step, after the document client's marshalling: it reads the command exactly as
 * DynamoDB (and IAM) will see it, whichever client built it.
 */
export function guardTenant(
  client: GuardedClient,
  tenantId: TenantId,
  partitionKeys: PartitionKeys,
  publicReads: PublicReadPartitions = {},
): void {
  const guard =
    (next: (args: { input: Input }) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: Input }) => {
      const command = context.commandName ?? 'unknown';
      const violation = scopeViolation(tenantId, partitionKeys, command, args.input, publicReads);
      if (violation !== undefined) throw new TenantScopeError(command, violation);
      return next(args);
    };
  client.middlewareStack.add(guard as never, { step: 'build', name: 'tenantGuard', priority: 'high', override: true });
}
