// Paper fills on the stream: the watcher's PaperFills handler through the runtime's settler (the
// paper-trigger job's own SettlePaperTriggers over the real paper exchange and book keeper), with
// the price source still saying 50,000. The fill must be at the streamed price: the paper exchange
// reads its price source, and the settler pins that source to the tick for the call.
import type { Account } from '../../../shared/core/domain/account';
import type { PriceSource } from '../../../shared/core/ports/paper';
import { PaperFills } from '../../../shared/core/watcher/paper-fills';
import { WatchList } from '../../../shared/core/watcher/watch-list';
import { paperSettler } from '../../../shared/runtime/price-watcher';
import { ACCOUNT, BTC, openPaperLong } from '../core/paper-long';

/** A paper long of 0.02 BTC (filled at 50,010) with a 1 % stop (49,509.9) and a 2 % target (51,010.2). */
async function setup() {
  const { clock, prices, ledger, paperOn, paper, accounts, orders, positions, audit, book, held } = await openPaperLong(
    {
      spec: {
        sl: { kind: 'percent', value: 1 },
        tps: [{ level: { kind: 'percent', value: 2 }, sharePct: 100 }],
        breakEven: false,
      },
    },
  );
  const exchangeFor = (source: PriceSource) => (account: Account) => paperOn(source, account);
  const fills = new PaperFills({
    settler: paperSettler({ prices, exchangeFor, orders, book, audit, clock }),
  });
  const watchList = new WatchList({ accounts, positions, paperOrders: ledger, clock });
  const watch = async () => (await watchList.current()).forExchange('paper');
  const tick = (last: number) => ({
    symbol: BTC,
    last,
    timestamp: clock.now(),
    exchange: 'paper',
    receivedAt: clock.now(),
  });
  return { fills, watch, tick, held, paper, orders, audit };
}

describe('paper fills on the stream', () => {
  it('a tick through the stop fills it at the tick’s price (the source still says 50,000) and books the close', async () => {
    const { fills, watch, tick, held, orders } = await setup();
    const stopId = (await held()).stopLoss?.clientOrderId as string;
    await fills.onTicks('paper', [tick(49_600)], await watch()); // above the stop: nothing
    expect(fills.fills).toBe(0);
    await fills.onTicks('paper', [tick(49_400)], await watch());
    expect(fills.fills).toBe(1);
    const stop = await orders.get(ACCOUNT, stopId);
    expect(stop?.status).toBe('filled');
    // the streamed 49,400 (what the paper exchange fills a triggered stop at), not the source's 50,000
    expect(Number(stop?.averagePrice)).toBe(49_400);
    expect((await held()).quantity).toBe('0');
  });

  it('a gap the price went through while the stream was down fills the stop at its low (low before high)', async () => {
    const { fills, watch, held, orders } = await setup();
    const { stopLoss, takeProfits } = await held();
    // the gap began after both orders were placed
    const from = (await orders.get(ACCOUNT, stopLoss?.clientOrderId as string))?.createdAt as number;
    await fills.onGap(
      'paper',
      { symbol: BTC, low: 49_300, high: 51_200, last: 50_000, from, to: from + 1 },
      await watch(),
    );
    expect((await orders.get(ACCOUNT, stopLoss?.clientOrderId as string))?.status).toBe('filled');
    expect((await orders.get(ACCOUNT, takeProfits?.[0]?.clientOrderId as string))?.status).toBe('canceled');
  });

  it('an account whose order was placed after the gap began is settled at the gap’s last price only', async () => {
    const { fills, watch, held, orders } = await setup();
    const { stopLoss } = await held();
    const placedAt = (await orders.get(ACCOUNT, stopLoss?.clientOrderId as string))?.createdAt as number;
    const gap = { symbol: BTC, low: 49_300, high: 51_200, last: 50_000, to: placedAt + 1 };
    await fills.onGap('paper', { ...gap, from: placedAt - 1 }, await watch());
    // the low may have come before the stop existed: not filled
    expect((await orders.get(ACCOUNT, stopLoss?.clientOrderId as string))?.status).toBe('open');
    expect(fills.fills).toBe(0);
  });
});
