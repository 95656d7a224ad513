// What the owner does to an account from the CLI (and, later, a Telegram command): pause (entries
// refused, closes and protection go on), resume (entries again; the drawdown switch, which only the
// owner may reset, is reset with it), flatten (pause, then a close_all for every open position on
// the same FIFO lanes as alerts, so it queues behind any signal already waiting for that symbol),
// the risk settings, and whether the webhook requires `time` on its alerts. Every action is audited.
import { createHash } from 'node:crypto';
import type { AccountStatus, EnsembleSettings } from '../domain/account';
import { STRATEGY_TIMEFRAMES, type StrategyTimeframe } from '../domain/strategy-subscription';
import { isOpen } from '../domain/trade-math';
import { ConditionalConflictError, InvariantError } from '../errors';
import type {
  AccountModelSettings,
  AccountRepository,
  AccountWebhookSettings,
  AuditLog,
  Clock,
  PositionBook,
  RiskStore,
  SignalLedger,
  SignalQueue,
} from './ports';
import { applyRiskSetting } from '../risk/overrides';
import { emptyRiskState, SWITCH_NAMES, type SwitchName } from '../risk/state';
import { resetSwitch } from '../risk/switches';
import type { SymbolRef } from '../signal/types';
import { AccountInputError } from './accounts';
import { enqueueSignal } from '../signal/enqueue-signal';

export interface AccountControlDeps {
  accounts: AccountRepository &
    Partial<Pick<AccountWebhookSettings, 'setDefaultMessage'>> &
    Partial<AccountModelSettings>;
  positions: Pick<PositionBook, 'list'>;
  risk: Pick<RiskStore, 'getState' | 'saveState'>;
  audit: AuditLog;
  clock: Clock;
  /** flatten only: where close signals go */
  ledger?: SignalLedger;
  queue?: SignalQueue;
}

export interface FlattenResult {
  accountId: string;
  status: AccountStatus;
  /** one close_all per open symbol, queued (or already queued for this request) */
  queued: { symbol: string; signalId: string; outcome: 'queued' | 'duplicate' }[];
}

/** K's bound here: the most models a stage may list (shared/platform/ensemble-config.ts MAX_ENSEMBLE_MODELS). */
const MAX_REQUIRED = 7;
/** what the gate uses when the account sets none (advisor/ensemble.ts DEFAULT_REQUIRED, ensemble-gate.ts; control may not import advisor) */
const DEFAULT_REQUIRED = 2;
const DEFAULT_ENSEMBLE_TIMEFRAME = '1h';

const describeEnsemble = (e: EnsembleSettings): string =>
  `${e.enabled ? 'on' : 'off'}, ${e.required ?? DEFAULT_REQUIRED} must agree, ${e.timeframe ?? DEFAULT_ENSEMBLE_TIMEFRAME} candles`;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The book's unified symbol (BTC/USDT:USDT or BTC/KRW) as the signal's symbol reference. */
export function symbolRefOf(unified: string): SymbolRef {
  const [pair = '', settle] = unified.split(':');
  const [base = '', quote = ''] = pair.split('/');
  return { unified, base, quote, settle: settle ?? quote, compact: `${base}${quote}` };
}

export class AccountControl {
  constructor(private readonly deps: AccountControlDeps) {}

  async pause(accountId: string, reason = 'paused by the owner'): Promise<AccountStatus> {
    await this.setStatus(accountId, 'paused', reason);
    return 'paused';
  }

  /** Entries again; resets the drawdown switch (its peak restarts from the last equity seen). */
  async resume(accountId: string): Promise<{ status: AccountStatus; reset: SwitchName[] }> {
    await this.mustExist(accountId);
    const reset = await this.resetSwitches(accountId, ['drawdown'], 'resumed by the owner');
    await this.setStatus(
      accountId,
      'active',
      reset.length ? `resumed by the owner; reset ${reset.join(', ')}` : 'resumed by the owner',
    );
    return { status: 'active', reset };
  }

  /** Resets switches by hand (a circuit breaker the owner judges over, a daily limit after a deposit). */
  async resetSwitches(accountId: string, names: readonly SwitchName[], reason: string): Promise<SwitchName[]> {
    for (const name of names)
      if (!SWITCH_NAMES.includes(name)) throw new AccountInputError('switch', `one of ${SWITCH_NAMES.join(', ')}`);
    for (let attempt = 1; ; attempt++) {
      const now = this.deps.clock.now();
      const state = (await this.deps.risk.getState(accountId)) ?? emptyRiskState(accountId, now);
      let next = state;
      const done: { name: SwitchName; numbers: Record<string, number | string> }[] = [];
      for (const name of names) {
        const r = resetSwitch(next, name, now, reason, state.lastEquity);
        next = r.state;
        if (r.event) done.push({ name, numbers: r.event.numbers });
      }
      if (!done.length) return [];
      try {
        await this.deps.risk.saveState({ ...next, version: state.version + 1, updatedAt: now }, state.version);
      } catch (error) {
        if (!(error instanceof ConditionalConflictError) || attempt >= 3) throw error;
        continue;
      }
      // Audited once saved: a reset that lost its write never happened.
      for (const { name, numbers } of done)
        await this.deps.audit.append({
          accountId,
          type: 'risk.switch',
          at: now,
          message: `${name} reset: ${reason}`,
          data: { switch: name, kind: 'reset', ...numbers },
        });
      return done.map((d) => d.name);
    }
  }

  async flatten(accountId: string): Promise<FlattenResult> {
    const { ledger, queue } = this.deps;
    if (!ledger || !queue) throw new InvariantError('flatten needs the signal queue');
    await this.pause(accountId, 'paused to flatten');
    const now = this.deps.clock.now();
    const open = (await this.deps.positions.list(accountId)).filter(isOpen);
    const queued: FlattenResult['queued'] = [];
    for (const position of open) {
      // One id per request and symbol: a retried CLI call in the same millisecond is the same signal.
      const h = sha(`${accountId}\nflatten\n${position.symbol}\n${now}`).slice(0, 40);
      const identity = { dedupKey: `flatten-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: 24 * 3_600_000 };
      const result = await enqueueSignal({ ledger, queue }, accountId, identity, now, (signalId) => ({
        v: 1,
        signalId,
        accountId,
        intent: 'close_all',
        symbol: symbolRefOf(position.symbol),
        receivedAt: now,
        source: 'owner',
        alertId: `flatten-${now}`,
      }));
      queued.push({ symbol: position.symbol, signalId: result.signalId, outcome: result.outcome });
    }
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: now,
      message: `flatten requested: account paused, ${queued.length} close(s) queued`,
      data: { symbols: queued.map((q) => q.symbol) },
    });
    return { accountId, status: 'paused', queued };
  }

  /** Applies `path=value` settings (validated against the defaults' shape and bounds) to the account's risk overrides. */
  async setRisk(accountId: string, assignments: readonly string[]): Promise<void> {
    const account = await this.mustExist(accountId);
    let overrides = account.settings.risk;
    for (const assignment of assignments) overrides = applyRiskSetting(overrides, assignment);
    const now = this.deps.clock.now();
    await this.deps.accounts.setRiskOverrides(accountId, overrides ?? {}, now);
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: now,
      message: `risk settings changed: ${assignments.join(', ')}`,
      data: { assignments: [...assignments] },
    });
  }

  /**
   * Replay protection of the account's webhook: true refuses alerts without `time` (422), false
   * accepts them, undefined removes the account's choice so the stage's default (REQUIRE_TIME)
   * applies. Warm webhook functions may keep the previous setting for their account cache's 30 s.
   */
  async setRequireTime(
    accountId: string,
    requireTime: boolean | undefined,
  ): Promise<{ accountId: string; requireTime: boolean | undefined; previous: boolean | undefined }> {
    const account = await this.mustExist(accountId);
    const previous = account.settings.requireTime;
    const now = this.deps.clock.now();
    await this.deps.accounts.setRequireTime(accountId, requireTime, now);
    const said = (v: boolean | undefined) => (v === undefined ? "the stage's default" : v ? 'on' : 'off');
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: now,
      message: `webhook requireTime ${said(requireTime)} (was ${said(previous)}): ${requireTime === undefined ? 'the deployment decides whether alerts need "time"' : requireTime ? 'alerts without "time" are refused' : 'alerts without "time" are accepted'}`,
      data: { setting: 'requireTime', requireTime: requireTime ?? null, previous: previous ?? null },
    });
    return { accountId, requireTime, previous };
  }

  /**
   * Whether the account's own URL (/webhook/<account>/<token>) accepts TradingView's default
   * strategy message. Warm webhook functions may keep the previous setting for their cache's 30 s.
   */
  async setDefaultMessage(
    accountId: string,
    on: boolean,
  ): Promise<{ accountId: string; defaultMessage: boolean; previous: boolean }> {
    const account = await this.mustExist(accountId);
    if (!this.deps.accounts.setDefaultMessage)
      throw new InvariantError('setDefaultMessage needs the account repository');
    const previous = account.settings.defaultMessage === true;
    const now = this.deps.clock.now();
    await this.deps.accounts.setDefaultMessage(accountId, on ? true : undefined, now);
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: now,
      message: `webhook defaultMessage ${on ? 'on' : 'off'} (was ${previous ? 'on' : 'off'}): TradingView's default strategy message is ${on ? 'accepted' : 'refused'} on the account's own URL`,
      data: { setting: 'defaultMessage', defaultMessage: on, previous },
    });
    return { accountId, defaultMessage: on, previous };
  }

  /**
   * The account's ensemble filter (docs/AI-ensemble.md): `enabled` switches it, `required` (K) and
   * `timeframe` change the vote; what is not given keeps its stored value. K is bounded here by
   * the most models a stage may list; K above the stage's own count is refused at vote time.
   * The executor reads the account per signal, so the next entry follows.
   */
  async setEnsemble(
    accountId: string,
    change: { enabled?: boolean; required?: number; timeframe?: string },
  ): Promise<{ accountId: string; ensemble: EnsembleSettings; previous: EnsembleSettings | undefined }> {
    const { required, timeframe } = change;
    if (required !== undefined && (!Number.isInteger(required) || required < 1 || required > MAX_REQUIRED))
      throw new AccountInputError(
        'ensemble.required',
        `must be an integer 1..${MAX_REQUIRED} (models that must agree)`,
      );
    if (timeframe !== undefined && !(STRATEGY_TIMEFRAMES as readonly string[]).includes(timeframe))
      throw new AccountInputError('ensemble.timeframe', `must be one of ${STRATEGY_TIMEFRAMES.join(', ')}`);
    const account = await this.mustExist(accountId);
    if (!this.deps.accounts.setEnsemble) throw new InvariantError('setEnsemble needs the account repository');
    const previous = account.settings.ensemble;
    const ensemble: EnsembleSettings = {
      enabled: change.enabled ?? previous?.enabled ?? false,
      ...((required ?? previous?.required) !== undefined ? { required: required ?? previous?.required } : {}),
      ...((timeframe ?? previous?.timeframe) !== undefined
        ? { timeframe: (timeframe ?? previous?.timeframe) as StrategyTimeframe }
        : {}),
    };
    const now = this.deps.clock.now();
    await this.deps.accounts.setEnsemble(accountId, ensemble, now);
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: now,
      message: `ensemble ${describeEnsemble(ensemble)} (was ${previous ? describeEnsemble(previous) : 'off'})`,
      data: { setting: 'ensemble', ensemble: { ...ensemble }, previousEnsemble: previous ? { ...previous } : null },
    });
    return { accountId, ensemble, previous };
  }

  /** The model-written market summary in the account's daily report (docs/AI-ensemble.md); off removes it. */
  async setMarketSummary(
    accountId: string,
    on: boolean,
  ): Promise<{ accountId: string; marketSummary: boolean; previous: boolean }> {
    const account = await this.mustExist(accountId);
    if (!this.deps.accounts.setMarketSummary) throw new InvariantError('setMarketSummary needs the account repository');
    const previous = account.settings.marketSummary === true;
    const now = this.deps.clock.now();
    await this.deps.accounts.setMarketSummary(accountId, on ? true : undefined, now);
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: now,
      message: `marketSummary ${on ? 'on' : 'off'} (was ${previous ? 'on' : 'off'}): the daily report ${on ? 'ends with a model-written market summary when the stage names a model' : 'has no market summary'}`,
      data: { setting: 'marketSummary', marketSummary: on, previous },
    });
    return { accountId, marketSummary: on, previous };
  }

  private async setStatus(accountId: string, status: AccountStatus, reason: string): Promise<void> {
    await this.mustExist(accountId);
    const now = this.deps.clock.now();
    await this.deps.accounts.setStatus(accountId, status, now);
    await this.deps.audit.append({
      accountId,
      type: 'account.status',
      at: now,
      message: `${status}: ${reason}`,
      data: { status },
    });
  }

  private async mustExist(accountId: string) {
    const account = await this.deps.accounts.get(accountId);
    if (!account) throw new AccountInputError('account', `no account ${accountId}`);
    return account;
  }
}
