// The tenant guard on the real document client over the real DynamoDB client: a recording
// middleware behind it (at the transport's end, as in table-access.test.ts) answers whatever the
// guard lets through, so a refused command is one the recorder never saw. The oracle for which
// keys pass is IAM's own rule, written out here independently of the guard: ForAllValues:StringLike
// dynamodb:LeadingKeys ["T", "T-*"] (StringLike: case-sensitive, `*` any run of characters, `?` one).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  ExecuteStatementCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoPositionReader } from '../../../../shared/adapters/dynamodb/position-book';
import { DynamoTenantDirectory } from '../../../../shared/adapters/dynamodb/tenant-directory';
import { guardTenant, TenantScopeError } from '../../../../shared/adapters/dynamodb/tenant-guard';
import { DynamoTradeReader } from '../../../../shared/adapters/dynamodb/trade-repository';
import { NotFoundError } from '../../../../shared/core/errors';

const A = 't0123456789';
const B = 'tabcdefabcd';
const KEYS = { trades: 'accountId', tenants: 'tenantId' };

/** IAM's StringLike: `*` any run, `?` one character, everything else literal and case-sensitive. */
const stringLike = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  ).test(value);
/** ForAllValues over the request's leading keys: every one matches one of the patterns. */
const iamAllows = (tenant: string, keys: string[]): boolean =>
  keys.every((k) => [tenant, `${tenant}-*`].some((p) => stringLike(p, k)));

function guarded(tenant: string, sent: string[]): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const answer = (_next: unknown, context: { commandName?: string }) => async () => {
    sent.push(context.commandName ?? '');
    return { output: { $metadata: {}, Items: [], Responses: {}, UnprocessedItems: {} }, response: {} };
  };
  client.middlewareStack.addRelativeTo(answer as never, {
    relation: 'after',
    toMiddleware: 'DocumentUnmarshall',
    name: 'recordAndAnswer',
  });
  const db = DynamoDBDocumentClient.from(client);
  guardTenant(db, tenant, KEYS);
  return db;
}

/** Sends, and says whether it reached the recorder; a refusal must be the guard's own error. */
async function passes(db: DynamoDBDocumentClient, sent: string[], command: object) {
  const before = sent.length;
  try {
    await db.send(command as never);
  } catch (error) {
    expect(error).toBeInstanceOf(TenantScopeError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(sent.length).toBe(before);
    return false;
  }
  expect(sent.length).toBe(before + 1);
  return true;
}

const item = (accountId: string) => ({ accountId, tradeId: 'x' });

describe('each command by the partition keys it names', () => {
  const sent: string[] = [];
  const db = guarded(A, sent);
  const own = `${A}-0123456789ab`;
  const other = `${B}-0123456789ab`;

  it.each([
    ['GetItem', (k: string) => new GetCommand({ TableName: 'trades', Key: item(k) })],
    ['PutItem', (k: string) => new PutCommand({ TableName: 'trades', Item: { ...item(k), x: 1 } })],
    [
      'UpdateItem',
      (k: string) =>
        new UpdateCommand({
          TableName: 'trades',
          Key: item(k),
          UpdateExpression: 'SET x = :x',
          ExpressionAttributeValues: { ':x': 1 },
        }),
    ],
    ['DeleteItem', (k: string) => new DeleteCommand({ TableName: 'trades', Key: item(k) })],
    [
      'Query',
      (k: string) =>
        new QueryCommand({
          TableName: 'trades',
          KeyConditionExpression: 'accountId = :a AND tradeId >= :t',
          ExpressionAttributeValues: { ':a': k, ':t': '0' },
        }),
    ],
    ['BatchGet', (k: string) => new BatchGetCommand({ RequestItems: { trades: { Keys: [item(own), item(k)] } } })],
    [
      'BatchWrite',
      (k: string) =>
        new BatchWriteCommand({
          RequestItems: { trades: [{ PutRequest: { Item: item(own) } }, { DeleteRequest: { Key: item(k) } }] },
        }),
    ],
    [
      'TransactWrite',
      (k: string) =>
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'trades', Item: item(own) } },
            { ConditionCheck: { TableName: 'trades', Key: item(k), ConditionExpression: 'attribute_exists(x)' } },
          ],
        }),
    ],
    [
      'TransactGet',
      (k: string) => new TransactGetCommand({ TransactItems: [{ Get: { TableName: 'trades', Key: item(k) } }] }),
    ],
  ])('%s: the tenant own key passes, another tenant key is refused unsent', async (_name, build) => {
    expect(await passes(db, sent, build(own))).toBe(true);
    expect(await passes(db, sent, build(A))).toBe(true);
    expect(await passes(db, sent, build(other))).toBe(false);
  });

  it('a Scan is refused, whatever its filter', async () => {
    const scan = new ScanCommand({
      TableName: 'trades',
      FilterExpression: 'accountId = :a',
      ExpressionAttributeValues: { ':a': own },
    });
    expect(await passes(db, sent, scan)).toBe(false);
  });

  it('what it cannot read a partition from is refused: PartiQL, an index, an unknown table, KeyConditions', async () => {
    expect(
      await passes(
        db,
        sent,
        new ExecuteStatementCommand({ Statement: `SELECT * FROM trades WHERE accountId='${own}'` }),
      ),
    ).toBe(false);
    const query = { KeyConditionExpression: 'accountId = :a', ExpressionAttributeValues: { ':a': own } };
    expect(await passes(db, sent, new QueryCommand({ TableName: 'trades', IndexName: 'bySymbol', ...query }))).toBe(
      false,
    );
    expect(await passes(db, sent, new QueryCommand({ TableName: 'elsewhere', ...query }))).toBe(false);
    expect(await passes(db, sent, new GetCommand({ TableName: 'elsewhere', Key: item(own) }))).toBe(false);
    expect(
      await passes(
        db,
        sent,
        new QueryCommand({
          TableName: 'trades',
          KeyConditions: { accountId: { ComparisonOperator: 'EQ', AttributeValueList: [own] } },
        }),
      ),
    ).toBe(false);
  });

  it('a key that is not a string, or missing, is refused', async () => {
    expect(await passes(db, sent, new GetCommand({ TableName: 'trades', Key: { accountId: 7, tradeId: 'x' } }))).toBe(
      false,
    );
    expect(await passes(db, sent, new GetCommand({ TableName: 'trades', Key: { tradeId: 'x' } }))).toBe(false);
  });
});

describe('a Query by the equality on its partition key', () => {
  const sent: string[] = [];
  const db = guarded(A, sent);
  const query = (expression: string, values: Record<string, unknown>, names?: Record<string, string>) =>
    new QueryCommand({
      TableName: 'trades',
      KeyConditionExpression: expression,
      ExpressionAttributeValues: values,
      ...(names ? { ExpressionAttributeNames: names } : {}),
    });

  it('reads the partition through name placeholders and either side of the equality', async () => {
    const own = `${A}-1`;
    expect(await passes(db, sent, query('#p = :a', { ':a': own }, { '#p': 'accountId' }))).toBe(true);
    expect(await passes(db, sent, query(':a = accountId', { ':a': own }))).toBe(true);
    expect(await passes(db, sent, query('#p = :a', { ':a': `${B}-1` }, { '#p': 'accountId' }))).toBe(false);
    expect(await passes(db, sent, query(':a = accountId', { ':a': `${B}-1` }))).toBe(false);
  });

  it('a sort key condition neither stands for the partition nor hides another one', async () => {
    // the sort key set to the tenant's id: only the partition counts
    expect(await passes(db, sent, query('accountId = :a AND tradeId = :t', { ':a': `${B}-1`, ':t': `${A}-1` }))).toBe(
      false,
    );
    expect(
      await passes(
        db,
        sent,
        query('tradeId BETWEEN :x AND :y AND accountId = :a', { ':a': `${A}-1`, ':x': 'a', ':y': 'b' }),
      ),
    ).toBe(true);
    expect(await passes(db, sent, query('accountId <= :a', { ':a': `${A}-1` }))).toBe(false);
    expect(await passes(db, sent, query('begins_with(accountId, :a)', { ':a': A }))).toBe(false);
    expect(await passes(db, sent, query('tradeId = :t', { ':t': `${A}-1` }))).toBe(false);
  });

  it('two equalities on the partition must both be the tenant (ForAllValues)', async () => {
    expect(await passes(db, sent, query('accountId = :a AND accountId = :b', { ':a': `${A}-1`, ':b': `${B}-1` }))).toBe(
      false,
    );
  });

  it('the partition set to a name, not a value, is refused', async () => {
    expect(await passes(db, sent, query('accountId = tradeId', {}))).toBe(false);
  });
});

describe('the guard agrees with IAM on every key (fuzz, fixed seed)', () => {
  const sent: string[] = [];
  const db = guarded(A, sent);
  const pieces = fc.constantFrom(
    A,
    B,
    'acc',
    '-',
    '*',
    '?',
    'T0123456789',
    ' ',
    '%2D',
    'x',
    '',
    A.slice(0, 5),
    '\u0000',
  );
  const keys = fc.oneof(
    fc.array(pieces, { maxLength: 5 }).map((p) => p.join('')),
    fc.string({ maxLength: 16 }),
  );

  it('GetItem and Query pass exactly the keys StringLike ["T", "T-*"] matches', async () => {
    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        const want = iamAllows(A, [key]);
        expect(await passes(db, sent, new GetCommand({ TableName: 'trades', Key: item(key) }))).toBe(want);
        expect(
          await passes(
            db,
            sent,
            new QueryCommand({
              TableName: 'trades',
              KeyConditionExpression: 'accountId = :a',
              ExpressionAttributeValues: { ':a': key },
            }),
          ),
        ).toBe(want);
      }),
      { seed: 15, numRuns: 200 },
    );
  });

  it('BatchGet passes only when every key matches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keys, { minLength: 1, maxLength: 4 }), async (list) => {
        const command = new BatchGetCommand({
          RequestItems: { trades: { Keys: list.map((k, i) => ({ accountId: k, tradeId: `${i}` })) } },
        });
        expect(await passes(db, sent, command)).toBe(iamAllows(A, list));
      }),
      { seed: 15, numRuns: 200 },
    );
  });
});

describe('the repositories through the guard', () => {
  it("read the tenant's own partitions and are refused another's", async () => {
    const sent: string[] = [];
    const db = guarded(A, sent);
    const trades = new DynamoTradeReader(db, 'trades');
    await expect(trades.listByAccount(`${A}-0123456789ab`, 10)).resolves.toEqual([]);
    await expect(trades.get(`${B}-0123456789ab`, 'x')).rejects.toBeInstanceOf(TenantScopeError);
    const directory = new DynamoTenantDirectory(db, 'tenants');
    await expect(directory.accountIds(A)).resolves.toEqual([]);
    await expect(directory.accountIds(B)).rejects.toBeInstanceOf(TenantScopeError);
    // the email index is no tenant's partition
    await expect(directory.memberByEmail('a@example.com')).rejects.toBeInstanceOf(TenantScopeError);
    // a table it was given no key schema for
    await expect(new DynamoPositionReader(db, 'positions').list(`${A}-0123456789ab`)).rejects.toBeInstanceOf(
      TenantScopeError,
    );
  });
});

describe('public market-data partitions (the live prices)', () => {
  const sent: string[] = [];
  const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  client.middlewareStack.addRelativeTo(
    ((_next: unknown, context: { commandName?: string }) => async () => {
      sent.push(context.commandName ?? '');
      return { output: { $metadata: {}, Items: [] }, response: {} };
    }) as never,
    { relation: 'after', toMiddleware: 'DocumentUnmarshall', name: 'recordAndAnswer' },
  );
  const db = DynamoDBDocumentClient.from(client);
  guardTenant(db, A, { risk: 'accountId', trades: 'accountId' }, { risk: ['price#'] });
  const query = (table: string, partition: string) =>
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'accountId = :p',
      ExpressionAttributeValues: { ':p': partition },
    });

  it('a Query of a price partition of that table passes; the same prefix on another table does not', async () => {
    expect(await passes(db, sent, query('risk', 'price#binanceusdm'))).toBe(true);
    expect(await passes(db, sent, query('trades', 'price#binanceusdm'))).toBe(false);
    expect(await passes(db, sent, query('risk', 'prices#binanceusdm'))).toBe(false);
    expect(await passes(db, sent, query('risk', `${B}-0123456789ab`))).toBe(false);
  });

  it('no write and no item read by key under the prefix: a tenant cannot plant or probe a price row', async () => {
    const key = { accountId: 'price#binanceusdm', itemKey: 'BTC/USDT:USDT' };
    expect(await passes(db, sent, new PutCommand({ TableName: 'risk', Item: { ...key, last: '1' } }))).toBe(false);
    expect(await passes(db, sent, new GetCommand({ TableName: 'risk', Key: key }))).toBe(false);
    expect(await passes(db, sent, new DeleteCommand({ TableName: 'risk', Key: key }))).toBe(false);
    expect(await passes(db, sent, new BatchGetCommand({ RequestItems: { risk: { Keys: [key] } } }))).toBe(false);
  });
});
