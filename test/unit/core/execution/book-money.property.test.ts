// Exact money through the book, on random fill sequences: partial entries, partial exits,
// reversals, fees in the quote currency with up to 8 decimals and funding payments. The audit
// trail the book keeper writes (one trade.booked line per fill or funding settlement) adds up to
// each trade's fees, funding and realized P&L EXACTLY, and a closed trade's realized P&L is
// Σ (exit − entry) × quantity, signed by side, less its fees and funding — no float noise.
import fc from 'fast-check';
import { Big } from '../../../../shared/core/domain/money';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import type { PositionSide, TradeRecord } from '../../../../shared/core/domain/trade';
import { applyFunding, type TradeEntry } from '../../../../shared/core/domain/trade-math';
import { BookKeeper, entryEvent } from '../../../../shared/core/execution/book-keeper';
import { ManualClock } from '../fakes';
import { MemoryAudit, MemoryOrders, MemoryPositions, MemoryTrades } from '../memory-repos';

const ACCOUNT = 'acc-1';
const SYMBOL = 'BTC/USDT:USDT';

type Step =
  | { op: 'add' | 'reduce' | 'reverse'; units: number; priceCents: number; feeSat: number }
  | { op: 'funding'; fundingSat: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constantFrom<'add' | 'reduce' | 'reverse'>('add', 'add', 'reduce', 'reduce', 'reverse'),
      units: fc.integer({ min: 1, max: 5_000 }),
      priceCents: fc.integer({ min: 1, max: 10_000_000 }),
      feeSat: fc.integer({ min: 0, max: 2_000_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant<'funding'>('funding'),
      fundingSat: fc.integer({ min: -500_000_000, max: 500_000_000 }),
    }),
  },
);

/** base units of 0.001, prices to the cent, fees and funding to the satoshi (1e-8) */
const qtyOf = (units: number): Big => new Big(units).div(1000);
const priceOf = (cents: number): Big => new Big(cents).div(100);
const satOf = (sat: number): Big => new Big(sat).div(100_000_000);

/** What an independent tally says about one trade: the quantities and prices it was entered and left at. */
interface Tally {
  side: PositionSide;
  entryNotional: Big;
  exitNotional: Big;
  funding: Big;
}

const sumOf = (entries: readonly TradeEntry[], field: 'fee' | 'funding' | 'realizedPnl'): string =>
  entries.reduce((s, e) => s.plus(e[field]), new Big(0)).toString();
const norm = (v: string): string => new Big(v).toString();

async function run(firstSide: PositionSide, steps: readonly Step[]) {
  const clock = new ManualClock(1_000);
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  const tallies = new Map<string, Tally>();
  let feesCharged = new Big(0);
  let n = 0;

  const fill = async (side: 'buy' | 'sell', qty: Big, price: Big, fee: Big) => {
    n++;
    clock.advance(1_000);
    const record: OrderRecord = {
      accountId: ACCOUNT,
      clientOrderId: `o${n}`,
      signalId: `s${n}`,
      leg: 'open',
      symbol: SYMBOL,
      side,
      type: 'market',
      reduceOnly: false,
      amount: qty.toString(),
      status: 'filled',
      leverage: 3,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    };
    await orders.putIntent(record);
    const before = await book.position(ACCOUNT, SYMBOL);
    await book.book(record, {
      clientOrderId: record.clientOrderId,
      signalId: record.signalId,
      side,
      quantity: qty.toString(),
      price: price.toString(),
      fee: fee.toString(),
      at: clock.now(),
      leverage: 3,
    });
    feesCharged = feesCharged.plus(fee);
    // The tally: the part against the held position exits its trade, any rest enters a new one.
    const held = before.side ? new Big(before.quantity) : new Big(0);
    const closing =
      before.side && (side === 'buy') !== (before.side === 'long') ? (qty.gt(held) ? held : qty) : new Big(0);
    if (closing.gt(0)) {
      const t = tallies.get(before.tradeId!)!;
      t.exitNotional = t.exitNotional.plus(closing.times(price));
    }
    const rest = qty.minus(closing);
    if (rest.gt(0)) {
      const after = await book.position(ACCOUNT, SYMBOL);
      const t = tallies.get(after.tradeId!) ?? {
        side: after.side!,
        entryNotional: new Big(0),
        exitNotional: new Big(0),
        funding: new Big(0),
      };
      t.entryNotional = t.entryNotional.plus(rest.times(price));
      tallies.set(after.tradeId!, t);
    }
  };

  for (const step of steps) {
    const position = await book.position(ACCOUNT, SYMBOL);
    const held = position.side ? new Big(position.quantity) : new Big(0);
    const side: PositionSide = position.side ?? firstSide;
    const opening = side === 'long' ? 'buy' : 'sell';
    const closing = side === 'long' ? 'sell' : 'buy';
    if (step.op === 'funding') {
      if (!position.tradeId) continue;
      // The risk-check job's path: applyFunding on the open trade, its entry audited as trade.booked.
      clock.advance(1_000);
      const trade = (await trades.get(ACCOUNT, position.tradeId))!;
      const amount = satOf(step.fundingSat);
      const booked = applyFunding(trade, [{ amount: amount.toString(), timestamp: clock.now() }], clock.now());
      if (!booked) continue;
      await trades.replace(booked.trade, trade.updatedAt);
      await audit.append(entryEvent(ACCOUNT, booked.entry, clock.now()));
      const t = tallies.get(position.tradeId)!;
      t.funding = t.funding.minus(amount); // negative amount = paid = a cost
      continue;
    }
    const qty = qtyOf(step.units);
    const price = priceOf(step.priceCents);
    const fee = satOf(step.feeSat);
    if (step.op === 'add' || held.eq(0)) await fill(opening, qty, price, fee);
    else if (step.op === 'reduce') await fill(closing, qty.gt(held) ? held : qty, price, fee);
    else await fill(closing, held.plus(qty), price, fee); // reverse: close and open the other way
  }
  const last = await book.position(ACCOUNT, SYMBOL);
  if (last.side)
    await fill(last.side === 'long' ? 'sell' : 'buy', new Big(last.quantity), priceOf(4_200_000), satOf(123_456_789));
  return { trades: [...trades.rows.values()], audit, tallies, feesCharged };
}

test('the audit lines of every trade add up to its totals exactly, and a closed trade realizes Σ (exit − entry) × qty', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<PositionSide>('long', 'short'),
      fc.array(stepArb, { minLength: 1, maxLength: 25 }),
      async (firstSide, steps) => {
        // The first fill opens the position, so every sequence books at least one trade.
        const { trades, audit, tallies, feesCharged } = await run(firstSide, [
          { op: 'add', units: 7, priceCents: 5_000_001, feeSat: 1 },
          ...steps,
        ]);
        const lines = audit.events.filter((e) => e.type === 'trade.booked').map((e) => e.data as unknown as TradeEntry);
        expect(trades.length).toBeGreaterThan(0);
        expect(trades.every((t) => t.status === 'closed')).toBe(true);
        for (const trade of trades) {
          const own = lines.filter((l) => l.tradeId === trade.tradeId);
          expect(sumOf(own, 'fee')).toBe(norm(trade.fees));
          expect(sumOf(own, 'funding')).toBe(norm(trade.funding));
          expect(sumOf(own, 'realizedPnl')).toBe(norm(trade.realizedPnl));
          // each line's P&L is its price P&L less its fee and funding
          for (const l of own)
            expect(new Big(l.pricePnl).minus(l.fee).minus(l.funding).toString()).toBe(norm(l.realizedPnl));
          const t = tallies.get(trade.tradeId)!;
          const pricePnl =
            t.side === 'long' ? t.exitNotional.minus(t.entryNotional) : t.entryNotional.minus(t.exitNotional);
          expect(norm(trade.realizedPnl)).toBe(pricePnl.minus(trade.fees).minus(trade.funding).toString());
          expect(norm(trade.funding)).toBe(t.funding.toString());
          expect(typeof trade.fees).toBe('string');
          expect(typeof trade.realizedPnl).toBe('string');
        }
        // nothing charged is lost or invented when a reversing fill's fee is split between two trades
        expect(sumOf(lines, 'fee')).toBe(feesCharged.toString());
      },
    ),
    { numRuns: 200 },
  );
});

test('a record stored with number money (before exact money) still books: the totals continue from its values', async () => {
  const clock = new ManualClock(10_000);
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  const open = {
    accountId: ACCOUNT,
    clientOrderId: 'o1',
    signalId: 's1',
    leg: 'open',
    symbol: SYMBOL,
    side: 'buy',
    type: 'market',
    reduceOnly: false,
    amount: '0.1',
    status: 'filled',
    leverage: 1,
    createdAt: 1,
    updatedAt: 1,
  } as const;
  await orders.putIntent(open);
  await book.book(open, {
    clientOrderId: 'o1',
    signalId: 's1',
    side: 'buy',
    quantity: '0.1',
    price: '50000',
    fee: '2.5',
    at: 1_000,
    leverage: 1,
  });
  // Rewrite the trade as an older executor stored it: numbers, no notionals.
  const stored = [...trades.rows.values()][0]!;
  const { entryNotional: _e, exitNotional: _x, ...old } = stored;
  trades.rows.set(stored.tradeId, { ...old, fees: 2.5, funding: 0, realizedPnl: -2.5 } as unknown as TradeRecord);
  const close = { ...open, clientOrderId: 'c1', signalId: 's2', side: 'sell' } as const;
  await orders.putIntent(close);
  await book.book(close, {
    clientOrderId: 'c1',
    signalId: 's2',
    side: 'sell',
    quantity: '0.1',
    price: '50100.1',
    fee: '2.505005',
    at: 2_000,
    leverage: 1,
  });
  // (50,100.1 − 50,000) × 0.1 − 2.5 − 2.505005 = 5.004995
  expect([...trades.rows.values()][0]).toMatchObject({ status: 'closed', fees: '5.005005', realizedPnl: '5.004995' });
});
