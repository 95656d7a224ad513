// The tenancy upgrade's decisions on a directory and a pool held in memory: the first tenant on the
// unlimited plan, every account indexed under the tenant its id carries (an id without one reported
// and left), every user with a role and no tenant moved into tenant-acc with a member item, and a
// second run that changes nothing. The same upgrade on a copy of a real deployment's tables:
// test/integration/tenancy-upgrade.int.test.ts.
import type { TenantMember, TenantRecord } from '../../../../shared/core/tenancy/ports';
import { TenancyUpgrade, type PoolUser } from '../../../../shared/core/tenancy/upgrade';

function world(accountIds: string[], users: PoolUser[]) {
  const tenants = new Map<string, TenantRecord>();
  const members: TenantMember[] = [];
  const index = new Map<string, Set<string>>();
  const writes: string[] = [];
  const directory = {
    tenant: async (id: string) => tenants.get(id),
    putTenant: async (r: TenantRecord) => void (tenants.set(r.tenantId, r), writes.push(`tenant ${r.tenantId}`)),
    accountIds: async (id: string) => [...(index.get(id) ?? [])],
    indexAccount: async (t: string, a: string) => {
      index.set(t, (index.get(t) ?? new Set()).add(a));
      writes.push(`index ${a}`);
    },
    members: async (id: string) => members.filter((m) => m.tenantId === id),
    putMember: async (m: TenantMember) => void (members.push(m), writes.push(`member ${m.email}`)),
  };
  const pool = {
    users: async () => users,
    addToGroup: async (username: string, group: string) => {
      users.find((u) => u.username === username)?.groups.push(group);
      writes.push(`group ${username} ${group}`);
    },
  };
  const upgrade = new TenancyUpgrade({
    directory,
    allAccountIds: async () => accountIds,
    pool,
    clock: { now: () => 5 },
  });
  return { upgrade, tenants, members, index, writes };
}

const user = (email: string, groups: string[]): PoolUser => ({
  username: email,
  userId: `sub-${email}`,
  email,
  groups,
});

it("makes a pre-tenancy deployment the first tenant's, then finds nothing to do", async () => {
  const w = world(
    ['acc-000000000001', 'acc-000000000002', 'legacy1', 't00000000aa-000000000003'],
    [user('o@x.io', ['owner']), user('v@x.io', ['viewer']), user('a@x.io', ['admin']), user('n@x.io', [])],
  );

  const first = await w.upgrade.run();

  expect(first).toEqual({
    tenantCreated: true,
    accounts: 4,
    indexed: 3,
    withoutTenant: ['legacy1'],
    users: 4,
    joined: 2,
    members: 2,
    skippedUsers: [],
  });
  expect(w.tenants.get('acc')).toEqual({ tenantId: 'acc', plan: 'unlimited', createdAt: 5, ownerEmail: 'o@x.io' });
  expect([...(w.index.get('acc') ?? [])]).toEqual(['acc-000000000001', 'acc-000000000002']);
  expect([...(w.index.get('t00000000aa') ?? [])]).toEqual(['t00000000aa-000000000003']);
  expect(w.members.map(({ tenantId, email, role }) => ({ tenantId, email, role }))).toEqual([
    { tenantId: 'acc', email: 'o@x.io', role: 'owner' },
    { tenantId: 'acc', email: 'v@x.io', role: 'viewer' },
  ]);

  const writesBefore = w.writes.length;
  const second = await w.upgrade.run();

  expect(second).toMatchObject({ tenantCreated: false, indexed: 0, joined: 0, members: 0 });
  expect(w.writes).toHaveLength(writesBefore);
});

it('keeps a tenant group a user already has, takes the strongest role, and leaves users of several tenants alone', async () => {
  const w = world(
    [],
    [
      user('t@x.io', ['viewer', 'trader', 'tenant-acc']),
      user('b@x.io', ['owner', 'tenant-t00000000bb']),
      user('two@x.io', ['owner', 'tenant-acc', 'tenant-t00000000bb']),
      user('bad@x.io', ['owner', 'tenant-nope']),
    ],
  );

  const report = await w.upgrade.run();

  expect(report).toMatchObject({ joined: 0, members: 2, skippedUsers: ['two@x.io', 'bad@x.io'] });
  expect(w.members.map(({ tenantId, email, role }) => ({ tenantId, email, role }))).toEqual([
    { tenantId: 'acc', email: 't@x.io', role: 'trader' },
    { tenantId: 't00000000bb', email: 'b@x.io', role: 'owner' },
  ]);
  expect(w.writes.filter((line) => line.startsWith('group'))).toEqual([]);
});
