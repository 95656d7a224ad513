// OrderSender: exactly-once placement of one leg against a scripted exchange (no network).
import { AmbiguousOrderError, SignalRejectedError, TransientError } from '../../../../shared/core/errors';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import {
  DuplicateClientOrderIdError,
  type ExchangeOrder,
  type ExchangePort,
  type ExchangeTrade,
} from '../../../../shared/core/ports/exchange';
import type { AuditEvent } from '../../../../shared/core/domain/audit';
import type { AuditLog } from '../../../../shared/core/ports/repositories';
import { OrderSender } from '../../../../shared/core/execution/order-sender';
import { MemoryOrders } from '../memory-repos';

let events: AuditEvent[] = [];
const audit: AuditLog = {
  append: jest.fn(async (e: AuditEvent) => void events.push(e)),
  listByAccount: jest.fn(async () => []),
};

const intent = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  accountId: 'acc-1',
  clientOrderId: 'tclient0000000000000000000000001',
  signalId: 's1',
  leg: 'open',
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'market',
  reduceOnly: false,
  amount: '0.01',
  status: 'intent',
  positionBefore: '0',
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

const filled = (over: Partial<ExchangeOrder> = {}): ExchangeOrder => ({
  id: 'ex-1',
  clientOrderId: 'tclient0000000000000000000000001',
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'market',
  status: 'closed',
  amount: '0.01',
  filled: '0.01',
  average: '50000',
  reduceOnly: false,
  fee: '0.25',
  feeCurrency: 'USDT',
  timestamp: 2,
  ...over,
});

function exchange(overrides: Partial<ExchangePort>): ExchangePort {
  const unexpected = (name: string) =>
    jest.fn(async () => {
      throw new Error(`unexpected ${name}`);
    });
  return {
    exchangeId: 'fake',
    loadMarket: unexpected('loadMarket'),
    fetchPrice: unexpected('fetchPrice'),
    fetchBalance: unexpected('fetchBalance'),
    // flat unless a test says otherwise: the absence proof's position read
    fetchPosition: jest.fn(async () => undefined),
    fetchPositions: unexpected('fetchPositions'),
    setLeverage: unexpected('setLeverage'),
    createOrder: unexpected('createOrder'),
    fetchOrderByClientId: unexpected('fetchOrderByClientId'),
    fetchOpenOrders: unexpected('fetchOpenOrders'),
    cancelOrder: unexpected('cancelOrder'),
    ...overrides,
  } as ExchangePort;
}

let orders: MemoryOrders;
let sleeps: number[];
let sender: OrderSender;
beforeEach(() => {
  events = [];
  orders = new MemoryOrders();
  sleeps = [];
  sender = new OrderSender({
    orders,
    audit,
    clock: { now: () => 10 },
    lookupBackoffMs: [100, 200, 400],
    sleep: async (ms) => void sleeps.push(ms),
  });
});

test('records the intent before sending, then the fill', async () => {
  const seenAtSend: (OrderRecord | undefined)[] = [];
  const ex = exchange({
    createOrder: jest.fn(async (req) => {
      seenAtSend.push(orders.rows.get(req.clientOrderId));
      return filled();
    }),
  });

  const result = await sender.place(ex, intent());

  expect(seenAtSend[0]?.status).toBe('intent');
  expect(result.kind).toBe('filled');
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({
    status: 'filled',
    filled: '0.01',
    averagePrice: '50000',
    fee: '0.25',
    exchangeOrderId: 'ex-1',
  });
});

test('case 11: a timeout after the exchange accepted: found by client id on look-up, never resent', async () => {
  const createOrder = jest.fn(async () => {
    throw new Error('ETIMEDOUT');
  });
  const fetchOrderByClientId = jest.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce(filled());
  // first look-up says absent → one resend (same id) that times out again → second look-up finds it
  const ex = exchange({ createOrder, fetchOrderByClientId });

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('filled');
  expect(createOrder).toHaveBeenCalledTimes(2);
  expect(createOrder.mock.calls.map((c) => (c as unknown as [{ clientOrderId: string }])[0].clientOrderId)).toEqual([
    intent().clientOrderId,
    intent().clientOrderId,
  ]);
  expect(sleeps).toEqual([100, 200]);
});

test('case 11: confirmed absent after an ambiguous send → resent once with the same client id', async () => {
  const createOrder = jest
    .fn()
    .mockRejectedValueOnce(new Error('503 Service Unavailable'))
    .mockResolvedValueOnce(filled());
  const ex = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) });

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('filled');
  expect(createOrder).toHaveBeenCalledTimes(2);
  expect((createOrder.mock.calls[1] as [{ clientOrderId: string }])[0].clientOrderId).toBe(intent().clientOrderId);
});

test('case 11: when look-ups keep failing the outcome stays unknown: AmbiguousOrderError (retryable), intent kept', async () => {
  const createOrder = jest.fn(async () => {
    throw new Error('ECONNRESET');
  });
  const ex = exchange({
    createOrder,
    fetchOrderByClientId: jest.fn(async () => {
      throw new Error('ECONNRESET');
    }),
  });

  const error = await sender.place(ex, intent()).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(AmbiguousOrderError);
  expect((error as AmbiguousOrderError).retryable).toBe(true);
  expect(createOrder).toHaveBeenCalledTimes(1); // never resent without a confirmed absence
  expect(orders.rows.get(intent().clientOrderId)?.status).toBe('intent');
});

test('case 22: a duplicate client id adopts the existing order', async () => {
  const ex = exchange({
    createOrder: jest.fn(async () => {
      throw new DuplicateClientOrderIdError('x');
    }),
    fetchOrderByClientId: jest.fn(async () => filled({ id: 'ex-existing' })),
  });

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('filled');
  expect(orders.rows.get(intent().clientOrderId)?.exchangeOrderId).toBe('ex-existing');
});

test('a duplicate the exchange then cannot find is transient, not a new order', async () => {
  const createOrder = jest.fn(async () => {
    throw new DuplicateClientOrderIdError('x');
  });
  const ex = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) });

  await expect(sender.place(ex, intent())).rejects.toBeInstanceOf(TransientError);
  expect(createOrder).toHaveBeenCalledTimes(1);
});

test('a terminal rejection is recorded on the order and propagates', async () => {
  const ex = exchange({
    createOrder: jest.fn(async () => {
      throw new SignalRejectedError('insufficient margin: required 100, available 5', 'INSUFFICIENT_MARGIN');
    }),
  });

  await expect(sender.place(ex, intent())).rejects.toMatchObject({ code: 'INSUFFICIENT_MARGIN' });
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({
    status: 'rejected',
    error: 'insufficient margin: required 100, available 5',
  });
});

test('cases 10/13: an existing intent is looked up first; absent → sent once; present → adopted', async () => {
  await orders.putIntent(intent());
  const createOrder = jest.fn(async () => filled());
  const absent = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) });
  await sender.place(absent, intent());
  expect(createOrder).toHaveBeenCalledTimes(1);

  const other = intent({ clientOrderId: 'tclient0000000000000000000000002' });
  await orders.putIntent(other);
  const neverCreate = jest.fn();
  const present = exchange({
    createOrder: neverCreate,
    fetchOrderByClientId: jest.fn(async () => filled({ clientOrderId: other.clientOrderId })),
  });
  const result = await sender.place(present, other);
  expect(neverCreate).not.toHaveBeenCalled();
  expect(result.kind).toBe('filled');
});

test('an order already booked is not touched again', async () => {
  await orders.putIntent(intent({ status: 'filled', bookedAt: 5 }));
  const ex = exchange({});

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('already-booked');
});

test('a resting conditional order is reported as resting', async () => {
  const ex = exchange({
    createOrder: jest.fn(async () => filled({ status: 'open', filled: '0', type: 'stop_market', average: undefined })),
  });

  const result = await sender.place(
    ex,
    intent({ type: 'stop_market', triggerPrice: '49000', reduceOnly: true, side: 'sell' }),
  );

  expect(result.kind).toBe('resting');
  expect(orders.rows.get(intent().clientOrderId)?.status).toBe('open');
});

const long = (quantity: string) => ({
  symbol: 'BTC/USDT:USDT',
  side: 'long' as const,
  quantity,
  entryPrice: '50000',
  leverage: 1,
  unrealizedPnl: '0',
});
const fill = (over: Partial<ExchangeTrade> = {}): ExchangeTrade => ({
  id: 't1',
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  amount: '0.01',
  price: '50000',
  fee: '0.25',
  timestamp: 5,
  ...over,
});

test('case 5 of the final states: a resend refused for good after an unclear send marks the order failed with its event', async () => {
  const createOrder = jest
    .fn()
    .mockRejectedValueOnce(new Error('503 Service Unavailable'))
    .mockRejectedValueOnce(new SignalRejectedError('Margin is insufficient.', 'INSUFFICIENT_MARGIN'));
  const ex = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) });

  await expect(sender.place(ex, intent())).rejects.toMatchObject({ code: 'INSUFFICIENT_MARGIN' });
  expect(createOrder).toHaveBeenCalledTimes(2);
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({
    status: 'rejected',
    error: 'Margin is insufficient.',
  });
  expect(events.filter((e) => e.type === 'order.failed')).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ code: 'INSUFFICIENT_MARGIN' }) }),
  ]);
});

test('open-only uniqueness: the look-up says absent but a fill under our client id exists: not resent; the next look-up adopts it', async () => {
  const createOrder = jest.fn(async () => {
    throw new Error('ETIMEDOUT');
  });
  const fetchOrderByClientId = jest.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce(filled());
  const fetchMyTrades = jest.fn(async () => [fill({ clientOrderId: intent().clientOrderId })]);
  const ex = exchange({ createOrder, fetchOrderByClientId, fetchMyTrades });

  const result = await sender.place(ex, intent({ createdAt: 50_000 }));

  expect(createOrder).toHaveBeenCalledTimes(1);
  expect(result.kind).toBe('filled');
  expect(fetchMyTrades).toHaveBeenCalledWith('BTC/USDT:USDT', 40_000); // from the intent, less the clock-skew margin
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({ status: 'filled', filled: '0.01' });
});

test('open-only uniqueness: a fill on our side without a client id is no proof of absence either', async () => {
  const createOrder = jest.fn(async () => {
    throw new Error('ETIMEDOUT');
  });
  const ex = exchange({
    createOrder,
    fetchOrderByClientId: jest.fn(async () => undefined),
    fetchMyTrades: jest.fn(async () => [fill({ side: 'sell' }), fill({ id: 't2' })]),
  });

  await expect(sender.place(ex, intent())).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED' });
  expect(createOrder).toHaveBeenCalledTimes(1);
});

test('open-only uniqueness: the position moved since the first send and the order is never found: rejected ORDER_UNRESOLVED with a critical alert, never a second order', async () => {
  const createOrder = jest.fn(async () => {
    throw new Error('ETIMEDOUT');
  });
  const ex = exchange({
    createOrder,
    fetchOrderByClientId: jest.fn(async () => undefined),
    fetchMyTrades: jest.fn(async () => []),
    fetchPosition: jest.fn(async () => long('0.01')),
  });

  const error = await sender.place(ex, intent()).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(SignalRejectedError);
  expect(error).toMatchObject({
    code: 'ORDER_UNRESOLVED',
    message: expect.stringContaining('the position moved from 0 to 0.01'),
  });
  expect(createOrder).toHaveBeenCalledTimes(1);
  expect(sleeps).toEqual([100, 200, 400]); // every look-up was tried before giving up
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({
    status: 'rejected',
    error: expect.stringContaining('not proven absent'),
  });
  expect(events.map((e) => e.type)).toEqual(['order.intent', 'alert', 'order.failed']);
  expect(events[1]?.data).toMatchObject({ severity: 'critical', clientOrderId: intent().clientOrderId });
});

test('open-only uniqueness: fills that cannot be read are no proof: not resent', async () => {
  const createOrder = jest.fn(async () => {
    throw new Error('ETIMEDOUT');
  });
  const ex = exchange({
    createOrder,
    fetchOrderByClientId: jest.fn(async () => undefined),
    fetchMyTrades: jest.fn(async () => {
      throw new Error('HTTP 500');
    }),
  });

  await expect(sender.place(ex, intent())).rejects.toMatchObject({
    code: 'ORDER_UNRESOLVED',
    message: expect.stringContaining('could not be read (HTTP 500)'),
  });
  expect(createOrder).toHaveBeenCalledTimes(1);
});

test('proven absent (no fill since the intent, position unchanged): resent once with the same id', async () => {
  const createOrder = jest.fn().mockRejectedValueOnce(new Error('ETIMEDOUT')).mockResolvedValueOnce(filled());
  const ex = exchange({
    createOrder,
    fetchOrderByClientId: jest.fn(async () => undefined),
    fetchMyTrades: jest.fn(async () => [fill({ side: 'sell' })]),
    fetchPosition: jest.fn(async () => long('0.05')),
  });

  const result = await sender.place(ex, intent({ positionBefore: '0.05' }));

  expect(result.kind).toBe('filled');
  expect(createOrder).toHaveBeenCalledTimes(2);
});

test('the position before the first send is read and recorded with the intent when the caller gives none', async () => {
  const fetchPosition = jest.fn(async () => ({ ...long('0.3'), side: 'short' as const }));
  const createOrder = jest.fn(async () => {
    expect(orders.rows.get(intent().clientOrderId)?.positionBefore).toBe('-0.3');
    return filled();
  });
  const { positionBefore: _none, ...withoutBaseline } = intent();

  await sender.place(exchange({ createOrder, fetchPosition }), withoutBaseline);

  expect(createOrder).toHaveBeenCalledTimes(1);
  expect(fetchPosition).toHaveBeenCalledTimes(1);
});

test('an intent left by an earlier delivery without a baseline is not sent on "absent" alone', async () => {
  const { positionBefore: _none, ...legacy } = intent();
  await orders.putIntent(legacy);
  const createOrder = jest.fn();

  await expect(
    sender.place(exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) }), intent()),
  ).rejects.toMatchObject({ code: 'ORDER_UNRESOLVED' });
  expect(createOrder).not.toHaveBeenCalled();
  expect(orders.rows.get(intent().clientOrderId)?.status).toBe('rejected');
});

test('reduce-only orders cannot add exposure: "absent" on look-up is enough to resend (no fills or position read)', async () => {
  const createOrder = jest
    .fn()
    .mockRejectedValueOnce(new Error('ETIMEDOUT'))
    .mockResolvedValueOnce(filled({ side: 'sell', reduceOnly: true }));
  const fetchMyTrades = jest.fn();
  const fetchPosition = jest.fn();
  const { positionBefore: _none, ...close } = intent({ side: 'sell', reduceOnly: true, leg: 'close' });

  await sender.place(
    exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined), fetchMyTrades, fetchPosition }),
    close,
  );

  expect(createOrder).toHaveBeenCalledTimes(2);
  expect(fetchMyTrades).not.toHaveBeenCalled();
  expect(fetchPosition).not.toHaveBeenCalled();
});
