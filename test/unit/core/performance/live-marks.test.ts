// The console's mark: the price watcher's live tick when it is fresher than the risk-check job's
// mark, the job's mark otherwise; unrealized P&L recomputed exactly from whichever is chosen.
import { ConsoleReads } from '../../../../shared/core/performance/console-reads';
import { chooseMark, LIVE_CLOCK_SKEW_MS } from '../../../../shared/core/performance/live-marks';
import type { PriceTick } from '../../../../shared/core/ports/price-stream';
import { NOW, world } from './fixtures';

const SNAPSHOT_AT = NOW - 60_000;
const MARK = { symbol: 'BTC/USDT:USDT', markPrice: '41000', liquidationPrice: '20100' };

describe('chooseMark', () => {
  it('a tick received after the snapshot wins, keeping the job’s liquidation price', () => {
    expect(chooseMark(MARK, SNAPSHOT_AT, { last: 41_234.5, receivedAt: SNAPSHOT_AT + 1 }, NOW)).toEqual({
      markPrice: '41234.5',
      markAt: SNAPSHOT_AT + 1,
      markSource: 'live',
      liquidationPrice: '20100',
    });
  });

  it('a tick received at or before the snapshot loses: the job read the market later', () => {
    for (const receivedAt of [SNAPSHOT_AT, SNAPSHOT_AT - 1])
      expect(chooseMark(MARK, SNAPSHOT_AT, { last: 39_000, receivedAt }, NOW)).toEqual({
        markPrice: '41000',
        markAt: SNAPSHOT_AT,
        markSource: 'snapshot',
        liquidationPrice: '20100',
      });
  });

  it('without a snapshot a tick is the mark; without either there is none', () => {
    expect(chooseMark(undefined, undefined, { last: 0.1, receivedAt: NOW - 5 }, NOW)).toEqual({
      markPrice: '0.1',
      markAt: NOW - 5,
      markSource: 'live',
    });
    expect(chooseMark(undefined, undefined, undefined, NOW)).toBeUndefined();
  });

  it('a tick from beyond the clock skew, or not a price, is ignored', () => {
    const future = { last: 50_000, receivedAt: NOW + LIVE_CLOCK_SKEW_MS + 1 };
    expect(chooseMark(MARK, SNAPSHOT_AT, future, NOW)?.markSource).toBe('snapshot');
    expect(chooseMark(MARK, SNAPSHOT_AT, { last: NaN, receivedAt: NOW }, NOW)?.markSource).toBe('snapshot');
    expect(chooseMark(MARK, SNAPSHOT_AT, { last: 0, receivedAt: NOW }, NOW)?.markSource).toBe('snapshot');
    expect(chooseMark(undefined, undefined, { last: -1, receivedAt: NOW }, NOW)).toBeUndefined();
  });
});

/** A LivePriceStore's read over a fixed list, counting the reads. */
function livePrices(ticks: PriceTick[], fail = false) {
  const asked: string[] = [];
  return {
    asked,
    latest: async (exchange: string, symbols: readonly string[]) => {
      asked.push(`${exchange} ${[...symbols].join(',')}`);
      if (fail) throw new Error('table unreachable');
      return ticks.filter((t) => t.exchange === exchange && symbols.includes(t.symbol));
    },
  };
}

const tick = (patch: Partial<PriceTick>): PriceTick => ({
  exchange: 'paper',
  symbol: 'BTC/USDT:USDT',
  last: 41_500.25,
  timestamp: NOW - 2_000,
  receivedAt: NOW - 1_000,
  ...patch,
});

describe('ConsoleReads.positions with live prices', () => {
  it('marks the position live and recomputes its unrealized P&L and notional exactly', async () => {
    const w = await world();
    const store = livePrices([tick({})]);
    const reads = new ConsoleReads({ ...w, livePrices: store });
    const p = await reads.positions({ limit: 100 });
    expect(p.items[0]).toMatchObject({
      markPrice: '41500.25',
      markSource: 'live',
      markAt: NOW - 1_000,
      unrealizedPnl: '750.125', // (41500.25 − 40000) × 0.5
      notional: '20750.125', // 0.5 × 41500.25
      liquidationPrice: '20100',
    });
    // the job's time still says how old its readings are
    expect(p.dataAsOf).toBe(SNAPSHOT_AT);
    expect(store.asked).toEqual(['paper BTC/USDT:USDT']);
  });

  it('keeps the job’s mark "as of" its snapshot when the tick is older, of another exchange, or unreadable', async () => {
    const w = await world();
    for (const store of [
      livePrices([tick({ receivedAt: SNAPSHOT_AT - 1 })]),
      livePrices([tick({ exchange: 'binanceusdm' })]),
      livePrices([tick({})], true),
    ]) {
      const p = await new ConsoleReads({ ...w, livePrices: store }).positions({ limit: 100 });
      expect(p.items[0]).toMatchObject({
        markPrice: '41000',
        markSource: 'snapshot',
        markAt: SNAPSHOT_AT,
        unrealizedPnl: '500',
      });
    }
  });

  it('one live read per exchange, naming every open symbol of it', async () => {
    const w = await world();
    w.positions.seed({
      ...(await w.positions.list('acc-a'))[0]!,
      symbol: 'ETH/USDT:USDT',
      tradeId: 't5',
      quantity: '2',
      entryPrice: '2000',
    });
    const store = livePrices([tick({ symbol: 'ETH/USDT:USDT', last: 2_100.1 })]);
    const p = await new ConsoleReads({ ...w, livePrices: store }).positions({ limit: 100 });
    expect(store.asked).toHaveLength(1);
    expect(store.asked[0]!.split(' ')[1]!.split(',').sort()).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
    const eth = p.items.find((i) => i.symbol === 'ETH/USDT:USDT');
    expect(eth).toMatchObject({ markSource: 'live', markPrice: '2100.1', unrealizedPnl: '200.2' }); // 100.1 × 2
    // no snapshot mark for ETH: without the tick it would have had none
    const btc = p.items.find((i) => i.symbol === 'BTC/USDT:USDT');
    expect(btc).toMatchObject({ markSource: 'snapshot', markPrice: '41000' });
  });
});
