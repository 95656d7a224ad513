// An alert's partial exit (reduce_long) through ExecuteSignal, with the real order sender, book
// keeper and protection manager over in-memory tables and the paper exchange (no network): the
// stop rests through the fill and is re-sized to what is left, the targets are trimmed to it, a
// reduce of all of it leaves nothing resting, and a re-size the exchange refuses keeps the old
// stop on the exchange and on the book and raises a critical alert (never a silent bare position).
import { AmbiguousOrderError, SignalRejectedError, TransientError } from '../../../../shared/core/errors';
import type { ProtectionSpec } from '../../../../shared/core/execution/protection';
import type { ExchangeOrder, ExchangePort, OrderRequest } from '../../../../shared/core/ports/exchange';
import type { Signal } from '../../../../shared/core/signal/types';
import { ACCOUNT, BTC, exitExecutor, openPaperLong } from '../paper-long';

const LEASE_MS = 1_000;

async function setup(spec: ProtectionSpec) {
  const rig = await openPaperLong({ spec });
  const { clock, paper, audit, orders } = rig;
  /** what the exchange is: the paper one, or the paper one with a method replaced */
  const exchange: { current: ExchangePort } = { current: paper };
  const { executor, ledger } = exitExecutor(rig, () => exchange.current, LEASE_MS);

  const reduce = (signalId: string, contracts: number): Signal => ({
    v: 1,
    signalId,
    accountId: ACCOUNT,
    intent: 'reduce_long',
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    size: { kind: 'contracts', value: contracts },
    receivedAt: clock.now(),
    source: 'webhook',
  });
  const resting = async (type?: ExchangeOrder['type']) =>
    (await paper.fetchOpenOrders(BTC)).filter((o) => type === undefined || o.type === type);
  const held = async () => rig.positions.get(ACCOUNT, BTC);
  return { clock, paper, exchange, executor, audit, orders, ledger, reduce, resting, held };
}

const ladder: ProtectionSpec = {
  sl: { kind: 'percent', value: 2 },
  tps: [
    { level: { kind: 'percent', value: 2 }, sharePct: 50 },
    { level: { kind: 'percent', value: 4 }, sharePct: 50 },
  ],
  breakEven: false,
};
const brief = (o: { clientOrderId: string; triggerPrice?: string; amount?: string }) =>
  `${o.clientOrderId}@${o.triggerPrice ?? ''}x${o.amount ?? ''}`;

test('a reduce of 40 %: one resting stop for the 0.012 left, placed before the old one was cancelled; targets trimmed from the furthest; the book names exactly what rests', async () => {
  const { paper, exchange, executor, orders, reduce, resting, held } = await setup(ladder);
  const before = await held();
  const oldStop = before?.stopLoss?.clientOrderId as string;
  // Records what the exchange holds at each send: the old stop must still rest when the new one goes.
  const stopsAtSend: string[][] = [];
  exchange.current = Object.assign(Object.create(paper) as ExchangePort, {
    createOrder: async (request: OrderRequest) => {
      if (request.type === 'stop_market')
        stopsAtSend.push(
          (await paper.fetchOpenOrders(BTC)).filter((o) => o.type === 'stop_market').map((o) => o.clientOrderId),
        );
      return paper.createOrder(request);
    },
  });

  const outcome = await executor.execute(reduce('sreduce40', 0.008));

  expect(outcome.status).toBe('executed');
  const after = await held();
  expect(after?.quantity).toBe('0.012');
  const stops = await resting('stop_market');
  expect(stops.map((o) => `${o.amount}@${o.triggerPrice}`)).toEqual(['0.012@49009.8']);
  expect(stopsAtSend).toEqual([[oldStop]]);
  expect(after?.stopLoss).toMatchObject({
    clientOrderId: stops[0]?.clientOrderId,
    amount: '0.012',
    triggerPrice: '49009.8',
  });
  expect((await orders.get(ACCOUNT, oldStop))?.status).toBe('canceled');
  // 0.01 at +2 % kept as it was; the +4 % target now holds the 0.002 that is left
  const targets = await resting('take_profit_market');
  expect(targets.map((o) => brief(o)).sort()).toEqual((after?.takeProfits ?? []).map((t) => brief(t)).sort());
  expect((after?.takeProfits ?? []).map((t) => `${t.amount}@${t.triggerPrice}`)).toEqual([
    '0.01@51010.2',
    '0.002@52010.4',
  ]);
  expect(after?.takeProfits?.[0]?.clientOrderId).toBe(before?.takeProfits?.[0]?.clientOrderId);
});

test('a reduce deeper than the nearer target: the further one is cancelled, the nearer one re-sized to what is left', async () => {
  const { executor, reduce, resting, held } = await setup(ladder);
  await executor.execute(reduce('sreduce70', 0.014));
  const after = await held();
  expect(after?.quantity).toBe('0.006');
  expect((after?.takeProfits ?? []).map((t) => `${t.amount}@${t.triggerPrice}`)).toEqual(['0.006@51010.2']);
  expect((await resting('take_profit_market')).map((o) => brief(o))).toEqual(
    (after?.takeProfits ?? []).map((t) => brief(t)),
  );
  expect((await resting('stop_market')).map((o) => o.amount)).toEqual(['0.006']);
});

test('a reduce of all of it (or more): flat, nothing resting, no refs on the book', async () => {
  const { executor, reduce, resting, held } = await setup(ladder);
  const outcome = await executor.execute(reduce('sreduceall', 5));
  expect(outcome.status).toBe('executed');
  expect((await held())?.side).toBeUndefined();
  expect(await resting()).toEqual([]);
  expect((await held())?.stopLoss).toBeUndefined();
  expect((await held())?.takeProfits ?? []).toEqual([]);
});

test('the exchange refuses the re-sized stop: the old one still rests and stays on the book, a critical alert says so, the reduce is executed', async () => {
  const { paper, exchange, executor, audit, reduce, resting, held } = await setup(ladder);
  const oldStop = (await held())?.stopLoss;
  exchange.current = Object.assign(Object.create(paper) as ExchangePort, {
    createOrder: (request: OrderRequest) =>
      request.type === 'stop_market'
        ? Promise.reject(new SignalRejectedError('stop price would trigger immediately', 'INVALID_STOP'))
        : paper.createOrder(request),
  });

  const outcome = await executor.execute(reduce('sreducerefused', 0.008));

  expect(outcome).toMatchObject({ status: 'executed' });
  expect(outcome.status === 'executed' && outcome.summary).toContain('stop NOT re-sized');
  expect((await held())?.quantity).toBe('0.012');
  expect((await resting('stop_market')).map((o) => o.clientOrderId)).toEqual([oldStop?.clientOrderId]);
  expect((await held())?.stopLoss).toEqual(oldStop);
  const alerts = audit.events.filter((e) => e.type === 'alert' && e.data?.severity === 'critical');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]?.message).toContain('INVALID_STOP');
  expect(alerts[0]?.message).toContain(`previous stop 49009.8 for 0.02 still rests`);
});

test('the exchange refuses the trimmed target: the stop is still re-sized, a warning says the targets were not trimmed', async () => {
  const { paper, exchange, executor, audit, reduce, resting, held } = await setup(ladder);
  exchange.current = Object.assign(Object.create(paper) as ExchangePort, {
    createOrder: (request: OrderRequest) =>
      request.type === 'take_profit_market'
        ? Promise.reject(new SignalRejectedError('order would immediately trigger', 'INVALID_STOP'))
        : paper.createOrder(request),
  });

  const outcome = await executor.execute(reduce('sreducetprefused', 0.008));

  expect(outcome.status === 'executed' && outcome.summary).toContain('take-profits NOT trimmed');
  expect((await resting('stop_market')).map((o) => o.amount)).toEqual(['0.012']);
  expect((await held())?.stopLoss?.amount).toBe('0.012');
  const alerts = audit.events.filter((e) => e.type === 'alert');
  expect(alerts.map((e) => e.data?.severity)).toEqual(['warning']);
});

test('a transient failure of the re-size returns the signal to the queue; the redelivery adopts the filled reduce and re-sizes once', async () => {
  const { paper, exchange, clock, executor, reduce, resting, held } = await setup(ladder);
  const sends: string[] = [];
  let failStop = true;
  exchange.current = Object.assign(Object.create(paper) as ExchangePort, {
    createOrder: (request: OrderRequest) => {
      sends.push(`${request.type}:${request.amount}`);
      if (request.type === 'stop_market' && failStop) return Promise.reject(new TransientError('exchange timeout'));
      return paper.createOrder(request);
    },
  });
  const signal = reduce('sreduceretry', 0.008);

  // the sender's look-ups find no stop and the send stays unclear: the message goes back to the queue
  await expect(executor.execute(signal)).rejects.toThrow(AmbiguousOrderError);
  expect((await resting('stop_market')).map((o) => o.amount)).toEqual(['0.02']); // the old stop still rests
  failStop = false;
  clock.t += LEASE_MS + 1;
  expect((await executor.execute(signal)).status).toBe('executed');

  expect(sends.filter((s) => s.startsWith('market:'))).toEqual(['market:0.008']);
  expect((await held())?.quantity).toBe('0.012');
  expect((await resting('stop_market')).map((o) => o.amount)).toEqual(['0.012']);
  expect((await held())?.stopLoss?.clientOrderId).toBe((await resting('stop_market'))[0]?.clientOrderId);
});
