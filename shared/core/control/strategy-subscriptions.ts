// Enabling, disabling and listing an account's strategy subscriptions (the CLI's `strategy`
// commands). Every input is checked before anything is stored; an error names the field.
import type { Account } from '../domain/account';
import {
  isStrategyTimeframe,
  STRATEGY_TIMEFRAMES,
  subscriptionId,
  type StrategySubscription,
  type StrategyTimeframe,
} from '../domain/strategy-subscription';
import type { AccountRepository, Clock } from './ports';
import { parseSize } from '../signal/schema';
import { normalizeSymbol, SymbolFormatError } from '../signal/symbols';
import { getStrategy, resolveParams } from '../strategies/registry';
import { compileRules } from '../strategies/rules/compile';
import type { RuleFile } from '../strategies/rules/types';
import { AccountInputError } from './accounts';

export interface EnableStrategyInput {
  accountId: string;
  /** a built-in's id; with `rules`, the rule file's id (or absent) */
  strategy?: string;
  /** a rule-file strategy (parseRuleFile's output): stored with the subscription */
  rules?: RuleFile;
  /** any form the webhook accepts: BTCUSDT, BTCUSDT.P, BTC/USDT:USDT */
  symbol: string;
  timeframe: string;
  /** parameter overrides, name → text ("fast" → "10") */
  params?: Readonly<Record<string, string>>;
  /** "10%", "250usdt" or contracts, as in an alert */
  size?: string;
  leverage?: number;
}

export class StrategySubscriptions {
  constructor(
    private readonly deps: {
      accounts: Pick<AccountRepository, 'get' | 'setStrategies'>;
      clock: Clock;
      /**
       * The timeframes the target's strategy runner is scheduled on (the local stack's replay makes
       * only 1h and longer); absent: all of STRATEGY_TIMEFRAMES. A subscription nothing runs would be
       * accepted and then never trade, so any other is refused.
       */
      scheduled?: readonly StrategyTimeframe[];
    },
  ) {}

  /**
   * Adds the subscription, or replaces the one with the same strategy, symbol and timeframe
   * (re-enabled). One enabled subscription per symbol: the account holds one position per symbol,
   * and two strategies would each be shown, and close, the other's position.
   */
  async enable(input: EnableStrategyInput): Promise<StrategySubscription> {
    const account = await this.account(input.accountId);
    const subscription = this.validate(account, input);
    const others = (account.settings.strategies ?? []).filter((s) => s.id !== subscription.id);
    const rival = others.find((s) => s.enabled && s.symbol === subscription.symbol);
    if (rival)
      throw new AccountInputError(
        'symbol',
        `${subscription.symbol} is already traded by ${rival.id}; disable it first (one strategy per symbol and account)`,
      );
    await this.deps.accounts.setStrategies(account.accountId, [...others, subscription], subscription.updatedAt);
    return subscription;
  }

  async disable(accountId: string, id: string): Promise<StrategySubscription> {
    const account = await this.account(accountId);
    const current = account.settings.strategies ?? [];
    const found = current.find((s) => s.id === id);
    if (!found)
      throw new AccountInputError(
        'id',
        `no subscription ${id} on ${accountId}${current.length ? ` (it has ${current.map((s) => s.id).join(', ')})` : ''}`,
      );
    const at = this.deps.clock.now();
    const disabled: StrategySubscription = { ...found, enabled: false, updatedAt: at };
    await this.deps.accounts.setStrategies(
      accountId,
      current.map((s) => (s.id === id ? disabled : s)),
      at,
    );
    return disabled;
  }

  async list(accountId: string): Promise<StrategySubscription[]> {
    return (await this.account(accountId)).settings.strategies ?? [];
  }

  private async account(accountId: string): Promise<Account> {
    const account = await this.deps.accounts.get(accountId);
    if (!account) throw new AccountInputError('account', `no account ${accountId}`);
    return account;
  }

  private validate(account: Account, input: EnableStrategyInput): StrategySubscription {
    let definition;
    if (input.rules !== undefined) {
      try {
        definition = compileRules(input.rules);
      } catch (error) {
        throw new AccountInputError('rules', (error as Error).message);
      }
      if (input.strategy !== undefined && input.strategy !== definition.id)
        throw new AccountInputError('strategy', `"${input.strategy}" is not the rule file's id "${definition.id}"`);
    } else {
      try {
        definition = getStrategy(input.strategy ?? '');
      } catch (error) {
        throw new AccountInputError('strategy', (error as Error).message);
      }
    }
    let params;
    try {
      params = resolveParams(definition, input.params ?? {});
      // Cross-parameter rules (fast below slow…) are checked when a runner is created.
      definition.create(params);
    } catch (error) {
      throw new AccountInputError('param', (error as Error).message);
    }
    let symbol;
    try {
      symbol = normalizeSymbol(input.symbol);
    } catch (error) {
      if (error instanceof SymbolFormatError) throw new AccountInputError('symbol', error.message);
      throw error;
    }
    if (!isStrategyTimeframe(input.timeframe))
      throw new AccountInputError(
        'timeframe',
        `must be one of ${STRATEGY_TIMEFRAMES.join(', ')}, not "${input.timeframe}"`,
      );
    // A rule file's higher timeframes are aggregated from bars of its own timeframe.
    if (input.rules?.timeframe !== undefined && input.rules.timeframe !== input.timeframe)
      throw new AccountInputError(
        'timeframe',
        `the rule file is written for ${input.rules.timeframe} bars: subscribe it on ${input.rules.timeframe}`,
      );
    const scheduled = this.deps.scheduled;
    if (scheduled && !scheduled.includes(input.timeframe))
      throw new AccountInputError(
        'timeframe',
        `${input.timeframe} is not scheduled here: the strategy runner runs on ${scheduled.join(', ')}`,
      );
    const subscription: StrategySubscription = {
      id: subscriptionId(definition.id, symbol.compact, input.timeframe),
      strategy: definition.id,
      symbol: symbol.unified,
      timeframe: input.timeframe,
      params,
      enabled: true,
      updatedAt: this.deps.clock.now(),
    };
    if (input.rules !== undefined) subscription.rules = input.rules as unknown as Record<string, unknown>;
    if (input.size !== undefined) {
      const size = parseSize(input.size);
      if (typeof size === 'string') throw new AccountInputError('size', size);
      subscription.size = size;
    }
    if (input.leverage !== undefined) {
      const max = account.settings.maxLeverage;
      if (!Number.isInteger(input.leverage) || input.leverage < 1 || input.leverage > max)
        throw new AccountInputError('leverage', `must be a whole number from 1 to this account's cap of ${max}`);
      subscription.leverage = input.leverage;
    }
    return subscription;
  }
}
