// The console's strategies and risk reads: subscriptions straight from the account's settings
// (filters account, strategy); the risk read's overrides, the config the risk engine applies (the
// account's overrides merged over the defaults), each switch, and `risk show`'s usage.
import { emptyRiskState } from '../../../../shared/core/risk/state';
import { DEFAULT_RISK_CONFIG } from '../../../../shared/core/risk/config';
import { NotFoundError } from '../../../../shared/core/errors';
import { account, NOW, world } from './fixtures';

const sub = (strategy: string, symbol: string, enabled: boolean) => ({
  id: `${strategy}-${symbol}-1h`,
  strategy,
  symbol,
  timeframe: '1h' as const,
  params: { fast: 9, slow: 21 },
  enabled,
  updatedAt: NOW - 1_000,
});

async function withSettings() {
  const w = await world();
  const base = account('acc-a');
  w.accounts.rows.set('acc-a', {
    ...base,
    settings: {
      ...base.settings,
      strategies: [sub('ema-cross', 'BTC/USDT:USDT', true), sub('rsi', 'ETH/USDT:USDT', false)],
      risk: { switches: { maxDrawdownPct: 12 } },
    },
  });
  w.accounts.rows.set('acc-b', {
    ...account('acc-b'),
    settings: { ...base.settings, strategies: [sub('rsi', 'SOL/USDT:USDT', true)] },
  });
  return w;
}

describe('ConsoleReads.strategies', () => {
  it('lists every account’s subscriptions, filtered by account and strategy', async () => {
    const { reads } = await withSettings();
    const all = await reads.strategies({});
    expect(all.asOf).toBe(NOW);
    expect(all.items.map((i) => `${(i as { accountId: string }).accountId}:${(i as { id: string }).id}`)).toEqual([
      'acc-a:ema-cross-BTC/USDT:USDT-1h',
      'acc-a:rsi-ETH/USDT:USDT-1h',
      'acc-b:rsi-SOL/USDT:USDT-1h',
    ]);
    expect(all.items[1]).toMatchObject({
      accountName: 'acc-a name',
      strategy: 'rsi',
      symbol: 'ETH/USDT:USDT',
      timeframe: '1h',
      params: { fast: 9, slow: 21 },
      size: null,
      enabled: false,
    });
    const rsiOfA = await reads.strategies({ accountId: 'acc-a', strategy: 'rsi' });
    expect(rsiOfA.items).toHaveLength(1);
    await expect(reads.strategies({ accountId: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('ConsoleReads.risk', () => {
  it('overrides as set, effective = defaults with them merged, switches and usage as risk show has them', async () => {
    const w = await withSettings();
    await w.risk.saveState(
      {
        ...emptyRiskState('acc-a', NOW),
        peakEquity: '11000',
        lastEquity: '10450',
        lastEquityAt: NOW - 60_000,
        switches: { drawdown: { tripped: false, trips: 0 } },
      },
      0,
    );
    const r = (await w.reads.risk('acc-a')) as {
      overrides: unknown;
      effective: typeof DEFAULT_RISK_CONFIG;
      switches: Record<string, unknown>;
      usage: unknown;
      entries: string;
    };
    expect(r.overrides).toEqual({ switches: { maxDrawdownPct: 12 } });
    expect(r.effective.switches.maxDrawdownPct).toBe(12);
    // untouched settings are the defaults
    expect(r.effective.switches.dailyLossPct).toBe(DEFAULT_RISK_CONFIG.switches.dailyLossPct);
    expect(r.effective.limits).toEqual(DEFAULT_RISK_CONFIG.limits);
    expect(Object.keys(r.switches).sort()).toEqual(['circuit_breaker', 'daily_loss', 'drawdown', 'loss_streak']);
    expect(r.switches.drawdown).toMatchObject({ tripped: false, limit: '12% from the equity peak: flatten, disable' });
    // (11000 − 10450) / 11000 = 5 %; one open BTC position of 0.5 at 40000
    expect(r.usage).toMatchObject({ peakEquity: '11000', drawdownPct: 5, openPositions: 1, exposure: '20000' });
    expect(r.entries).toBe('allowed');
  });

  it('an unknown account is NotFound', async () => {
    const { reads } = await world();
    await expect(reads.risk('nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
