// Each DynamoDB repository's declared table access (its static `tableAccess`) against the commands
// its methods really send. The repositories run on the real document client over the real
// DynamoDB client; a middleware at the front of the client's stack records each low-level command
// (after the document client's translation, with its table and index) and answers it, so nothing
// leaves the process. Every public method runs with writes accepted, with writes refused by their
// condition (the fallback reads), and with reads finding nothing. The recorded actions must be
// exactly the declared ones, on the declared table: a new call without its declaration fails here,
// and so does a declaration nothing uses.
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoAccountReader } from '../../../../shared/adapters/dynamodb/account-repository';
import { DynamoOrderRepository } from '../../../../shared/adapters/dynamodb/order-repository';
import type { DynamoIamAction, DynamoTableAccess } from '../../../../shared/adapters/dynamodb/table-access';
import { iamActionsOf, type SentCommand } from './iam-actions';
import { REPOSITORY_CLASSES } from './repository-classes';

type Repo = Record<string, (...args: unknown[]) => Promise<unknown>>;
/** one call of a method, with arguments good enough for the repository to build its command */
type Call = (repo: Repo) => Promise<unknown>;

const TABLE = 'tvat-test-table';
/** an item every repository can read back: the fields each method looks at on its fallback paths */
const ITEM = {
  accountId: 'acc-1',
  signalId: 'sig-1',
  clientOrderId: 'co-1',
  tradeId: 't-1',
  symbol: 'BTC/USDT:USDT',
  itemKey: 'k',
  eventId: 'e',
  status: 'executed',
  issuedSignalId: 'sig-1',
  value: 'v',
  expiresAt: Number.MAX_SAFE_INTEGER,
  notification: { id: 'n-1', at: 1 },
  createdAt: 1,
  updatedAt: 1,
  version: 1,
};
const anything = ITEM as never;

/** Every public method of every repository, called once. A method missing here fails the test. */
const CALLS: Record<keyof typeof REPOSITORY_CLASSES, Record<string, Call>> = {
  DynamoAccountReader: { get: (r) => r.get!('acc-1') },
  DynamoAccountDirectory: { get: (r) => r.get!('acc-1'), list: (r) => r.list!() },
  DynamoAccountRepository: {
    get: (r) => r.get!('acc-1'),
    create: (r) => r.create!(anything),
    list: (r) => r.list!(),
    setWebhookTokenHash: (r) => r.setWebhookTokenHash!('acc-1', 'hash', 1),
    setHalt: async (r) => {
      await r.setHalt!('acc-1', 5, 'banned', 1);
      await r.setHalt!('acc-1', undefined, undefined, 2);
    },
    setRiskOverrides: (r) => r.setRiskOverrides!('acc-1', {}, 1),
    setStrategies: (r) => r.setStrategies!('acc-1', [], 1),
    setStatus: (r) => r.setStatus!('acc-1', 'paused', 1),
    setRequireTime: async (r) => {
      await r.setRequireTime!('acc-1', true, 1);
      await r.setRequireTime!('acc-1', undefined, 2);
    },
    rename: (r) => r.rename!('acc-1', 'renamed', 1),
    softDelete: (r) => r.softDelete!('acc-1', 1),
    setDefaultMessage: async (r) => {
      await r.setDefaultMessage!('acc-1', true, 1);
      await r.setDefaultMessage!('acc-1', undefined, 2);
    },
    setEnsemble: (r) => r.setEnsemble!('acc-1', { enabled: true, required: 2 }, 1),
    setArbPlans: (r) => r.setArbPlans!('acc-1', [], 1),
    setMarketSummary: async (r) => {
      await r.setMarketSummary!('acc-1', true, 1);
      await r.setMarketSummary!('acc-1', undefined, 2);
    },
    setAlertTest: async (r) => {
      await r.setAlertTest!('acc-1', { tokenHash: 'h', expiresAt: 5 }, 1);
      await r.setAlertTest!('acc-1', undefined, 2);
    },
  },
  DynamoAccountWriter: {
    get: (r) => r.get!('acc-1'),
    create: (r) => r.create!(anything),
    setWebhookTokenHash: (r) => r.setWebhookTokenHash!('acc-1', 'hash', 1),
    setHalt: async (r) => {
      await r.setHalt!('acc-1', 5, 'banned', 1);
      await r.setHalt!('acc-1', undefined, undefined, 2);
    },
    setRiskOverrides: (r) => r.setRiskOverrides!('acc-1', {}, 1),
    setStrategies: (r) => r.setStrategies!('acc-1', [], 1),
    setStatus: (r) => r.setStatus!('acc-1', 'paused', 1),
    setRequireTime: async (r) => {
      await r.setRequireTime!('acc-1', true, 1);
      await r.setRequireTime!('acc-1', undefined, 2);
    },
    rename: (r) => r.rename!('acc-1', 'renamed', 1),
    softDelete: (r) => r.softDelete!('acc-1', 1),
    setDefaultMessage: async (r) => {
      await r.setDefaultMessage!('acc-1', true, 1);
      await r.setDefaultMessage!('acc-1', undefined, 2);
    },
    setEnsemble: (r) => r.setEnsemble!('acc-1', { enabled: true, required: 2 }, 1),
    setArbPlans: (r) => r.setArbPlans!('acc-1', [], 1),
    setMarketSummary: async (r) => {
      await r.setMarketSummary!('acc-1', true, 1);
      await r.setMarketSummary!('acc-1', undefined, 2);
    },
    setAlertTest: async (r) => {
      await r.setAlertTest!('acc-1', { tokenHash: 'h', expiresAt: 5 }, 1);
      await r.setAlertTest!('acc-1', undefined, 2);
    },
  },
  DynamoTelegramLinkStore: {
    putCode: (r) => r.putCode!('h', { tenantId: 'acc', userId: 'u-1' }, 5),
    takeCode: (r) => r.takeCode!('h', 1),
    countAttempt: (r) => r.countAttempt!('42', 0),
    link: (r) => r.link!('42', { tenantId: 'acc', userId: 'u-1' }, 1),
    resolve: (r) => r.resolve!('42'),
    unlink: (r) => r.unlink!('42'),
  },
  DynamoTenantAccountIndex: { accountIds: (r) => r.accountIds!('acc') },
  DynamoTenantAdminStore: {
    everyTenant: (r) => r.everyTenant!(),
    day: (r) => r.day!('acc', 1),
    setPlan: (r) => r.setPlan!('acc', { at: 1, by: 'admin@example.com', to: 'pro' }),
  },
  DynamoAccountSlotReader: { slotFields: (r) => r.slotFields!(['acc-1', 'acc-2']) },
  DynamoTenantDirectory: {
    tenant: (r) => r.tenant!('acc'),
    putTenant: (r) => r.putTenant!({ tenantId: 'acc', plan: 'free', createdAt: 1, ownerEmail: 'o@example.com' }),
    members: (r) => r.members!('acc'),
    memberByEmail: (r) => r.memberByEmail!('o@example.com'),
    putMember: (r) =>
      r.putMember!({ tenantId: 'acc', userId: 'u-1', email: 'o@example.com', role: 'owner', addedAt: 1 }),
    removeMember: (r) => r.removeMember!('acc', 'u-1'),
    accountIds: (r) => r.accountIds!('acc'),
    indexAccount: (r) => r.indexAccount!('acc', 'acc-1'),
  },
  DynamoTenantMetaReader: { tenant: (r) => r.tenant!('acc') },
  DynamoTenantNotifySettings: { get: (r) => r.get!('t0123456789') },
  DynamoTenantNotifySettingsStore: {
    get: (r) => r.get!('t0123456789'),
    put: (r) => r.put!('t0123456789', { telegramChatIds: ['1'], emails: [], updatedAt: 1 }),
  },
  DynamoFundingReadingReader: { read: (r) => r.read!('binanceusdm', ['BTC/USDT:USDT']) },
  DynamoFundingReadingStore: {
    read: (r) => r.read!('binanceusdm', ['BTC/USDT:USDT']),
    put: (r) =>
      r.put!('binanceusdm', [
        {
          symbol: 'BTC/USDT:USDT',
          reading: { symbol: 'BTC/USDT:USDT', rate: '0.0001', nextFundingTime: 9, asOf: 2 },
          triedAt: 2,
        },
      ]),
  },
  DynamoLivePriceReader: { latest: (r) => r.latest!('binanceusdm', ['BTC/USDT:USDT']) },
  DynamoLivePriceStore: {
    latest: (r) => r.latest!('binanceusdm', ['BTC/USDT:USDT']),
    put: (r) =>
      r.put!([{ exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', last: 97_000.5, timestamp: 1, receivedAt: 2 }]),
  },
  DynamoAlgoParentReader: { get: (r) => r.get!('acc-1', 'sig-1') },
  DynamoArbRoundStore: {
    get: (r) => r.get!('acc-1', 'p1'),
    save: async (r) => {
      await r.save!({ ...ITEM, planId: 'p1' }, 0);
      await r.save!({ ...ITEM, planId: 'p1' }, 1);
    },
  },
  DynamoAlgoParentStore: {
    get: (r) => r.get!('acc-1', 'sig-1'),
    create: (r) => r.create!({ ...ITEM, parentId: 'sig-1', status: 'running' }),
    update: (r) => r.update!({ ...ITEM, parentId: 'sig-1', status: 'completed' }, 1),
    running: async (r) => {
      await r.running!('acc-1');
      await r.running!('acc-1', 'BTC/USDT:USDT');
    },
  },
  DynamoTokenBudget: {
    spent: (r) => r.spent!('acc-1', 1),
    charge: (r) => r.charge!('acc-1', 5, 1),
  },
  DynamoUsageMeter: {
    count: (r) => r.count!('acc', 'signals', 1),
    add: (r) => r.add!('acc', { signals: 1, orders: 2 }, 1),
    day: (r) => r.day!('acc', 1),
  },
  DynamoAlertLog: {
    record: (r) =>
      r.record!({
        accountId: 'acc-1',
        alertKey: '0000000000001#r-1',
        receivedAt: 1,
        requestId: 'r-1',
        outcome: 'refused',
        httpStatus: 401,
      }),
    list: async (r) => {
      await r.list!('acc-1', { limit: 10 });
      await r.list!('acc-1', {
        from: 1,
        to: 2,
        limit: 10,
        cursor: Buffer.from('0000000000001#r-1').toString('base64url'),
      });
    },
  },
  DynamoAlertRecorder: {
    record: (r) =>
      r.record!({
        accountId: 'acc-1',
        alertKey: '0000000000001#r-1',
        receivedAt: 1,
        requestId: 'r-1',
        outcome: 'refused',
        httpStatus: 401,
      }),
  },
  DynamoAuditLog: {
    append: (r) => r.append!({ accountId: 'acc-1', type: 'alert', at: 1, message: 'm' }),
    listByAccount: (r) => r.listByAccount!('acc-1', 10),
  },
  DynamoConfirmationStore: {
    put: (r) => r.put!('code', 'value', 60_000),
    take: (r) => r.take!('code'),
  },
  DynamoHeldNotifications: {
    hold: (r) => r.hold!('telegram', { id: 'n-1', at: 1 }),
    list: (r) => r.list!('telegram'),
    release: (r) => r.release!('telegram', ['n-1']),
    heldTenants: (r) => r.heldTenants!(),
  },
  DynamoOrderReader: { get: (r) => r.get!('acc-1', 'co-1') },
  DynamoOrderRepository: {
    putIntent: (r) => r.putIntent!(anything),
    update: (r) => r.update!('acc-1', 'co-1', { status: 'filled' }),
    get: (r) => r.get!('acc-1', 'co-1'),
    listByAccount: (r) => r.listByAccount!('acc-1', 10),
  },
  DynamoPaperLedgerStore: {
    getState: (r) => r.getState!('acc-1'),
    saveState: async (r) => {
      await r.saveState!(anything, 0);
      await r.saveState!(anything, 3);
    },
    putOrder: (r) => r.putOrder!(anything),
    getOrder: (r) => r.getOrder!('acc-1', 'co-1'),
    updateOrder: (r) => r.updateOrder!(anything),
    listOpenOrders: (r) => r.listOpenOrders!('acc-1'),
    listUnappliedFills: (r) => r.listUnappliedFills!('acc-1'),
  },
  DynamoPositionReader: {
    get: (r) => r.get!('acc-1', 'BTC/USDT:USDT'),
    list: (r) => r.list!('acc-1'),
  },
  DynamoPositionBook: {
    get: (r) => r.get!('acc-1', 'BTC/USDT:USDT'),
    list: (r) => r.list!('acc-1'),
    save: (r) => r.save!(anything, 1),
  },
  DynamoRiskStateReader: { getState: (r) => r.getState!('acc-1') },
  DynamoRiskStore: {
    getState: (r) => r.getState!('acc-1'),
    saveState: (r) => r.saveState!(anything, 1),
    putSnapshot: (r) =>
      r.putSnapshot!({
        accountId: 'acc-1',
        at: 1,
        equity: 1,
        free: 1,
        unrealizedPnl: 0,
        openPositions: 0,
        exposure: 0,
      }),
    listSnapshots: (r) => r.listSnapshots!('acc-1', 0, 10),
    latestSnapshot: (r) => r.latestSnapshot!('acc-1', 10),
    acquireLease: (r) => r.acquireLease!('acc-1', 'me', 10, 1),
    releaseLease: (r) => r.releaseLease!('acc-1', 'me'),
  },
  DynamoSignalLedger: {
    claimDedup: (r) =>
      r.claimDedup!(
        { accountId: 'acc-1', dedupKey: 'd', signalId: 'sig-1', status: 'received', receivedAt: 1, expiresAt: 2 },
        1,
      ),
    beginExecution: (r) =>
      r.beginExecution!(
        { accountId: 'acc-1', signalId: 'sig-1', status: 'received', alertId: 'a', strategy: 's' },
        1,
        1000,
      ),
    finishExecution: (r) => r.finishExecution!('acc-1', 'sig-1', 'executed', 'ok', 1),
    getSignal: (r) => r.getSignal!('acc-1', 'sig-1'),
    listSignals: (r) => r.listSignals!('acc-1', 10),
  },
  DynamoTradeReader: {
    get: (r) => r.get!('acc-1', 't-1'),
    listByAccount: (r) => r.listByAccount!('acc-1', 10),
    listSince: (r) => r.listSince!('acc-1', '0000000000000', 10),
    listBefore: (r) => r.listBefore!('acc-1', { beforeTradeId: 't-1' }, 10),
  },
  DynamoTradeRepository: {
    put: (r) => r.put!(anything),
    replace: (r) => r.replace!(anything, 1),
    get: (r) => r.get!('acc-1', 't-1'),
    listByAccount: (r) => r.listByAccount!('acc-1', 10),
    listSince: (r) => r.listSince!('acc-1', '0000000000000', 10),
    listBefore: (r) => r.listBefore!('acc-1', { beforeTradeId: 't-1' }, 10),
  },
};

interface Scenario {
  name: string;
  /** conditional writes refused (ConditionalCheckFailedException) */
  refuseWrites: boolean;
  /** reads find the item */
  found: boolean;
}
const SCENARIOS: Scenario[] = [
  { name: 'writes accepted, reads find the item', refuseWrites: false, found: true },
  { name: 'writes refused by their condition, reads find the item', refuseWrites: true, found: true },
  { name: 'writes accepted, reads find nothing', refuseWrites: false, found: false },
];

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** A document client whose DynamoDB client records and answers every command itself. */
function recordingClient(scenario: Scenario, sent: SentCommand[]): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const item = marshall(ITEM);
  const answer = (_next: unknown, context: { commandName?: string }) => async (args: { input: object }) => {
    const name = context.commandName ?? '';
    sent.push({ name, input: args.input as Record<string, unknown> });
    if (sent.length > 1000) throw new Error('over 1,000 commands: a method loops');
    if (
      scenario.refuseWrites &&
      WRITES.has(name) &&
      (args.input as { ConditionExpression?: string }).ConditionExpression
    ) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    const output = scenario.found ? { Item: item, Items: [item], Attributes: item, Count: 1 } : { Items: [], Count: 0 };
    return { output: { $metadata: {}, ...output }, response: {} };
  };
  client.middlewareStack.addRelativeTo(
    answer as never,
    // Inside the document client's translation both ways: the command as sent, the answer as stored.
    { relation: 'after', toMiddleware: 'DocumentUnmarshall', name: 'recordAndAnswer' },
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Own and inherited public methods, as the class's users see them. */
function publicMethods(cls: { prototype: object }): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = cls.prototype;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function')
        names.add(name);
    }
  }
  return [...names].sort();
}

async function record(
  cls: (typeof REPOSITORY_CLASSES)[keyof typeof REPOSITORY_CLASSES],
  calls: Record<string, Call>,
): Promise<SentCommand[]> {
  const sent: SentCommand[] = [];
  for (const scenario of SCENARIOS) {
    const repo = new cls(recordingClient(scenario, sent), TABLE) as unknown as Repo;
    for (const call of Object.values(calls)) {
      // The outcome does not matter here (a refused write may throw by design): what was sent does.
      await call(repo).catch(() => undefined);
    }
  }
  return sent;
}

describe.each(Object.entries(REPOSITORY_CLASSES))('%s', (name, cls) => {
  const declared: DynamoTableAccess = cls.tableAccess;
  const calls = CALLS[name as keyof typeof REPOSITORY_CLASSES];

  it('is exercised through every public method', () => {
    expect(Object.keys(calls).sort()).toEqual(publicMethods(cls));
  });

  it('sends only actions it declares, on its own table, and uses every action it declares', async () => {
    const sent = await record(cls, calls);
    const used = new Set<DynamoIamAction>();
    for (const command of sent) {
      for (const { action, table, index } of iamActionsOf(command)) {
        expect({ command: command.name, table }).toEqual({ command: command.name, table: TABLE });
        expect({ command: command.name, index }).toEqual({ command: command.name, index: undefined });
        used.add(action);
      }
    }
    expect([...used].sort()).toEqual([...declared.actions].sort());
  });
});

describe('the recording client', () => {
  it('sees the low-level command a document-client call becomes, with its table', async () => {
    const sent = await record(DynamoAccountReader, CALLS.DynamoAccountReader);
    expect(sent[0]).toMatchObject({
      name: 'GetItemCommand',
      input: { TableName: TABLE, Key: { accountId: { S: 'acc-1' } } },
    });
  });

  it('takes the fallback read of a refused conditional write', async () => {
    const sent: SentCommand[] = [];
    const repo = new DynamoOrderRepository(recordingClient(SCENARIOS[1] as Scenario, sent), TABLE);
    await repo.putIntent(anything);
    expect(sent.map((c) => c.name)).toEqual(['PutItemCommand', 'GetItemCommand']);
  });
});

// A repository added to shared/adapters/dynamodb without an entry in REPOSITORY_CLASSES would go
// unchecked: every exported class there that talks to DynamoDB must be listed.
test('REPOSITORY_CLASSES holds every class of the DynamoDB adapters that sends a command', () => {
  const dir = join(__dirname, '../../../../shared/adapters/dynamodb');
  const talking: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const [name, value] of Object.entries(jest.requireActual<Record<string, unknown>>(join(dir, file)))) {
      if (
        typeof value === 'function' &&
        /^class\b/.test(value.toString()) &&
        /\.send\(|\bqueryAll\b|\bputVersioned\b|\bscanAccounts\b/.test(value.toString())
      )
        talking.push(name);
    }
  }
  expect(talking.sort()).toEqual(Object.keys(REPOSITORY_CLASSES).sort());
});
