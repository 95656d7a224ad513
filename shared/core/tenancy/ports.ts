// Ports of the tenancy capability (docs/TENANCY.md): the tenants' directory (members, the index of
// their accounts, their plan) and the usage meter. Implemented on the `tenants` table.
import type { TenantId, TenantRole } from '../domain/tenant';

export interface TenantMember {
  tenantId: TenantId;
  /** Cognito `sub` */
  userId: string;
  email: string;
  role: TenantRole;
  addedAt: number;
}

export interface TenantRecord {
  tenantId: TenantId;
  /** a plan name of the stage config (docs/TENANCY.md "Plans") */
  plan: string;
  createdAt: number;
  /** the member who created it */
  ownerEmail: string;
}

export interface TenantDirectory {
  tenant(tenantId: TenantId): Promise<TenantRecord | undefined>;
  putTenant(record: TenantRecord): Promise<void>;
  members(tenantId: TenantId): Promise<TenantMember[]>;
  /** the member with this email in any tenant (emails are unique in the user pool) */
  memberByEmail(email: string): Promise<TenantMember | undefined>;
  putMember(member: TenantMember): Promise<void>;
  removeMember(tenantId: TenantId, userId: string): Promise<void>;
  /** the tenant's account ids (a Query of the tenant's index, never a Scan) */
  accountIds(tenantId: TenantId): Promise<string[]>;
  /** written before the account itself: an index entry without its account is skipped on read */
  indexAccount(tenantId: TenantId, accountId: string): Promise<void>;
}

export type UsageMetric = 'signals' | 'orders' | 'backtests' | 'optimisations' | 'generations';

export interface PlanLimits {
  /** live (non-paper) accounts enabled at once; 0 = backtest and paper only */
  liveAccounts?: number;
  /** strategy subscriptions across the tenant's accounts */
  strategies?: number;
  /** per UTC day */
  backtestsPerDay?: number;
  generationsPerDay?: number;
  /** opening signals per UTC day (closes and protective orders always pass) */
  signalsPerDay?: number;
}

export interface Plan {
  name: string;
  limits: PlanLimits;
}

export interface UsageMeter {
  /** adds n to the tenant's counter of the UTC day of `at` */
  count(tenantId: TenantId, metric: UsageMetric, at: number, n?: number): Promise<void>;
  /** the tenant's counters of the UTC day of `at` (absent metrics are 0) */
  day(tenantId: TenantId, at: number): Promise<Record<UsageMetric, number>>;
}

export type {
  AccountLifecycle,
  AccountArbPlans,
  AccountModelSettings,
  AccountRepository,
  AccountWebhookSettings,
} from '../ports/repositories';
