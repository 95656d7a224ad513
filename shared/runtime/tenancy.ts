// The tenancy wiring shared by the console API and the CLI: the stage's plans, the plan guard on
// the tenants' directory and usage meter, and the usage report (docs/TENANCY.md "Plans and usage").
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountDirectory } from '../adapters/dynamodb/account-repository';
import { DynamoTenantDirectory } from '../adapters/dynamodb/tenant-directory';
import { DynamoUsageMeter } from '../adapters/dynamodb/usage-meter';
import type { Account } from '../core/domain/account';
import { ConfigError, InvalidArgumentError } from '../core/errors';
import { systemClock, type Clock } from '../core/ports/runtime';
import { PlanGuard } from '../core/tenancy/plan-guard';
import { parsePlans, type PlanCatalog } from '../core/tenancy/plans';
import { UsageReport } from '../core/tenancy/usage-report';
import type { ConsoleApiEnv } from '../platform/config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './dynamo-client';

/** PLANS as the stage gives it; a bad one stops the cold start naming the field. */
export function plansOf(text: string | undefined): PlanCatalog {
  try {
    return parsePlans(text);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new ConfigError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

export interface TenancyWiring {
  guard: PlanGuard;
  meter: DynamoUsageMeter;
  directory: DynamoTenantDirectory;
}

export function buildTenancy(
  db: DynamoDBDocumentClient,
  stage: string,
  plans: PlanCatalog,
  clock: Clock,
): TenancyWiring {
  const directory = new DynamoTenantDirectory(db, tableName(stage, 'tenants'));
  const meter = new DynamoUsageMeter(db, tableName(stage, 'tenants'));
  return { directory, meter, guard: new PlanGuard({ directory, plans, meter, clock }) };
}

export function buildUsageReport(
  tenancy: TenancyWiring,
  accounts: { list(): Promise<readonly Account[]> },
  clock: Clock,
): UsageReport {
  return new UsageReport({ guard: tenancy.guard, meter: tenancy.meter, accounts, clock });
}

/**
 * The console's GET /usage. The tenant's accounts are read through the account directory's list,
 * filtered by the tenant each id carries (lane api: the tenant's index once its scoped reads land).
 */
export function buildConsoleUsage(env: ConsoleApiEnv, clock: Clock = systemClock): UsageReport {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const tenancy = buildTenancy(db, env.STAGE, plansOf(env.PLANS), clock);
  return buildUsageReport(tenancy, new DynamoAccountDirectory(db, tableName(env.STAGE, 'accounts')), clock);
}

/** The console's plan guard for OwnerActions (live slots, strategies). */
export function buildConsolePlanGuard(env: ConsoleApiEnv, clock: Clock = systemClock): PlanGuard {
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  return buildTenancy(db, env.STAGE, plansOf(env.PLANS), clock).guard;
}
