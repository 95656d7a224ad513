// `upgrade tenancy` on a copy of real data: the tables of a deployment made before tenancy
// (test/fixtures/pre-tenancy, made by that version's own stack, CLI and webhook) loaded into fresh
// tables on the DynamoDB stand-in, its console users in a local Cognito pool driven by the real SDK.
// After the upgrade every item is still there byte for byte (no key rewritten), the first tenant's
// index lists every account, the users are its members, its positions and trades read through the
// tenant-scoped listing (and not through another tenant's), the live account's keys still decrypt;
// a second run changes nothing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { provisionTables } from '../../bin/local/provision';
import { startGateway } from '../../bin/local/http-gateway';
import { startLocalCognito } from '../../bin/local/cognito';
import { runTenancyUpgrade } from '../../bin/tenancy-upgrade';
import { DynamoAccountWriter } from '../../shared/adapters/dynamodb/account-repository';
import { TenantScopedAccounts } from '../../shared/core/tenancy/tenant-accounts';
import { DynamoTenantDirectory } from '../../shared/adapters/dynamodb/tenant-directory';
import { LocalKeyVault } from '../../shared/adapters/keyvault/local-key-vault';
import { AccountQueries } from '../../shared/core/control/accounts';
import { buildRepositories, dynamoClient } from '../../shared/runtime/repositories';
import { tableName, type TableName } from '../../shared/platform/resource-names';

// Table loads, a pool on a local gateway and two upgrades on a shared, maybe busy, stand-in.
jest.setTimeout(120_000);

type Item = Record<string, AttributeValue>;
interface Dump {
  tables: Record<string, Item[]>;
  users: { email: string; groups: string[] }[];
  localVaultKey: string;
}

const dump = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'pre-tenancy', 'dump.json'), 'utf8')) as Dump;
const stage = `up${randomBytes(4).toString('hex')}`;
const region = 'us-east-1';
const raw = new DynamoDBClient({ region, endpoint: process.env.IT_DYNAMODB_ENDPOINT });
const db = dynamoClient({ stage, region, endpoint: process.env.IT_DYNAMODB_ENDPOINT });
const dataDir = mkdtempSync(join(tmpdir(), 'tenancy-upgrade-'));
let server: Server;
let admin: CognitoIdentityProviderClient;
let userPoolId: string;

/** A user as `user add` made them before tenant groups (only a role): the upgrade must move them too. */
const LEGACY = { email: 'legacy@example.com', groups: ['trader'] };

async function scanAll(table: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await raw.send(
      new ScanCommand({ TableName: tableName(stage, table as TableName), ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The items as comparable text, in a fixed order. */
const canonical = (items: Item[]): string[] => items.map((i) => JSON.stringify(sortKeys(i))).sort();
const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sortKeys(v)]),
        )
      : value;

const upgrade = () =>
  runTenancyUpgrade({
    db,
    stage,
    cognito: { client: admin, userPoolId },
  });

const accountIds = dump.tables.accounts!.map((a) => a.accountId!.S!).sort();

beforeAll(async () => {
  await provisionTables(raw, stage);
  for (const [table, items] of Object.entries(dump.tables))
    for (let i = 0; i < items.length; i += 25)
      await raw.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [tableName(stage, table as TableName)]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );

  let url = '';
  const cognito = startLocalCognito({ dataDir, baseUrl: () => url, mfa: 'off' });
  const gateway = await startGateway(
    { webhook: async () => ({ statusCode: 404 }), isReady: () => true, mounts: [cognito.mount] },
    0,
  );
  url = gateway.url;
  server = gateway.server;
  userPoolId = cognito.config.userPoolId;
  admin = new CognitoIdentityProviderClient({
    region: cognito.config.region,
    endpoint: cognito.config.endpoint,
    credentials: { accessKeyId: cognito.adminAccessKeyId, secretAccessKey: 'local' },
  });
  for (const user of [...dump.users, LEGACY]) {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        UserAttributes: [{ Name: 'email', Value: user.email }],
        MessageAction: 'SUPPRESS',
      }),
    );
    for (const GroupName of user.groups)
      await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName }));
  }
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

test("makes the deployment the first tenant's without changing an item, and a second run changes nothing", async () => {
  const first = await upgrade();

  expect(first).toMatchObject({
    tenantCreated: true,
    accounts: accountIds.length,
    indexed: accountIds.length,
    withoutTenant: [],
    users: dump.users.length + 1,
    joined: 1, // the legacy user; the others were in tenant-acc already
    members: dump.users.length + 1,
    skippedUsers: [],
  });

  // every item of every table still there, byte for byte (tenants had none: it only gained)
  for (const [table, items] of Object.entries(dump.tables)) {
    const now = await scanAll(table);
    if (table === 'tenants') expect(canonical(now)).toEqual(expect.arrayContaining(canonical(items)));
    else expect(canonical(now)).toEqual(canonical(items));
  }

  const directory = new DynamoTenantDirectory(db, tableName(stage, 'tenants'));
  expect(await directory.tenant('acc')).toMatchObject({ plan: 'unlimited', ownerEmail: 'owner@example.com' });
  expect((await directory.accountIds('acc')).sort()).toEqual(accountIds);
  expect((await directory.members('acc')).map((m) => [m.email, m.role]).sort()).toEqual([
    ['legacy@example.com', 'trader'],
    ['owner@example.com', 'owner'],
    ['viewer@example.com', 'viewer'],
  ]);
  for (const email of [...dump.users.map((u) => u.email), LEGACY.email]) {
    const groups = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: email }));
    expect(groups.Groups?.map((g) => g.GroupName)).toContain('tenant-acc');
    expect((await directory.memberByEmail(email))?.tenantId).toBe('acc');
  }

  // the first tenant reads its accounts, positions and trades through its index; another tenant none
  const repos = buildRepositories(db, stage);
  const queriesOf = (tenantId: string) =>
    new AccountQueries({
      ...repos,
      accounts: new TenantScopedAccounts(
        tenantId,
        new DynamoAccountWriter(db, tableName(stage, 'accounts')),
        directory,
      ),
    });
  const mine = queriesOf('acc');
  expect((await mine.list()).map((a) => a.accountId).sort()).toEqual(accountIds);
  const stored = (table: string, id: string) => dump.tables[table]!.filter((i) => i.accountId?.S === id).length;
  for (const id of accountIds) {
    expect((await mine.trades(id, 100)).length).toBe(stored('trades', id));
    expect((await mine.orders(id, 100)).length).toBe(stored('orders', id));
  }
  expect((await Promise.all(accountIds.map((id) => mine.openPositions(id)))).flat().length).toBeGreaterThan(0);
  const other = queriesOf('t00000000bb');
  expect(await other.list()).toEqual([]);
  await expect(other.trades(accountIds[0]!, 100)).rejects.toThrow(`no account ${accountIds[0]}`);

  // the live account's keys, sealed before tenancy (envelope v1), open with this version's vault
  const live = (await repos.accounts.list()).find((a) => a.credentials);
  const keyFile = join(dataDir, 'vault.key');
  writeFileSync(keyFile, `${dump.localVaultKey}\n`, { mode: 0o600 });
  expect(live).toBeDefined();
  expect(await LocalKeyVault.open(keyFile).decrypt(live!.accountId, live!.credentials!)).toEqual({
    apiKey: 'fixture-key',
    secret: 'fixture-secret',
  });

  const after = Object.fromEntries(
    await Promise.all(Object.keys(dump.tables).map(async (t) => [t, canonical(await scanAll(t))] as const)),
  );
  const second = await upgrade();
  expect(second).toMatchObject({ tenantCreated: false, indexed: 0, joined: 0, members: 0 });
  for (const table of Object.keys(dump.tables)) expect(canonical(await scanAll(table))).toEqual(after[table]);
});
