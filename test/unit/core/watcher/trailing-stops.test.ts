// Emulated trailing stops moved by the watcher: the real ProtectionManager, order sender and book
// keeper over in-memory tables and the paper exchange (no native trailing stop, so its trail is
// the emulated one), the real watch list, and a scripted stream. What must hold: a new best moves
// the stop one way only, through the same trailStop the risk-check job uses; the best is kept in
// the risk state; the risk-check job's lease makes the watcher wait (never two movers); and after
// a dropped stream the gap's extreme moves the trail before live ticks resume.
import type { PriceTick } from '../../../../shared/core/ports/price-stream';
import { emptyRiskState } from '../../../../shared/core/risk/state';
import { AccountExchanges } from '../../../../shared/core/watcher/account-exchanges';
import { PriceWatcher } from '../../../../shared/core/watcher/price-watcher';
import { TrailingStops, type TrailMove } from '../../../../shared/core/watcher/trailing-stops';
import { WatchList } from '../../../../shared/core/watcher/watch-list';
import { MemoryRiskStore } from '../memory-repos';
import { ACCOUNT, BTC, NO_KEYS, openPaperLong } from '../paper-long';
import { ScriptedCatchUp, ScriptedStream, virtualSleep, type Step } from './scripted';

/** A paper long of 0.02 BTC filled at 50,010 with a lone 1 % trail (the emulated stop at 49,509.9). */
async function setup() {
  const { clock, prices, ledger, paper, accounts, positions, protection, held } = await openPaperLong({
    spec: { trailPct: 1, tps: [], breakEven: false },
  });
  const risk = new MemoryRiskStore();
  const moves: TrailMove[] = [];
  const log: string[] = [];
  const leaseAsks: string[] = [];
  const trailing = new TrailingStops({
    risk: {
      getState: (id) => risk.getState(id),
      saveState: (s, v) => risk.saveState(s, v),
      acquireLease: (id, owner, until, now) => {
        leaseAsks.push(owner);
        return risk.acquireLease(id, owner, until, now);
      },
      releaseLease: (id, owner) => risk.releaseLease(id, owner),
    },
    positions,
    exchanges: new AccountExchanges({
      exchanges: { forAccount: async () => paper },
      vault: NO_KEYS,
      clock,
    }),
    protection,
    clock,
    owner: 'price-watcher-test',
    onMoved: (m) => {
      moves.push(m);
      log.push(`moved ${m.trigger}`);
    },
  });
  const watchList = new WatchList({ accounts, positions, paperOrders: ledger, clock });
  const tick = (last: number): PriceTick => ({
    symbol: BTC,
    last,
    timestamp: clock.now(),
    exchange: 'paper',
    receivedAt: clock.now(),
  });
  /** a batch of ticks; the paper exchange's price follows the stream (it is the same price locally) */
  const feed = async (...lasts: number[]) => {
    prices.set(BTC, lasts.at(-1) as number);
    await trailing.onTicks('paper', lasts.map(tick), (await watchList.current()).forExchange('paper'));
  };
  const resting = async () => (await paper.fetchOpenOrders(BTC)).map((o) => o.triggerPrice).sort();
  return { log, clock, prices, paper, risk, trailing, watchList, held, feed, moves, leaseAsks, resting };
}

describe('TrailingStops', () => {
  it('a new best moves the emulated stop (new one placed, old one cancelled) and keeps the best in the risk state', async () => {
    const { feed, held, risk, resting, moves, trailing } = await setup();
    expect((await held()).stopLoss).toMatchObject({ triggerPrice: '49509.9', emulatedTrail: true });
    await feed(50_500, 51_000, 50_800);
    const p = await held();
    expect(p.stopLoss).toMatchObject({ triggerPrice: '50490', trailingPercent: 1, emulatedTrail: true });
    expect(await resting()).toEqual(['50490']);
    expect((await risk.getState(ACCOUNT))?.trailing[BTC]).toEqual({ tradeId: p.tradeId, best: 51_000 });
    expect(moves).toEqual([
      expect.objectContaining({ exchange: 'paper', accountId: ACCOUNT, best: 51_000, trigger: '50490' }),
    ]);
    expect(trailing.stats).toEqual({ moved: 1, busy: 0 });
    // the lease is given back after the move
    expect(risk.leases.size).toBe(0);
  });

  it('a price that would not tighten the stop by a price step takes no lease and places nothing', async () => {
    const { feed, held, leaseAsks, resting } = await setup();
    await feed(50_010.05, 49_000); // 1 % under 50,010.05 rounds to the stop already there; a fall never moves it
    expect(leaseAsks).toEqual([]);
    expect((await held()).stopLoss?.triggerPrice).toBe('49509.9');
    expect(await resting()).toEqual(['49509.9']);
  });

  it('never moves while the risk-check job holds the account: busy, then the kept best moves it on the next tick', async () => {
    const { feed, held, risk, trailing, clock } = await setup();
    await risk.acquireLease(ACCOUNT, 'risk-check-abc', clock.now() + 60_000, clock.now());
    await feed(51_000);
    expect(trailing.stats).toEqual({ moved: 0, busy: 1 });
    expect((await held()).stopLoss?.triggerPrice).toBe('49509.9');
    await risk.releaseLease(ACCOUNT, 'risk-check-abc');
    await feed(50_700); // below the best seen while busy: the stop still follows that best
    expect((await held()).stopLoss?.triggerPrice).toBe('50490');
  });

  it('follows the larger of its own best and the one the risk-check job stored', async () => {
    const { feed, held, risk, clock } = await setup();
    const tradeId = (await held()).tradeId;
    await risk.saveState(
      { ...emptyRiskState(ACCOUNT, clock.now()), trailing: { [BTC]: { tradeId, best: 52_000 } }, version: 1 },
      0,
    );
    await feed(50_600);
    // 1 % under the stored 52,000, not under the tick's 50,600
    expect((await held()).stopLoss?.triggerPrice).toBe('51480');
  });

  it('a gap that began before the position opened is not followed (its best may predate the trade)', async () => {
    const { trailing, watchList, held } = await setup();
    const openedAt = (await held()).openedAt as number;
    const watch = (await watchList.current()).forExchange('paper');
    const gap = { symbol: BTC, high: 60_000, low: 49_000, last: 50_100, to: openedAt + 10_000 };
    await trailing.onGap('paper', { ...gap, from: openedAt - 1 }, watch);
    expect((await held()).stopLoss?.triggerPrice).toBe('49509.9');
    expect(trailing.stats.moved).toBe(0);
  });

  it('a dropped stream reconnects, and the gap it missed (high 52,000) moves the trail before live ticks resume', async () => {
    const { log: order, clock, prices, held, trailing, watchList, moves, resting } = await setup();
    prices.set(BTC, 51_800); // where the market is when the stream comes back
    const waits: number[] = [];
    const steps: Step[] = [
      { ticks: [[BTC, 50_100]] },
      { drop: 'socket hang up' },
      { drop: 'ECONNREFUSED' },
      { ticks: [[BTC, 51_800]] },
    ];
    let watcher: PriceWatcher | undefined = undefined;
    const stream = new ScriptedStream(steps, clock, () => void watcher?.stop());
    const catchUp = new ScriptedCatchUp({ [BTC]: { high: 52_000, low: 50_050, last: 51_900 } }, clock);
    const recordLive = {
      name: 'record',
      onTicks: async (_e: string, ticks: readonly PriceTick[]) => void order.push(`live ${ticks[0]?.last}`),
    };
    watcher = new PriceWatcher({
      exchange: 'paper',
      stream,
      catchUp,
      watchList,
      handlers: [trailing, recordLive],
      clock,
      sleep: virtualSleep(clock, waits),
      backoff: { random: () => 0 },
    });
    await watcher.run();
    expect(watcher.stats).toMatchObject({ drops: 2, gaps: 1 });
    expect(catchUp.asked).toHaveLength(1);
    // the live 50,100 moved it to 49,599; the gap's 52,000 to 51,480, before the first live tick after the reconnect
    expect(moves.map((m) => m.trigger)).toEqual(['49599', '51480']);
    expect(order.indexOf('live 51800')).toBeGreaterThan(order.indexOf('moved 51480'));
    expect(order.indexOf('moved 51480')).toBeGreaterThan(-1);
    expect((await held()).stopLoss?.triggerPrice).toBe('51480');
    expect(await resting()).toEqual(['51480']);
  });
});
