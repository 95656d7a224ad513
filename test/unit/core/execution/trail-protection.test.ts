// An entry that asks for both a stop-loss and a trailing stop: the book keeps both refs (stopLoss,
// trailingStop), so every path that handles the stop handles the trail too: the redelivery check,
// the re-size after a reduce, one-cancels-other after a protective fill, the close, the emulated
// trail's moves, a re-arm of a vanished trail, the owner's cancel. Real order sender, book keeper and
// protection manager over in-memory tables and the paper exchange (no native trailing stop: the
// trail is the emulated one, a plain stop the risk-check job moves). A position booked before the
// trailingStop slot existed (a lone trail in stopLoss) keeps working the way it did.
import type { OrderRecord } from '../../../../shared/core/domain/order';
import type { BookPosition, PositionSide } from '../../../../shared/core/domain/trade';
import { SignalRejectedError } from '../../../../shared/core/errors';
import type { ProtectionSpec } from '../../../../shared/core/execution/protection';
import type { ExchangePort, OrderRequest } from '../../../../shared/core/ports/exchange';
import { clientOrderIdFor } from '../../../../shared/core/signal/ids';
import type { Intent, Signal } from '../../../../shared/core/signal/types';
import { ACCOUNT, BTC, exitExecutor, openPaperLong, ORIGIN } from '../paper-long';

/** sl 2 % (49009.8 under the 50010 fill), trail 1 % (49509.9), one target at +4 %. */
const both: ProtectionSpec = {
  sl: { kind: 'percent', value: 2 },
  trailPct: 1,
  tps: [{ level: { kind: 'percent', value: 4 }, sharePct: 100 }],
  breakEven: false,
};

async function setup(spec: ProtectionSpec) {
  // The paper exchange, with every send and cancel written down in order. (The paper exchange
  // also cancels a flat position's reduce-only orders by itself; an exchange such as Binance does
  // not, so what the manager cancels is read from this log, not from what still rests.)
  const calls: string[] = [];
  const rig = await openPaperLong({
    spec,
    armOn: (paper) =>
      Object.assign(Object.create(paper) as ExchangePort, {
        createOrder: (request: OrderRequest) => {
          calls.push(`create ${request.clientOrderId}`);
          return paper.createOrder(request);
        },
        cancelOrder: (...args: Parameters<ExchangePort['cancelOrder']>) => {
          calls.push(`cancel ${args[1]}`);
          return (paper as ExchangePort).cancelOrder(...args);
        },
      }),
  });
  const { clock, prices, paper, exchange, orders, audit, book, protection, market, positions } = rig;
  const { executor } = exitExecutor(rig, () => exchange);
  const held = async () => (await positions.get(ACCOUNT, BTC)) as BookPosition & { side: PositionSide };

  const signal = (signalId: string, intent: Intent, contracts?: number): Signal => ({
    v: 1,
    signalId,
    accountId: ACCOUNT,
    intent,
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    ...(contracts !== undefined ? { size: { kind: 'contracts' as const, value: contracts } } : {}),
    receivedAt: clock.now(),
    source: 'webhook',
  });
  const resting = async () =>
    (await paper.fetchOpenOrders(BTC)).map((o) => `${o.clientOrderId}:${o.amount}@${o.triggerPrice ?? ''}`).sort();
  const status = async (clientOrderId: string | undefined) =>
    (await orders.get(ACCOUNT, clientOrderId as string))?.status;
  /** the price moves and the paper exchange fills what it crossed */
  const priceTo = async (price: number) => {
    prices.set(BTC, price);
    await paper.processPrice(BTC);
  };
  return {
    clock,
    paper,
    exchange,
    calls,
    executor,
    protection,
    book,
    orders,
    audit,
    market,
    held,
    signal,
    resting,
    status,
    priceTo,
  };
}

const ref = (r: { clientOrderId: string; amount?: string; triggerPrice: string } | undefined) =>
  r ? `${r.clientOrderId}:${r.amount ?? ''}@${r.triggerPrice}` : undefined;

test('an entry with sl and trail books both: the stop in stopLoss, the emulated trail in trailingStop, each naming what rests', async () => {
  const { held, resting } = await setup(both);
  const p = await held();
  expect(p.stopLoss).toEqual({
    clientOrderId: clientOrderIdFor('sentry', 'sl'),
    triggerPrice: '49009.8',
    amount: '0.02',
  });
  expect(p.trailingStop).toEqual({
    clientOrderId: clientOrderIdFor('sentry', 'trail'),
    triggerPrice: '49509.9',
    amount: '0.02',
    trailingPercent: 1,
    emulatedTrail: true,
  });
  expect(await resting()).toEqual(
    [ref(p.stopLoss), ref(p.trailingStop), ...(p.takeProfits ?? []).map(ref)].map(String).sort(),
  );
});

test('a redelivery of the entry finds both stops on the book: nothing cancelled, nothing placed twice', async () => {
  const { exchange, protection, market, held, calls, resting } = await setup(both);
  const before = await resting();
  calls.length = 0;
  await protection.arm(exchange, ORIGIN, await held(), market, both);
  expect(calls).toEqual([]);
  expect(await resting()).toEqual(before);
});

test('a reduce re-sizes the stop and the trail, each new one placed before its old one is cancelled', async () => {
  const { executor, held, calls, resting, status, signal } = await setup(both);
  const before = await held();
  calls.length = 0;
  expect((await executor.execute(signal('sreduce', 'reduce_long', 0.008))).status).toBe('executed');
  const after = await held();
  expect(after.quantity).toBe('0.012');
  expect(after.stopLoss).toMatchObject({ triggerPrice: '49009.8', amount: '0.012' });
  expect(after.trailingStop).toMatchObject({
    triggerPrice: '49509.9',
    amount: '0.012',
    trailingPercent: 1,
    emulatedTrail: true,
  });
  const oldSl = before.stopLoss?.clientOrderId as string;
  const oldTrail = before.trailingStop?.clientOrderId as string;
  const newSl = after.stopLoss?.clientOrderId as string;
  const newTrail = after.trailingStop?.clientOrderId as string;
  expect(newTrail).not.toBe(oldTrail);
  expect(calls.indexOf(`create ${newSl}`)).toBeLessThan(calls.indexOf(`cancel ${oldSl}`));
  expect(calls.indexOf(`create ${newTrail}`)).toBeGreaterThanOrEqual(0);
  expect(calls.indexOf(`create ${newTrail}`)).toBeLessThan(calls.indexOf(`cancel ${oldTrail}`));
  expect(await status(oldTrail)).toBe('canceled');
  expect(await resting()).toEqual(
    [ref(after.stopLoss), ref(after.trailingStop), ...(after.takeProfits ?? []).map(ref)].map(String).sort(),
  );
});

test('the stop filling cancels the trail and the target; the book keeps no ref', async () => {
  // the stop (1 %) sits above the trail (3 %): a fall to 49400 fires the stop only
  const { exchange, protection, market, held, calls, status, priceTo } = await setup({
    ...both,
    sl: { kind: 'percent', value: 1 },
    trailPct: 3,
  });
  const armed = await held();
  await priceTo(49_400);
  const report = await protection.sync(exchange, armed, market);
  expect(report.fills).toBe(1);
  const trail = armed.trailingStop?.clientOrderId;
  const target = armed.takeProfits?.[0]?.clientOrderId;
  expect(calls).toEqual(expect.arrayContaining([`cancel ${trail}`, `cancel ${target}`]));
  expect(await status(trail)).toBe('canceled');
  expect(await status(target)).toBe('canceled');
  const after = await held();
  expect(after.side).toBeUndefined();
  expect(after.stopLoss).toBeUndefined();
  expect(after.trailingStop).toBeUndefined();
});

test('the trail filling cancels the stop and the target', async () => {
  // the trail (1 %, 49509.9) sits above the stop (2 %, 49009.8): a fall to 49400 fires the trail only
  const { exchange, protection, market, held, calls, status, priceTo } = await setup(both);
  const armed = await held();
  await priceTo(49_400);
  expect((await protection.sync(exchange, armed, market)).fills).toBe(1);
  const sl = armed.stopLoss?.clientOrderId;
  const target = armed.takeProfits?.[0]?.clientOrderId;
  expect(calls).toEqual(expect.arrayContaining([`cancel ${sl}`, `cancel ${target}`]));
  expect(await status(sl)).toBe('canceled');
  expect(await status(armed.trailingStop?.clientOrderId)).toBe('filled');
  expect((await held()).side).toBeUndefined();
});

test('a close signal cancels the stop and the trail before the closing order goes out', async () => {
  const { executor, held, calls, status, signal, resting } = await setup(both);
  const armed = await held();
  calls.length = 0;
  expect((await executor.execute(signal('sclose', 'close_long'))).status).toBe('executed');
  const sl = armed.stopLoss?.clientOrderId as string;
  const trail = armed.trailingStop?.clientOrderId as string;
  const close = calls.findIndex((c) => c.startsWith('create '));
  expect(calls.indexOf(`cancel ${sl}`)).toBeLessThan(close);
  expect(calls.indexOf(`cancel ${trail}`)).toBeGreaterThanOrEqual(0);
  expect(calls.indexOf(`cancel ${trail}`)).toBeLessThan(close);
  expect(await status(trail)).toBe('canceled');
  expect(await resting()).toEqual([]);
  expect((await held()).trailingStop).toBeUndefined();
});

test('the emulated trail in the trailingStop slot follows the best price; the fixed stop stays where it is', async () => {
  const { exchange, protection, market, held, status, resting, priceTo } = await setup(both);
  const armed = await held();
  await priceTo(51_000);
  const moved = await protection.trailStop(exchange, armed, market, 51_000);
  expect(moved).toBe('50490');
  const after = await held();
  expect(after.stopLoss).toEqual(armed.stopLoss);
  expect(after.trailingStop).toMatchObject({
    triggerPrice: '50490',
    amount: '0.02',
    trailingPercent: 1,
    emulatedTrail: true,
  });
  expect(await status(armed.trailingStop?.clientOrderId)).toBe('canceled');
  expect(await resting()).toContain(ref(after.trailingStop));
  // only ever tightens
  expect(await protection.trailStop(exchange, after, market, 50_500)).toBeUndefined();
});

test('a trail that vanished from the exchange is placed again in its slot; the fixed stop is left alone', async () => {
  const { exchange, paper, protection, market, held, resting } = await setup(both);
  const armed = await held();
  await paper.cancelOrder(BTC, armed.trailingStop?.clientOrderId as string); // cancelled by hand
  expect(await protection.rearmStop(exchange, armed, market, 50_000, undefined, 'stopLoss')).toBe('present');
  expect(await protection.rearmStop(exchange, armed, market, 50_000, undefined, 'trailingStop')).toBe('rearmed');
  const after = await held();
  expect(after.stopLoss).toEqual(armed.stopLoss);
  expect(after.trailingStop).toMatchObject({ triggerPrice: '49509.9', trailingPercent: 1, emulatedTrail: true });
  expect(after.trailingStop?.clientOrderId).not.toBe(armed.trailingStop?.clientOrderId);
  expect(await resting()).toContain(ref(after.trailingStop));
});

test('the owner may cancel the fixed stop while the trail guards the position (the trail becomes the stop), not the last one', async () => {
  const { exchange, protection, held, orders } = await setup(both);
  const armed = await held();
  const slRecord = (await orders.get(ACCOUNT, armed.stopLoss?.clientOrderId as string)) as OrderRecord;
  expect(await protection.cancelOrder(exchange, armed, slRecord, false)).toBe('canceled');
  const after = await held();
  expect(after.stopLoss).toEqual(armed.trailingStop);
  expect(after.trailingStop).toBeUndefined();
  const trailRecord = (await orders.get(ACCOUNT, armed.trailingStop?.clientOrderId as string)) as OrderRecord;
  await expect(protection.cancelOrder(exchange, after, trailRecord, false)).rejects.toThrow(SignalRejectedError);
});

test('a position booked the old way (a lone trail in stopLoss) trails, re-sizes and cancels as before', async () => {
  const trailOnly: ProtectionSpec = { trailPct: 1, tps: [], breakEven: false };
  const { exchange, executor, protection, market, held, calls, status, signal, resting, priceTo } =
    await setup(trailOnly);
  const armed = await held();
  // a trail alone keeps the stop slot: the row reads exactly as rows written before trailingStop
  expect(armed.stopLoss).toMatchObject({ triggerPrice: '49509.9', trailingPercent: 1, emulatedTrail: true });
  expect(armed.trailingStop).toBeUndefined();

  await priceTo(51_000);
  expect(await protection.trailStop(exchange, armed, market, 51_000)).toBe('50490');
  expect((await held()).stopLoss).toMatchObject({ triggerPrice: '50490', emulatedTrail: true });

  expect((await executor.execute(signal('sreduce', 'reduce_long', 0.008))).status).toBe('executed');
  const reduced = await held();
  expect(reduced.stopLoss).toMatchObject({ triggerPrice: '50490', amount: '0.012', emulatedTrail: true });
  expect(await resting()).toEqual([ref(reduced.stopLoss)]);

  calls.length = 0;
  expect((await executor.execute(signal('sclose', 'close_long'))).status).toBe('executed');
  expect(calls[0]).toBe(`cancel ${reduced.stopLoss?.clientOrderId}`);
  expect(await status(reduced.stopLoss?.clientOrderId)).toBe('canceled');
  expect(await resting()).toEqual([]);
});
