// The `arb` commands: the owner's live funding-arbitrage plans (docs/FUNDING.md "Live"): two
// perpetuals on two accounts of the same owner, entered by the funding-arb job when the projected
// funding spread beats the round trip's cost. `--json` prints one JSON document.
import type { Command } from 'commander';
import { DynamoArbRoundStore } from '../../shared/adapters/dynamodb/arb-round-store';
import { parseSpan } from '../../shared/core/backtest/walk-forward';
import type { ArbPlan } from '../../shared/core/domain/arb-plan';
import { ARB_PLAN_BOUNDS, ARB_PLAN_DEFAULTS, ArbPlans, type ArbPlanInput } from '../../shared/core/funding/arb-plans';
import type { ArbRound } from '../../shared/core/funding/arb-round';
import { systemClock } from '../../shared/core/ports/runtime';
import { tableName } from '../../shared/platform/resource-names';
import { CliError, resolveTarget, type CliTarget } from '../cli-target';
import { common, iso, print, type CommonOptions } from './options';

const roundsOf = (target: CliTarget): DynamoArbRoundStore =>
  new DynamoArbRoundStore(target.repos.documentClient, tableName(target.stage, 'risk'));
const plansOf = (target: CliTarget): ArbPlans =>
  new ArbPlans({ accounts: target.repos.accounts, clock: systemClock, rounds: roundsOf(target) });

/** A bad value as one line naming the option, like the other commands (exit 1, nothing stored). */
function inputError(error: unknown): never {
  throw new CliError(error instanceof Error ? error.message : String(error));
}

function hours(text: string, option: string): number {
  try {
    const span = parseSpan(text, option);
    if (span.unit !== 'ms') throw new Error(`${option}: a time length like 3d or 12h, not "${text}"`);
    return span.ms;
  } catch (error) {
    return inputError(error);
  }
}

function integer(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim())) inputError(`${option}: must be a whole number, got ${text}`);
  return n;
}

function number(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) inputError(`${option}: must be a number, got ${text}`);
  return n;
}

export function describePlan(p: ArbPlan, round?: ArbRound): string {
  const state = !round
    ? 'no round yet'
    : round.status === 'ended'
      ? `round #${round.round} ended${round.exitReason ? ` (${round.exitReason})` : ''}`
      : `round #${round.round} ${round.status}: ${round.side} ${round.amount} since ${iso(round.enteredAt)}${round.exitReason ? ` (${round.exitReason})` : ''}`;
  return [
    `${p.planId}  ${p.enabled ? 'enabled ' : 'disabled'}  ${p.symbol}  perp ${p.perpAccountId} / other ${p.otherAccountId}`,
    `  notional ${p.notional} per leg, horizon ${p.horizonMs / 3_600_000} h, lookback ${p.lookback}, fees ${p.perpFeeBps}/${p.otherFeeBps} bps, slippage ${p.slippageBps}, exit ${p.exitCostBps}, margin ${p.marginBps} bps, unwind after ${p.unwindAfterSeconds} s, stop ${p.stopPct} %`,
    `  ${state}`,
  ].join('\n');
}

export function registerArbCommands(program: Command): void {
  const arb = program
    .command('arb')
    .description(
      'live funding arbitrage: a perpetual short on one account against the same perpetual long on another account of yours (two exchanges); the funding-arb job enters when the projected funding spread beats fees, slippage and the exit cost',
    );

  common(
    arb
      .command('add')
      .description('add a plan (switched off: `arb enable` starts it)')
      .requiredOption('--plan <id>', 'plan id: 1–24 of a-z, 0-9 and -')
      .requiredOption('--perp-account <id>', 'the first leg: short while its funding is the higher')
      .requiredOption('--other-account <id>', 'the hedge: a different account of yours, on another exchange')
      .requiredOption('--symbol <symbol>', 'traded on both, e.g. BTCUSDT.P or BTC/USDT:USDT')
      .requiredOption('--notional <quote>', `quote amount per leg (${ARB_PLAN_BOUNDS.notional.join('–')})`)
      .option('--horizon <length>', 'projection span and longest hold (1h–30d)', '3d')
      .option('--lookback <n>', `settled rates averaged (default ${ARB_PLAN_DEFAULTS.lookback})`)
      .option('--perp-fee-bps <bps>', `taker fee of the perp leg (default ${ARB_PLAN_DEFAULTS.perpFeeBps})`)
      .option('--other-fee-bps <bps>', `taker fee of the other leg (default ${ARB_PLAN_DEFAULTS.otherFeeBps})`)
      .option('--slippage-bps <bps>', `expected slippage per fill (default ${ARB_PLAN_DEFAULTS.slippageBps})`)
      .option('--exit-cost-bps <bps>', `anything else the exit costs (default ${ARB_PLAN_DEFAULTS.exitCostBps})`)
      .option('--margin-bps <bps>', `what the edge must beat the cost by (default ${ARB_PLAN_DEFAULTS.marginBps})`)
      .option(
        '--unwind-after <seconds>',
        `a leg unfilled this long is given up and the other reduced to it (default ${ARB_PLAN_DEFAULTS.unwindAfterSeconds})`,
      )
      .option(
        '--stop-pct <percent>',
        `each leg's catastrophe stop from its entry (default ${ARB_PLAN_DEFAULTS.stopPct})`,
      )
      .option('--enable', 'switch the plan on at once'),
  ).action(
    async (
      o: CommonOptions & {
        plan: string;
        perpAccount: string;
        otherAccount: string;
        symbol: string;
        notional: string;
        horizon: string;
        lookback?: string;
        perpFeeBps?: string;
        otherFeeBps?: string;
        slippageBps?: string;
        exitCostBps?: string;
        marginBps?: string;
        unwindAfter?: string;
        stopPct?: string;
        enable?: boolean;
      },
    ) => {
      const input: ArbPlanInput = {
        planId: o.plan,
        perpAccountId: o.perpAccount,
        otherAccountId: o.otherAccount,
        symbol: o.symbol,
        notional: o.notional,
        horizonMs: hours(o.horizon, '--horizon'),
        enabled: o.enable === true,
      };
      const lookback = integer(o.lookback, '--lookback');
      if (lookback !== undefined) input.lookback = lookback;
      const unwind = integer(o.unwindAfter, '--unwind-after');
      if (unwind !== undefined) input.unwindAfterSeconds = unwind;
      const stop = number(o.stopPct, '--stop-pct');
      if (stop !== undefined) input.stopPct = stop;
      if (o.perpFeeBps !== undefined) input.perpFeeBps = o.perpFeeBps;
      if (o.otherFeeBps !== undefined) input.otherFeeBps = o.otherFeeBps;
      if (o.slippageBps !== undefined) input.slippageBps = o.slippageBps;
      if (o.exitCostBps !== undefined) input.exitCostBps = o.exitCostBps;
      if (o.marginBps !== undefined) input.marginBps = o.marginBps;
      const target = await resolveTarget(o.stage);
      const plan = await plansOf(target).add(input).catch(inputError);
      print(o, plan, () => `added\n${describePlan(plan)}`);
    },
  );

  common(arb.command('list').description('your plans and the state of each one’s round')).action(
    async (o: CommonOptions) => {
      const target = await resolveTarget(o.stage);
      const plans = await plansOf(target).list();
      const rounds = roundsOf(target);
      const rows = await Promise.all(
        plans.map(async (plan) => ({ plan, round: await rounds.get(plan.perpAccountId, plan.planId) })),
      );
      print(o, rows, () =>
        rows.length ? rows.map((r) => describePlan(r.plan, r.round)).join('\n') : 'no plans (arb add)',
      );
    },
  );

  for (const [name, enabled, text] of [
    ['enable', true, 'switch a plan on (its accounts are checked again)'],
    ['disable', false, 'switch a plan off: an open round is exited (both legs closed) by the next run'],
  ] as const) {
    common(arb.command(name).description(text).argument('<plan>', 'plan id')).action(
      async (planId: string, o: CommonOptions) => {
        const target = await resolveTarget(o.stage);
        const plan = await plansOf(target).setEnabled(planId, enabled).catch(inputError);
        print(o, plan, () => `${planId} ${enabled ? 'enabled' : 'disabled'}`);
      },
    );
  }

  common(arb.command('remove').description('remove a disabled plan').argument('<plan>', 'plan id')).action(
    async (planId: string, o: CommonOptions) => {
      const target = await resolveTarget(o.stage);
      const plan = await plansOf(target).remove(planId).catch(inputError);
      print(o, plan, () => `${planId} removed`);
    },
  );
}
