// EntryRisk: the executor's risk step over in-memory tables and a fake statistics source. What it
// reads, what it hands the engine (a reverse's closing side is not exposure), and what it audits.
import { SignalRejectedError } from '../../../../shared/core/errors';
import { RiskEngine } from '../../../../shared/core/risk/engine';
import { emptyRiskState, type RiskState } from '../../../../shared/core/risk/state';
import { CorrelationCache, type MarketStats } from '../../../../shared/core/risk/stats';
import type { MarketStatsSource } from '../../../../shared/core/execution/ports';
import type { Signal } from '../../../../shared/core/signal/types';
import { EntryRisk, stopPriceOf, type EntryDecisionInput } from '../../../../shared/core/execution/entry-risk';
import { T0 } from '../fakes';
import {
  accountWithSettings as account,
  bookPosition as position,
  BTC,
  BTC_PERP,
  closedBtcTrade as closedTrade,
  ETH,
  memoryRiskTables,
  MINUTE,
  rejectionOf,
} from '../risk/fixtures';

/** Statistics served from a map: `get` records the symbol and makes it visible to `peek`. */
class FakeStats implements MarketStatsSource {
  readonly available = new Map<string, MarketStats>();
  private readonly loaded = new Map<string, MarketStats>();
  readonly get = jest.fn(async (symbol: string, _now: number) => {
    const s = this.available.get(symbol);
    if (s) this.loaded.set(symbol, s);
    return s;
  });
  readonly peek = jest.fn((symbol: string) => this.loaded.get(symbol));
}

function signal(over: Partial<Signal> = {}): Signal {
  return {
    v: 1,
    signalId: 'sig-1',
    accountId: 'acc-1',
    intent: 'enter_long',
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    receivedAt: T0,
    source: 'webhook',
    ...over,
  };
}

function setup() {
  const tables = memoryRiskTables();
  const stats = new FakeStats();
  const entryRisk = new EntryRisk({ ...tables, stats, correlations: new CorrelationCache(), engine: new RiskEngine() });
  return { ...tables, stats, entryRisk };
}

const input = (over: Partial<EntryDecisionInput> = {}): EntryDecisionInput => ({
  signal: signal(),
  account: account(),
  market: BTC_PERP,
  side: 'long',
  price: 100,
  equity: '10000',
  leverage: 5,
  ...over,
});

const rejection = (promise: Promise<unknown>): Promise<SignalRejectedError> =>
  rejectionOf(promise, SignalRejectedError);

describe('EntryRisk.prefetch', () => {
  it('reads the positions, the recent trades and the risk state of the account', async () => {
    const { entryRisk, trades, risk, positions } = setup();
    const open = position(BTC, 'long', '1', '100');
    positions.seed(open);
    const trade = closedTrade(5, T0 - MINUTE);
    await trades.put(trade);
    const state: RiskState = { ...emptyRiskState('acc-1', T0 - MINUTE), lastEquity: '9000', version: 3 };
    await risk.saveState(state, 0);
    const listTrades = jest.spyOn(trades, 'listByAccount');

    const snapshot = await entryRisk.prefetch(account());

    expect(snapshot).toEqual({ positions: [open], trades: [trade], state });
    // default sizing (percent) needs only enough trades to see a 3-loss streak
    expect(listTrades).toHaveBeenCalledWith('acc-1', 3);
  });

  it('reads 100 trades when a sizing uses Kelly (the account’s or a strategy’s), none when no switch or sizing needs them', async () => {
    const { entryRisk, trades } = setup();
    const listTrades = jest.spyOn(trades, 'listByAccount');
    await entryRisk.prefetch(account({ risk: { sizing: { mode: 'kelly' } } }));
    await entryRisk.prefetch(account({ risk: { strategySizing: { scalp: { mode: 'kelly' } } } }));
    expect(listTrades.mock.calls).toEqual([
      ['acc-1', 100],
      ['acc-1', 100],
    ]);
    listTrades.mockClear();
    expect((await entryRisk.prefetch(account({ risk: { switches: { lossStreak: 0 } } }))).trades).toEqual([]);
    expect(listTrades).not.toHaveBeenCalled();
  });

  it('starts from an empty state stamped with the clock when none is stored', async () => {
    const { entryRisk } = setup();
    const snapshot = await entryRisk.prefetch(account());
    expect(snapshot).toEqual({ positions: [], trades: [], state: emptyRiskState('acc-1', T0) });
  });
});

describe('EntryRisk.decide', () => {
  it('approves the engine’s amount and leverage and audits risk.accepted with them', async () => {
    const { entryRisk, audit } = setup();

    // percent 10 of 10 000 as margin at 5x: 1000 × 5 / 100 = 50 BTC, notional 5000, margin 1000
    const approved = await entryRisk.decide(input(), await entryRisk.prefetch(account()));

    const { audited, ...sized } = approved;
    expect(sized).toEqual({ amount: '50', leverage: 5, notional: '5000', margin: '1000' });
    await audited; // the audit write is started, not awaited, by decide: the caller awaits it
    expect(audit.events).toHaveLength(1);
    const event = audit.events[0]!;
    expect(event).toMatchObject({ accountId: 'acc-1', type: 'risk.accepted', at: T0, signalId: 'sig-1' });
    expect(event.message).toContain('50 BTC');
    expect(event.data).toMatchObject({
      intent: 'enter_long',
      symbol: BTC,
      equity: '10000',
      price: 100,
      requestedLeverage: 5,
      amount: '50',
      leverage: 5,
      mode: 'percent',
      notional: '5000',
    });
    expect(event.type === 'risk.accepted' ? event.data.checks.map((c) => c.check) : []).toContain('sizing');
  });

  it('uses the account’s own settings: size percent and maximum leverage', async () => {
    const { entryRisk } = setup();
    const snapshot = await entryRisk.prefetch(account());

    // 4 % of 10 000 at 5x: 400 × 5 / 100 = 20
    expect((await entryRisk.decide(input({ account: account({ defaultSizePercent: 4 }) }), snapshot)).amount).toBe(
      '20',
    );
    // max leverage 3 < asked 5: refused. The account setting is also the configuration's
    // limits.maxLeverage (accountRiskConfig), and on a tie the check names the configuration.
    const error = await rejection(entryRisk.decide(input({ account: account({ maxLeverage: 3 }) }), snapshot));
    expect(error.code).toBe('LEVERAGE_CAP');
    expect(error.details).toEqual({ leverage: 5, cap: 3, boundBy: 'config' });
    // a risk override above the account setting leaves the account's cap in force, named as such
    const raised = account({ maxLeverage: 3, risk: { limits: { maxLeverage: 10 } } });
    expect((await rejection(entryRisk.decide(input({ account: raised }), snapshot))).details).toEqual({
      leverage: 5,
      cap: 3,
      boundBy: 'account',
    });
  });

  it('reports a lowered leverage against the one asked for', async () => {
    const { entryRisk, audit } = setup();

    // stop 5 % below 33 000: leverage ≤ 1 / (2 × 0.05 + 0.005) = 9.52 → 9x (asked 15x);
    // 10 000 × 0.1 × 9 / 33 000 = 0.2727… → 0.272; notional 0.272 × 33 000 = 8976, margin 8976 / 9 = 997.333…
    const approved = await entryRisk.decide(
      input({ price: 33_000, leverage: 15, signal: signal({ sl: { kind: 'percent', value: 5 } }) }),
      await entryRisk.prefetch(account()),
    );

    expect(approved.amount).toBe('0.272');
    expect(approved.leverage).toBe(9);
    expect(approved.notional).toBe('8976');
    expect(Number(approved.margin)).toBeCloseTo(8976 / 9, 9);
    expect(audit.events[0]?.message).toContain('(asked x15)');
    expect(audit.events[0]?.data).toMatchObject({ leverage: 9, requestedLeverage: 15 });
  });

  it('passes the signal’s size and strategy to the engine', async () => {
    const { entryRisk } = setup();
    const snapshot = await entryRisk.prefetch(account());

    expect(
      (await entryRisk.decide(input({ signal: signal({ size: { kind: 'contracts', value: 0.5 } }) }), snapshot)).amount,
    ).toBe('0.5');
    // scalp sizes at 2 %: 200 × 5 / 100 = 10
    const scalper = account({ risk: { strategySizing: { scalp: { percent: 2 } } } });
    expect(
      (await entryRisk.decide(input({ account: scalper, signal: signal({ strategy: 'scalp' }) }), snapshot)).amount,
    ).toBe('10');
  });

  it('refuses with SignalRejectedError carrying the engine’s code and audits risk.refused with its numbers', async () => {
    const { entryRisk, audit } = setup();
    const longOnly = account({ risk: { limits: { longOnly: true } } });

    const error = await rejection(
      entryRisk.decide(
        input({ account: longOnly, side: 'short', signal: signal({ intent: 'enter_short' }) }),
        await entryRisk.prefetch(account()),
      ),
    );

    expect(error.code).toBe('LONG_ONLY');
    expect(error.details).toEqual({ side: 'short' });
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({
      type: 'risk.refused',
      signalId: 'sig-1',
      at: T0,
      data: { code: 'LONG_ONLY', numbers: { side: 'short' }, intent: 'enter_short', requestedLeverage: 5 },
    });
    expect(audit.events[0]?.message).toBe(`entry refused: ${error.message}`);
  });

  it('refuses on the state read by prefetch (a tripped drawdown switch)', async () => {
    const { entryRisk, risk, audit } = setup();
    await risk.saveState(
      {
        ...emptyRiskState('acc-1', T0),
        switches: { drawdown: { tripped: true, trippedAt: T0 - MINUTE, trips: 1, numbers: { drawdownPct: 25 } } },
        version: 1,
      },
      0,
    );

    const error = await rejection(entryRisk.decide(input(), await entryRisk.prefetch(account())));

    expect(error.code).toBe('KILL_SWITCH_DRAWDOWN');
    expect(audit.events[0]?.data).toMatchObject({ code: 'KILL_SWITCH_DRAWDOWN', numbers: { drawdownPct: 25 } });
  });

  it('refuses on the trades read by prefetch (a losing streak in its cooldown)', async () => {
    const { entryRisk, trades } = setup();
    // three losses, the last 5 min ago: limit 3, cooldown 60 min
    for (const at of [T0 - 7 * MINUTE, T0 - 6 * MINUTE, T0 - 5 * MINUTE]) await trades.put(closedTrade(-1, at));

    const error = await rejection(entryRisk.decide(input(), await entryRisk.prefetch(account())));

    expect(error.code).toBe('LOSS_STREAK_COOLDOWN');
    expect(error.details).toMatchObject({ count: 3, until: T0 - 5 * MINUTE + 60 * MINUTE });
  });

  it('does not count the position a reverse closes as exposure, but does count other symbols', async () => {
    // Exposure cap 100 % of 10 000. An open short of 100 BTC at 100 (notional 10 000) would fill it.
    const capped = account({ risk: { limits: { maxExposurePct: 100 } } });

    const reverse = setup();
    reverse.positions.seed(position(BTC, 'short', '100', '100'));
    // long on BTC reverses the short: nothing open counts, 50 BTC as usual
    expect(
      (await reverse.entryRisk.decide(input({ account: capped }), await reverse.entryRisk.prefetch(account()))).amount,
    ).toBe('50');
    expect(reverse.stats.get.mock.calls.map((c) => c[0])).toEqual([BTC]);

    const other = setup();
    other.positions.seed(position(ETH, 'short', '5', '2000'));
    const error = await rejection(
      other.entryRisk.decide(input({ account: capped }), await other.entryRisk.prefetch(account())),
    );
    expect(error.code).toBe('MAX_EXPOSURE');
    expect(error.details).toMatchObject({ existing: '10000', cap: '10000' });
    expect(other.stats.get.mock.calls.map((c) => c[0]).sort()).toEqual([BTC, ETH]);
  });

  it('counts a same-side position on the symbol against the position cap, and ignores flat rows', async () => {
    const { entryRisk, positions } = setup();
    // cap 100 % of 10 000; an open long of 60 BTC at 100 = 6000 leaves 4000 → 40 BTC (sized 50)
    positions.seed(position(BTC, 'long', '60', '100'));
    positions.seed(position(ETH, undefined, '0', '0'));

    const approved = await entryRisk.decide(input(), await entryRisk.prefetch(account()));

    expect(approved.amount).toBe('40');
  });

  it('loads every symbol’s statistics before the engine reads them', async () => {
    const { entryRisk, stats } = setup();
    // Short volatility three times the long one (ratio 3 > 1.5): leverage 6 × 1/3 → 2x.
    // Five returns only: VaR needs 20 days and skips. 10 000 × 0.1 × 2 / 100 = 20 BTC.
    stats.available.set(BTC, {
      symbol: BTC,
      asOf: T0,
      times: Float64Array.from([1, 2, 3, 4, 5]),
      returns: Float64Array.from([0.01, -0.01, 0.02, -0.02, 0.01]),
      lastClose: 100,
      volShort: 0.06,
      volLong: 0.02,
    });

    const approved = await entryRisk.decide(input({ leverage: 6 }), await entryRisk.prefetch(account()));

    expect(approved).toMatchObject({ amount: '20', leverage: 2 });
    expect(stats.get).toHaveBeenCalledWith(BTC, T0);
  });
});

describe('stopPriceOf', () => {
  it('measures a percent stop below the price for a long and above it for a short', () => {
    // 100 × (1 − 5/100) = 95; 100 × (1 + 5/100) = 105
    expect(stopPriceOf({ kind: 'percent', value: 5 }, 'long', 100)).toBeCloseTo(95, 10);
    expect(stopPriceOf({ kind: 'percent', value: 5 }, 'short', 100)).toBeCloseTo(105, 10);
    // 30 000 × (1 − 2.5/100) = 29 250
    expect(stopPriceOf({ kind: 'percent', value: 2.5 }, 'long', 30_000)).toBeCloseTo(29_250, 8);
  });

  it('takes a price stop as it is, whatever the side', () => {
    expect(stopPriceOf({ kind: 'price', value: 91.5 }, 'long', 100)).toBe(91.5);
    expect(stopPriceOf({ kind: 'price', value: 108 }, 'short', 100)).toBe(108);
  });

  it('is undefined without a stop', () => {
    expect(stopPriceOf(undefined, 'long', 100)).toBeUndefined();
  });
});
