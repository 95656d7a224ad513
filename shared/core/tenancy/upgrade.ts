// The upgrade of a deployment made before tenancy (docs/TENANCY.md "Upgrading a deployment"): its
// data becomes the first tenant's without one key rewritten. Account ids have always been
// `acc-<12 hex>`, so every row already carries tenant `acc`; what the upgrade adds is beside them:
// the first tenant's meta (the unlimited plan: a single owner must not lose live trading), the
// index of its accounts, and its members (every console user with a role but no tenant joins
// `tenant-acc`). Idempotent: a second run finds everything in place and writes nothing.
import {
  FIRST_TENANT_ID,
  tenantGroup,
  tenantOfAccount,
  tenantOfGroup,
  type TenantId,
  type TenantRole,
} from '../domain/tenant';
import { UNLIMITED_PLAN } from './plan-names';
import type { TenantDirectory } from './ports';

/** A console user as the user pool has them. */
export interface PoolUser {
  /** the pool's username (what the admin calls take) */
  username: string;
  /** Cognito `sub` */
  userId: string;
  email: string;
  groups: string[];
}

/** The console's user pool, as far as the upgrade needs it (absent: a deployment without the console). */
export interface UpgradeUserPool {
  users(): Promise<PoolUser[]>;
  addToGroup(username: string, group: string): Promise<void>;
}

export interface TenancyUpgradeDeps {
  directory: Pick<TenantDirectory, 'tenant' | 'putTenant' | 'accountIds' | 'indexAccount' | 'members' | 'putMember'>;
  /** every account id of the deployment (a Scan: the upgrade is a system job) */
  allAccountIds(): Promise<string[]>;
  pool?: UpgradeUserPool;
  clock: { now(): number };
  progress?: (line: string) => void;
}

export interface TenancyUpgradeReport {
  /** the first tenant's meta was written by this run */
  tenantCreated: boolean;
  accounts: number;
  /** accounts this run added to their tenant's index */
  indexed: number;
  /** ids that carry no tenant: reported and left as they are, never deleted */
  withoutTenant: string[];
  users: number;
  /** users this run put into tenant-acc */
  joined: number;
  /** member items this run wrote */
  members: number;
  /** users with a role but more than one tenant group, or a tenant group of no known tenant: left for the admin */
  skippedUsers: string[];
}

/** The strongest tenant role a user's groups give (the console API decides the same way). */
const ROLE_ORDER: readonly TenantRole[] = ['owner', 'trader', 'viewer'];

export class TenancyUpgrade {
  constructor(private readonly deps: TenancyUpgradeDeps) {}

  async run(): Promise<TenancyUpgradeReport> {
    const say = this.deps.progress ?? (() => undefined);
    const { directory } = this.deps;
    const users = this.deps.pool ? await this.deps.pool.users() : [];
    const report: TenancyUpgradeReport = {
      tenantCreated: false,
      accounts: 0,
      indexed: 0,
      withoutTenant: [],
      users: users.length,
      joined: 0,
      members: 0,
      skippedUsers: [],
    };

    if (!(await directory.tenant(FIRST_TENANT_ID))) {
      const owner = users.find((u) => u.groups.includes('owner'));
      await directory.putTenant({
        tenantId: FIRST_TENANT_ID,
        plan: UNLIMITED_PLAN,
        createdAt: this.deps.clock.now(),
        ownerEmail: owner?.email ?? '',
      });
      report.tenantCreated = true;
      say(`tenant ${FIRST_TENANT_ID}: created on plan ${UNLIMITED_PLAN}`);
    } else say(`tenant ${FIRST_TENANT_ID}: present`);

    const ids = await this.deps.allAccountIds();
    report.accounts = ids.length;
    const indexes = new Map<TenantId, Set<string>>();
    for (const accountId of ids) {
      const tenantId = tenantOfAccount(accountId);
      if (tenantId === undefined) {
        report.withoutTenant.push(accountId);
        say(`account ${accountId}: carries no tenant; left as it is`);
        continue;
      }
      let indexed = indexes.get(tenantId);
      if (!indexed) indexes.set(tenantId, (indexed = new Set(await directory.accountIds(tenantId))));
      if (indexed.has(accountId)) continue;
      await directory.indexAccount(tenantId, accountId);
      indexed.add(accountId);
      report.indexed += 1;
    }
    say(
      `accounts: ${report.accounts}, newly indexed ${report.indexed}, without a tenant ${report.withoutTenant.length}`,
    );

    const members = new Map<TenantId, Set<string>>();
    for (const user of users) {
      const role = ROLE_ORDER.find((r) => user.groups.includes(r));
      if (!role) continue; // an admin, or nobody yet: no tenant to be a member of
      const tenantGroups = user.groups.filter((g) => g.startsWith('tenant-'));
      const tenants = tenantGroups.map(tenantOfGroup);
      if (tenants.length > 1 || tenants.some((t) => t === undefined)) {
        report.skippedUsers.push(user.email);
        say(`user ${user.email}: groups ${tenantGroups.join(', ')} name no single tenant; left for the admin`);
        continue;
      }
      const tenantId = tenants[0] ?? FIRST_TENANT_ID;
      if (tenants.length === 0) {
        await this.deps.pool?.addToGroup(user.username, tenantGroup(FIRST_TENANT_ID));
        report.joined += 1;
      }
      let known = members.get(tenantId);
      if (!known) members.set(tenantId, (known = new Set((await directory.members(tenantId)).map((m) => m.userId))));
      if (known.has(user.userId)) continue;
      await directory.putMember({
        tenantId,
        userId: user.userId,
        email: user.email,
        role,
        addedAt: this.deps.clock.now(),
      });
      known.add(user.userId);
      report.members += 1;
    }
    say(
      `users: ${report.users}, joined ${tenantGroup(FIRST_TENANT_ID)} ${report.joined}, member items written ${report.members}`,
    );
    return report;
  }
}
