// A backtest run for --user E: E's tenant's plan first (nothing runs past its daily cap), one run
// counted once finished, a failed count only a warning. PlanGuard.allowBacktest itself is
// test/unit/core/tenancy's; here the order and what is counted.
import { meteredRun, type RunMetering } from '../../../../bin/backtest/run-metering';
import { PlanLimitError } from '../../../../shared/core/errors';

const NOW = Date.UTC(2026, 11, 7, 12);

function metering(opts: { capReached?: boolean; countFails?: boolean } = {}) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const m: RunMetering = {
    tenantId: 't00000000aa',
    guard: {
      allowBacktest: async (tenantId) => {
        calls.push(`allow ${tenantId}`);
        if (opts.capReached)
          throw new PlanLimitError('free', 'backtestsPerDay', 20, 20, 'plan free allows 20 backtestsPerDay');
      },
    },
    meter: {
      count: async (tenantId, metric, at) => {
        calls.push(`count ${tenantId} ${metric} ${at}`);
        if (opts.countFails)
          throw Object.assign(new Error('https://secret.example/ request'), { name: 'TimeoutError' });
      },
    },
    clock: { now: () => NOW },
    warn: (message) => warnings.push(message),
  };
  const run = async () => {
    calls.push('run');
  };
  return { m, calls, warnings, run };
}

it('asks the plan, runs, then counts one run of the metric', async () => {
  const { m, calls, run, warnings } = metering();
  await meteredRun(m, 'optimisations', run);
  expect(calls).toEqual(['allow t00000000aa', 'run', `count t00000000aa optimisations ${NOW}`]);
  expect(warnings).toEqual([]);
});

it('runs nothing and counts nothing past the daily cap (PlanLimitError naming backtestsPerDay)', async () => {
  const { m, calls, run } = metering({ capReached: true });
  await expect(meteredRun(m, 'backtests', run)).rejects.toMatchObject({ limit: 'backtestsPerDay' });
  expect(calls).toEqual(['allow t00000000aa']);
});

it('counts no run that failed', async () => {
  const { m, calls } = metering();
  await expect(
    meteredRun(m, 'backtests', async () => {
      throw new Error('no candles');
    }),
  ).rejects.toThrow('no candles');
  expect(calls).toEqual(['allow t00000000aa']);
});

it('a failed count is a warning naming its class only, never a failed run', async () => {
  const { m, run, warnings } = metering({ countFails: true });
  await expect(meteredRun(m, 'backtests', run)).resolves.toBeUndefined();
  expect(warnings).toEqual(["the run was not counted in tenant t00000000aa's backtests today (TimeoutError)"]);
  expect(warnings.join()).not.toContain('secret');
});

it('without --user (no metering) only runs', async () => {
  const { run, calls } = metering();
  await meteredRun(undefined, 'backtests', run);
  expect(calls).toEqual(['run']);
});
