// Paper fills on the stream: the watcher's PaperFills handler through the runtime's settler (the
// paper-trigger job's own SettlePaperTriggers over the real paper exchange and book keeper), with
// the price source still saying 50,000. The fill must be at the streamed price: the paper exchange
// reads its price source, and the settler pins that source to the tick for the call.
import { MemoryLedgerStore } from '../../../shared/adapters/paper/memory-ledger-store';
import { paperMarkets } from '../../../shared/adapters/paper/markets';
import { PaperExchange } from '../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../shared/adapters/prices/fixed-price-source';
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../../shared/core/domain/account';
import type { OrderRecord } from '../../../shared/core/domain/order';
import type { BookPosition, PositionSide } from '../../../shared/core/domain/trade';
import { BookKeeper, fillFrom } from '../../../shared/core/execution/book-keeper';
import { OrderSender } from '../../../shared/core/execution/order-sender';
import { ProtectionManager } from '../../../shared/core/execution/protection';
import type { PriceSource } from '../../../shared/core/ports/paper';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { PaperFills } from '../../../shared/core/watcher/paper-fills';
import { WatchList } from '../../../shared/core/watcher/watch-list';
import { paperSettler } from '../../../shared/runtime/price-watcher';
import { ManualClock } from '../core/fakes';
import { MemoryAccounts, MemoryAudit, MemoryOrders, MemoryPositions, MemoryTrades } from '../core/memory-repos';
import { accountRecord } from '../core/risk/fixtures';

const BTC = 'BTC/USDT:USDT';
const ACCOUNT = 'acc-1';

/** A paper long of 0.02 BTC (filled at 50,010) with a 1 % stop (49,509.9) and a 2 % target (51,010.2). */
async function setup() {
  const clock = new ManualClock();
  const prices = new FixedPriceSource({ [BTC]: 50_000 }, clock);
  const ledger = new MemoryLedgerStore();
  const exchangeFor = (source: PriceSource) => (account: Account) =>
    new PaperExchange({
      accountId: account.accountId,
      store: ledger,
      prices: source,
      markets: paperMarkets,
      settings: DEFAULT_PAPER_SETTINGS,
      clock,
    });
  const accounts = new MemoryAccounts();
  const account = accountRecord({ accountId: ACCOUNT });
  await accounts.create(account);
  const paper = exchangeFor(prices)(account);
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const audit = new MemoryAudit();
  const sender = new OrderSender({ orders, audit, clock, lookupBackoffMs: [0] });
  const book = new BookKeeper({ positions, trades: new MemoryTrades(), orders, audit, clock });
  const protection = new ProtectionManager({ sender, book, orders, audit, clock });
  const entry: OrderRecord = {
    accountId: ACCOUNT,
    clientOrderId: clientOrderIdFor('sentry', 'open'),
    signalId: 'sentry',
    leg: 'open',
    symbol: BTC,
    side: 'buy',
    type: 'market',
    reduceOnly: false,
    amount: '0.02',
    status: 'intent',
    leverage: 5,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  };
  const filled = await sender.place(paper, entry);
  if (filled.kind !== 'filled') throw new Error('the entry did not fill');
  await book.book(filled.record, fillFrom(entry, filled.order, 'signal'));
  const held = async () => (await positions.get(ACCOUNT, BTC)) as BookPosition & { side: PositionSide };
  await protection.arm(
    paper,
    { accountId: ACCOUNT, signalId: 'sentry', leverage: 5 },
    await held(),
    await paper.loadMarket(BTC),
    {
      sl: { kind: 'percent', value: 1 },
      tps: [{ level: { kind: 'percent', value: 2 }, sharePct: 100 }],
      breakEven: false,
    },
  );
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
