// Backtest runs on a user's plan, through the real CLI against the local stack: with --user E each
// run asks E's tenant's plan first and is counted once finished (backtest and montecarlo as
// backtests, optimize and walk-forward as optimisations, one daily cap for both); past the cap the
// run is refused naming the limit and nothing is counted. Without --user a backtest stays offline:
// nothing counted.
import { useLocalStackProcess } from './local-stack-process';

// a stack boot and eight CLI runs (two of them backtests), on a machine shared with others
jest.setTimeout(400_000);

const FIXTURE = 'test/fixtures/backtest/ETHBTC-5m.csv';
const RUN = ['--data', FIXTURE, '--strategy', 'sma-cross', '--cash', '10000', '--size', '100%', '--lot', '1', '--json'];
const E = 'quant@example.com';

const { cli, cliJson } = useLocalStackProcess('backtest-metering', {
  CONSOLE_PASSWORD: 'Correct-Horse-9-local',
  PLANS: JSON.stringify({ free: { backtestsPerDay: 2 }, unlimited: {} }),
});

test("--user E: the plan's daily cap holds across backtest and optimize, each finished run counted; without --user nothing", async () => {
  await cliJson('user', 'add', '--email', 'first@example.com');
  const tenantId = String((await cliJson('user', 'add', '--email', E)).tenantId);
  const today = async () =>
    ((await cliJson('usage', '--tenant', tenantId, '--days', '1')).days as Record<string, number>[])[0] ?? {};

  const offline = await cli('backtest', ...RUN);
  expect(offline.code).toBe(0);
  expect(await today()).toMatchObject({ backtests: 0, optimisations: 0 });

  const backtest = await cli('backtest', ...RUN, '--user', E);
  expect({ code: backtest.code, stderr: backtest.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(backtest.stdout).strategy).toBe('sma-cross');
  const optimise = await cli('optimize', ...RUN, '--param', 'fast=5,10', '--workers', '1', '--user', E);
  expect(optimise.code).toBe(0);
  expect(await today()).toMatchObject({ backtests: 1, optimisations: 1 });

  const refused = await cli('montecarlo', ...RUN, '--user', E);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toContain('plan free allows 2 backtests and optimisation runs a day (you have 2)');
  expect(await today()).toMatchObject({ backtests: 1, optimisations: 1 });
});
