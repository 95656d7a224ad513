// The read models over in-memory ports: the summary's figures, positions at the stored mark, the
// accounts overview, the alert log joined with the signal ledger, health, and a trade's detail.
import { NotFoundError } from '../../../../shared/core/errors';
import { ConsoleReads } from '../../../../shared/core/performance/console-reads';
import { OPEN_BTC, trade, world, NOW } from './fixtures';

describe('ConsoleReads', () => {
  it('summary: equity from the snapshot, start from the paper balance, period P&L and warnings', async () => {
    const { reads } = await world();
    const s = (await reads.summary({ limit: 100 })) as Record<string, unknown>;
    expect(s).toMatchObject({
      asOf: NOW,
      dataAsOf: NOW - 60_000,
      currency: 'USDT',
      equity: '10570.25',
      startEquity: '10000',
      trades: 3,
      returnPct: 5.7025, // (10570.25 / 10000 − 1) × 100
      buyAndHoldPct: null, // no price source given
      pnl: {
        today: { realized: '20', unrealized: '500', fees: '1', funding: '-0.1', trades: 1 },
        all: { realized: '70.25', unrealized: '500', fees: '14.75', funding: '0.4', trades: 3 },
      },
    });
    expect(s.winRate).toBeCloseTo(2 / 3, 12);
    expect(s.warnings).toEqual(['3 closed trades: too few for the ratios to mean much (30 or more)']);
  });

  it('summary: buy-and-hold of the most-traded symbol from the first open to now', async () => {
    const w = await world();
    const prices = { priceAt: async (_s: string, at: number) => (at === NOW ? 44000 : 40000) };
    const reads = new ConsoleReads({ ...w, prices });
    expect(((await reads.summary({ limit: 100 })) as { buyAndHoldPct: number }).buyAndHoldPct).toBe(10); // 44000 / 40000 − 1
  });

  it('positions: the stored mark prices the open position; dataAsOf is the snapshot time', async () => {
    const { reads } = await world();
    const p = await reads.positions({ limit: 100 });
    expect(p.dataAsOf).toBe(NOW - 60_000);
    expect(p.items).toHaveLength(1);
    expect(p.items[0]).toMatchObject({
      accountName: 'acc-a name',
      markPrice: '41000',
      unrealizedPnl: '500',
      breakEvenPrice: '40020',
      liquidationPrice: '20100',
      tradeId: 't4',
    });
  });

  it('positions: the open trades come from one range read from the oldest open trade, and by key only beyond it', async () => {
    const w = await world();
    const second = { ...OPEN_BTC, symbol: 'ETH/USDT:USDT', tradeId: 't5', quantity: '2', entryPrice: '2000' };
    w.positions.seed(second);
    await w.trades.put(trade('t5', { symbol: 'ETH/USDT:USDT', status: 'open', quantity: '2', entryPrice: '2000' }));
    const calls: string[] = [];
    let rangeLimit = 200;
    const trades = {
      get: (accountId: string, tradeId: string) => {
        calls.push(`get ${tradeId}`);
        return w.trades.get(accountId, tradeId);
      },
      listByAccount: (accountId: string) => w.trades.listByAccount(accountId),
      listSince: async (accountId: string, fromTradeId: string, limit: number) => {
        calls.push(`since ${fromTradeId} ${limit}`);
        const all = (await w.trades.listByAccount(accountId)).filter((t) => t.tradeId >= fromTradeId);
        return all.sort((a, b) => a.tradeId.localeCompare(b.tradeId)).slice(0, Math.min(limit, rangeLimit));
      },
    };
    const reads = new ConsoleReads({ ...w, trades });
    const both = await reads.positions({ limit: 100 });
    expect(both.items.map((p) => p.tradeId).sort()).toEqual(['t4', 't5']);
    expect(calls).toEqual(['since t4 200']); // one Query, no GetItem
    expect(both.items.find((p) => p.tradeId === 't5')).toMatchObject({ quantity: '2', entryPrice: '2000' });

    // a range the bound cut short: the trade it did not reach is read by its key
    calls.length = 0;
    rangeLimit = 1;
    const cut = await reads.positions({ limit: 100 });
    expect(cut.items).toHaveLength(2);
    expect(calls).toEqual(['since t4 200', 'get t5']);
  });

  it('accounts: balance (wallet = equity − unrealized), kill switches, open positions, last reconcile', async () => {
    const w = await world();
    await w.risk.saveState(
      {
        accountId: 'acc-a',
        switches: { daily_loss: { tripped: true, trippedAt: NOW - 5_000, reason: 'loss 5 %', trips: 1 } },
        priceSamples: {},
        exchangeCalls: [],
        trailing: {},
        lastEquityAt: NOW - 60_000,
        version: 1,
        updatedAt: NOW - 60_000,
      },
      0,
    );
    const a = await w.reads.accountsOverview();
    expect(a.items[0]).toMatchObject({
      accountId: 'acc-a',
      mode: 'paper',
      balance: { equity: '10570.25', free: '9000', walletBalance: '10070.25' },
      openPositions: 1,
      lastReconcileAt: NOW - 60_000,
      killSwitches: expect.arrayContaining([
        { name: 'daily_loss', tripped: true, reason: 'loss 5 %', at: NOW - 5_000 },
        { name: 'drawdown', tripped: false },
      ]),
    });
  });

  it('alerts: refused ones with their reason; accepted ones with their signal’s fate; no source IP', async () => {
    const w = await world();
    await w.alerts.record({
      accountId: 'acc-a',
      alertKey: `${NOW - 2000}#r1`,
      receivedAt: NOW - 2000,
      requestId: 'r1',
      outcome: 'refused',
      httpStatus: 422,
      code: 'stale_signal',
      field: 'time',
      reason: 'time is older than 60 s',
      sourceIp: '52.89.214.238',
    });
    await w.alerts.record({
      accountId: 'acc-a',
      alertKey: `${NOW - 1000}#r2`,
      receivedAt: NOW - 1000,
      requestId: 'r2',
      outcome: 'accepted',
      httpStatus: 202,
      signalId: 'sig-9',
      action: 'buy',
      symbol: 'BTC/USDT:USDT',
    });
    await w.signals.beginExecution(
      { accountId: 'acc-a', signalId: 'sig-9', status: 'received', updatedAt: NOW },
      NOW,
      1000,
    );
    await w.signals.finishExecution('acc-a', 'sig-9', 'rejected', 'kill switch daily_loss', NOW);
    const page = await w.reads.alerts({ limit: 100 });
    expect(page.items).toEqual([
      expect.objectContaining({ requestId: 'r2', signalStatus: 'rejected', rejectReason: 'kill switch daily_loss' }),
      expect.objectContaining({ requestId: 'r1', outcome: 'refused', code: 'stale_signal', field: 'time' }),
    ]);
    expect(JSON.stringify(page)).not.toContain('52.89.214.238');
  });

  it("alerts: an executed signal's outcome is shown with it (the ensemble's vote on an entry)", async () => {
    const w = await world();
    await w.alerts.record({
      accountId: 'acc-a',
      alertKey: `${NOW - 500}#r3`,
      receivedAt: NOW - 500,
      requestId: 'r3',
      outcome: 'accepted',
      httpStatus: 202,
      signalId: 'sig-10',
      action: 'long',
      symbol: 'BTC/USDT:USDT',
    });
    await w.signals.beginExecution(
      { accountId: 'acc-a', signalId: 'sig-10', status: 'received', updatedAt: NOW },
      NOW,
      1000,
    );
    const summary =
      'enter_long BTC/USDT:USDT: long 0.01 @ 50000; ensemble vote: 2 of 3 models agree with long, 2 needed (a long, b out, c long)';
    await w.signals.finishExecution('acc-a', 'sig-10', 'executed', summary, NOW);
    const page = await w.reads.alerts({ limit: 100 });
    expect(page.items).toEqual([
      expect.objectContaining({ requestId: 'r3', signalStatus: 'executed', signalOutcome: summary }),
    ]);
    expect(page.items[0]).not.toHaveProperty('rejectReason');
  });

  it('health: an active account not reconciled for over 5 minutes is not ok', async () => {
    const w = await world();
    const h = await w.reads.health();
    expect(h.accounts).toEqual([{ accountId: 'acc-a', lastReconcileAt: null, ageSeconds: null, ok: false }]);
    expect(h.queue).toBeNull();
  });

  it('a trade of an unknown account or an unknown trade is NotFound', async () => {
    const { reads } = await world();
    await expect(reads.trade('nobody', 't1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(reads.trade('acc-a', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(reads.trade('acc-a', 't1')).resolves.toMatchObject({
      trade: { tradeId: 't1', accountName: 'acc-a name' },
    });
  });
});
