// EntryRisk with a regime source: an account with per-regime limits has the symbol's regime read
// and an entry its regime forbids refused and audited with the regime named; an account without
// them never reads a regime (no added read on its hot path).
import { SignalRejectedError } from '../../../../shared/core/errors';
import { RiskEngine } from '../../../../shared/core/risk/engine';
import { CorrelationCache } from '../../../../shared/core/risk/stats';
import type { MarketStatsSource, RegimeSource } from '../../../../shared/core/execution/ports';
import type { RegimeView } from '../../../../shared/core/risk/types';
import type { Signal } from '../../../../shared/core/signal/types';
import { EntryRisk, type EntryDecisionInput } from '../../../../shared/core/execution/entry-risk';
import { T0 } from '../fakes';
import { accountWithSettings as account, BTC, BTC_PERP, memoryRiskTables, rejectionOf } from '../risk/fixtures';

const noStats: MarketStatsSource = { get: async () => undefined, peek: () => undefined };

class FakeRegimes implements RegimeSource {
  private loaded: RegimeView | undefined;
  constructor(private readonly view: RegimeView) {}
  readonly get = jest.fn(async (_symbol: string, _now: number) => {
    this.loaded = this.view;
    return this.view;
  });
  readonly peek = jest.fn((symbol: string) => (symbol === BTC ? this.loaded : undefined));
}

const signal: Signal = {
  v: 1,
  signalId: 'sig-1',
  accountId: 'acc-1',
  intent: 'enter_long',
  symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
  receivedAt: T0,
  source: 'webhook',
};

function setup(view: RegimeView) {
  const tables = memoryRiskTables();
  const regimes = new FakeRegimes(view);
  const entryRisk = new EntryRisk({
    ...tables,
    stats: noStats,
    regimes,
    correlations: new CorrelationCache(),
    engine: new RiskEngine(),
  });
  return { ...tables, regimes, entryRisk };
}

const input = (over: Partial<EntryDecisionInput>): EntryDecisionInput => ({
  signal,
  account: account(),
  market: BTC_PERP,
  side: 'long',
  price: 100,
  equity: '10000',
  leverage: 5,
  ...over,
});

describe('EntryRisk and the per-regime limits', () => {
  it('refuses a long in a BEAR regime the account opens shorts only in, and audits it with the regime', async () => {
    const { entryRisk, regimes, audit } = setup({ label: 'BEAR', source: 'hmm', asOf: T0 - 1 });
    const bearShortsOnly = account({ risk: { regimes: { BEAR: { sides: ['short'] } } } });
    const snapshot = await entryRisk.prefetch(bearShortsOnly);

    const error = await rejectionOf(
      entryRisk.decide(input({ account: bearShortsOnly }), snapshot),
      SignalRejectedError,
    );

    expect(error.code).toBe('REGIME_SIDE_BLOCKED');
    expect(error.message).toBe(`${BTC} is in a BEAR regime: long entries are refused (allowed: short)`);
    expect(regimes.get).toHaveBeenCalledWith(BTC, T0);
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({
      type: 'risk.refused',
      message: `entry refused: ${BTC} is in a BEAR regime: long entries are refused (allowed: short)`,
      data: { code: 'REGIME_SIDE_BLOCKED', numbers: { regime: 'BEAR', side: 'long' } },
    });
  });

  it('an account without per-regime limits never reads a regime', async () => {
    const { entryRisk, regimes } = setup({ label: 'BEAR', source: 'hmm', asOf: T0 - 1 });
    const plain = account();
    const approved = await entryRisk.decide(input({ account: plain }), await entryRisk.prefetch(plain));
    await approved.audited;
    expect(approved.amount).toBe('50');
    expect(regimes.get).not.toHaveBeenCalled();
    expect(regimes.peek).not.toHaveBeenCalled();
  });
});
