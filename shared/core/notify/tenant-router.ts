// Each notification to its own tenant's channels, never another's (docs/TENANCY.md, Notifications).
// The tenant is the leading part of the event's account id (no read). The deployment's channels
// (the stage config's) get the first tenant `acc`'s events, as before tenancy, and the events of no
// account (alarms, the system's). Any other tenant gets its own channels from its settings, read at
// most once a minute per warm function; a tenant without channels gets nothing, and the count says
// so: its events are never sent to the deployment's owner instead.
import { FIRST_TENANT_ID, tenantOfAccount } from '../domain/tenant';
import type { DispatchReport, Notifier } from './notifier';
import type { Clock, TenantNotifySettingsReader } from './ports';
import type { TenantNotifySettings } from './tenant-settings';
import type { Attachment, Notification } from './types';

type Dispatcher = Pick<Notifier, 'dispatch' | 'flushHeld'>;

export interface TenantRouterDeps {
  /** the deployment's channels: tenant `acc` and deployment-level events */
  deployment: Dispatcher;
  settings: TenantNotifySettingsReader;
  /** the tenant's notifier over its own channels and its own held store; undefined when it names none */
  notifierFor: (tenantId: string, settings: TenantNotifySettings) => Promise<Dispatcher | undefined>;
  clock: Clock;
  /** the tenants with held notifications, so a cold function's flush reaches them too */
  heldTenants?: () => Promise<string[]>;
  /** how long a tenant's settings are trusted before they are read again (default and at most 60 s) */
  cacheMs?: number;
  /** notifications that went nowhere: their tenant has no channels, or their account id carries no tenant */
  onUnrouted?: (tenantId: string | undefined, count: number) => void;
}

export interface RoutedReport extends DispatchReport {
  /** notifications of tenants without channels (or of ids without a tenant): sent to nobody */
  unrouted: number;
}

const NO_ACCOUNT = Symbol('deployment');
type Destination = string | typeof NO_ACCOUNT | undefined;

export class TenantRouter {
  private readonly cache = new Map<string, { readAt: number; notifier: Dispatcher | undefined }>();

  constructor(private readonly deps: TenantRouterDeps) {}

  /** Where a notification belongs: the deployment (acc or no account), a tenant, or nobody (undefined). */
  static destinationOf(n: Pick<Notification, 'accountId'>): Destination {
    if (n.accountId === undefined) return NO_ACCOUNT;
    const tenant = tenantOfAccount(n.accountId);
    return tenant === FIRST_TENANT_ID ? NO_ACCOUNT : tenant;
  }

  async dispatch(
    notifications: readonly Notification[],
    attachments: ReadonlyMap<string, Attachment> = new Map(),
  ): Promise<RoutedReport> {
    const groups = new Map<Destination, Notification[]>();
    for (const n of notifications) {
      const d = TenantRouter.destinationOf(n);
      groups.set(d, [...(groups.get(d) ?? []), n]);
    }
    // Every tenant's settings before anything is sent: a failed read throws here and the whole
    // batch is retried with nothing yet told, so a retry sends nothing twice.
    const targets: Array<[Dispatcher, Notification[]]> = [];
    const report: RoutedReport = { sent: {}, held: 0, failed: [], unrouted: 0 };
    for (const [d, list] of groups) {
      if (d === NO_ACCOUNT) {
        targets.push([this.deps.deployment, list]);
        continue;
      }
      const notifier = d === undefined ? undefined : await this.tenantNotifier(d);
      if (notifier) targets.push([notifier, list]);
      else {
        report.unrouted += list.length;
        this.deps.onUnrouted?.(d, list.length);
      }
    }
    for (const [notifier, list] of targets) {
      const own = new Map([...attachments].filter(([id]) => list.some((n) => n.id === id)));
      merge(report, await notifier.dispatch(list, own));
    }
    return report;
  }

  /** The deployment's held digest, and that of every tenant with held notifications. */
  async flushHeld(): Promise<DispatchReport> {
    const report: DispatchReport = { sent: {}, held: 0, failed: [] };
    merge(report, await this.deps.deployment.flushHeld());
    const tenants = new Set([...this.cache.keys(), ...((await this.deps.heldTenants?.()) ?? [])]);
    for (const tenantId of tenants) {
      const notifier = await this.tenantNotifier(tenantId);
      if (notifier) merge(report, await notifier.flushHeld());
    }
    return report;
  }

  private async tenantNotifier(tenantId: string): Promise<Dispatcher | undefined> {
    const now = this.deps.clock.now();
    const ttl = Math.min(this.deps.cacheMs ?? 60_000, 60_000);
    const cached = this.cache.get(tenantId);
    if (cached && now - cached.readAt < ttl) return cached.notifier;
    const settings = await this.deps.settings.get(tenantId);
    const notifier = settings ? await this.deps.notifierFor(tenantId, settings) : undefined;
    this.cache.set(tenantId, { readAt: now, notifier });
    return notifier;
  }
}

function merge(into: DispatchReport, from: DispatchReport): void {
  for (const [name, count] of Object.entries(from.sent) as Array<[keyof DispatchReport['sent'], number]>)
    into.sent[name] = (into.sent[name] ?? 0) + count;
  into.held += from.held;
  into.failed.push(...from.failed.filter((c) => !into.failed.includes(c)));
}
