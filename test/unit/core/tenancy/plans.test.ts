// Plans: the stage's catalogue as PLANS gives it, which plan a tenant has (with and without its
// record), the refusal that names the limit, and the live-slot gauge.
import { DEFAULT_STAGE_PLANS } from '../../../../infra/config/stages';
import { PlanLimitError, InvalidArgumentError } from '../../../../shared/core/errors';
import {
  assertWithin,
  DEFAULT_PLAN,
  DEFAULT_PLANS,
  liveSlotsInUse,
  parsePlans,
  resolvePlan,
  UNLIMITED_PLAN,
} from '../../../../shared/core/tenancy/plans';
import { PlanGuard } from '../../../../shared/core/tenancy/plan-guard';
import type { TenantRecord, UsageMetric } from '../../../../shared/core/tenancy/ports';
import { T0 } from '../fakes';
import { accountRecord } from '../risk/fixtures';

const B = 't0123456789';
const record = (tenantId: string, plan: string): TenantRecord => ({
  tenantId,
  plan,
  createdAt: T0,
  ownerEmail: 'o@example.com',
});

describe('the stage catalogue', () => {
  it('the infra default is the core default (infra reads no core module, so both carry the table)', () => {
    expect(DEFAULT_STAGE_PLANS).toEqual(DEFAULT_PLANS);
    expect(parsePlans(JSON.stringify(DEFAULT_STAGE_PLANS))).toEqual(DEFAULT_PLANS);
  });

  it('free allows no live account; unlimited has no limit at all', () => {
    expect(DEFAULT_PLANS[DEFAULT_PLAN]?.liveAccounts).toBe(0);
    expect(DEFAULT_PLANS[UNLIMITED_PLAN]).toEqual({});
  });

  it('absent PLANS: the defaults; a custom one is taken as given', () => {
    expect(parsePlans(undefined)).toBe(DEFAULT_PLANS);
    expect(parsePlans('{"free":{"liveAccounts":0},"team":{"liveAccounts":10},"unlimited":{}}')).toEqual({
      free: { liveAccounts: 0 },
      team: { liveAccounts: 10 },
      unlimited: {},
    });
  });

  it.each([
    ['not json', 'PLANS: must be JSON'],
    ['[]', 'PLANS: must be an object'],
    ['{"Free!":{}}', 'PLANS.Free!: a plan name'],
    ['{"free":{"liveAcounts":1},"unlimited":{}}', 'PLANS.free.liveAcounts: no such limit'],
    [
      '{"free":{"liveAccounts":-1},"unlimited":{}}',
      'PLANS.free.liveAccounts: must be a whole number from 0 to 1000000',
    ],
    ['{"free":{"liveAccounts":1.5},"unlimited":{}}', 'PLANS.free.liveAccounts: must be a whole number'],
    ['{"free":{"strategies":"3"},"unlimited":{}}', 'PLANS.free.strategies: must be a whole number'],
    ['{"free":{}}', 'PLANS.unlimited: the plan is required'],
    ['{"unlimited":{}}', 'PLANS.free: the plan is required'],
  ])('PLANS %s is refused naming the field: %s', (text, message) => {
    expect(() => parsePlans(text)).toThrow(InvalidArgumentError);
    expect(() => parsePlans(text)).toThrow(message);
  });
});

describe("a tenant's plan", () => {
  it('the record names it', () => {
    expect(resolvePlan(B, record(B, 'pro'), DEFAULT_PLANS)).toMatchObject({ name: 'pro', source: 'record' });
  });

  it('no record: the first tenant keeps everything (unlimited), any other is free', () => {
    expect(resolvePlan('acc', undefined, DEFAULT_PLANS)).toEqual({
      name: 'unlimited',
      limits: {},
      source: 'first-tenant',
    });
    expect(resolvePlan(B, undefined, DEFAULT_PLANS)).toMatchObject({ name: 'free', source: 'default' });
  });

  it('a plan the stage no longer has falls to the default plan, and says so', () => {
    expect(resolvePlan(B, record(B, 'gold'), DEFAULT_PLANS)).toMatchObject({
      name: 'free',
      limits: DEFAULT_PLANS.free,
      source: 'unknown-plan',
    });
    // an inherited property is no plan
    expect(resolvePlan(B, record(B, 'constructor'), DEFAULT_PLANS).source).toBe('unknown-plan');
  });
});

describe('the refusal', () => {
  it('names the plan, the limit and the use; an absent limit never refuses', () => {
    const free = { name: 'free', limits: { liveAccounts: 0 } };
    const error = (() => {
      try {
        assertWithin(free, 'liveAccounts', 0);
      } catch (e) {
        return e as PlanLimitError;
      }
      throw new Error('not refused');
    })();
    expect(error).toBeInstanceOf(PlanLimitError);
    expect(error.message).toBe('plan free allows 0 live accounts (you have 0)');
    expect(error).toMatchObject({ code: 'PLAN_LIMIT', plan: 'free', limit: 'liveAccounts', allowed: 0, inUse: 0 });
    expect(() => assertWithin(free, 'strategies', 1000)).not.toThrow();
    expect(() => assertWithin({ name: 'pro', limits: { liveAccounts: 3 } }, 'liveAccounts', 2)).not.toThrow();
    expect(() => assertWithin({ name: 'pro', limits: { liveAccounts: 3 } }, 'liveAccounts', 3)).toThrow(
      'plan pro allows 3 live accounts (you have 3)',
    );
  });
});

describe('live slots in use (a gauge)', () => {
  it("counts the tenant's active live accounts only: not paper, paused, disabled, deleted or another tenant's", () => {
    const accounts = [
      accountRecord({ accountId: `${B}-000000000001`, exchange: 'binanceusdm' }),
      accountRecord({ accountId: `${B}-000000000002`, exchange: 'okx' }),
      accountRecord({ accountId: `${B}-000000000003`, exchange: 'paper' }),
      accountRecord({ accountId: `${B}-000000000004`, exchange: 'bybit', status: 'paused' }),
      accountRecord({ accountId: `${B}-000000000005`, exchange: 'bybit', status: 'disabled' }),
      accountRecord({ accountId: `${B}-000000000006`, exchange: 'bybit', deletedAt: T0 }),
      accountRecord({ accountId: 'acc-000000000007', exchange: 'binanceusdm' }),
    ];
    expect(liveSlotsInUse(accounts, B)).toBe(2);
    expect(liveSlotsInUse(accounts, 'acc')).toBe(1);
  });
});

describe('PlanGuard', () => {
  const zero = (): Record<UsageMetric, number> => ({
    signals: 0,
    orders: 0,
    backtests: 0,
    optimisations: 0,
    generations: 0,
  });

  function guard(records: TenantRecord[], day: Partial<Record<UsageMetric, number>> = {}) {
    const reads: string[] = [];
    const g = new PlanGuard({
      directory: { tenant: async (id) => records.find((r) => r.tenantId === id) },
      plans: DEFAULT_PLANS,
      meter: {
        day: async (tenantId, at) => {
          reads.push(`${tenantId}@${at}`);
          return { ...zero(), ...day };
        },
      },
      clock: { now: () => T0 },
    });
    return { g, reads };
  }

  it('backtests and optimisation runs share the daily cap, counted on the UTC day of now', async () => {
    const { g, reads } = guard([record(B, 'free')], { backtests: 15, optimisations: 5 });
    await expect(g.allowBacktest(B)).rejects.toThrow(
      'plan free allows 20 backtests and optimisation runs a day (you have 20)',
    );
    expect(reads).toEqual([`${B}@${T0}`]);
    await expect(guard([record(B, 'free')], { backtests: 19 }).g.allowBacktest(B)).resolves.toBeUndefined();
  });

  it('an unlimited tenant never reads its usage for a check', async () => {
    const { g, reads } = guard([record(B, 'unlimited')], { backtests: 1e6 });
    await g.allowBacktest(B);
    await g.allowGeneration(B);
    await g.allowLiveAccount(B, 1e6);
    expect(reads).toEqual([]);
  });

  it('generations per day; live accounts and strategies from the counts given', async () => {
    const { g } = guard([record(B, 'pro')], { generations: 50 });
    await expect(g.allowGeneration(B)).rejects.toThrow('plan pro allows 50 strategy generations a day (you have 50)');
    await expect(g.allowLiveAccount(B, 3)).rejects.toThrow('plan pro allows 3 live accounts (you have 3)');
    await expect(g.allowStrategy(B, 20)).rejects.toThrow('plan pro allows 20 strategy subscriptions (you have 20)');
    await expect(g.allowLiveAccount(B, 2)).resolves.toBeUndefined();
  });
});
