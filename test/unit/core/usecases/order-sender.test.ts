// OrderSender: exactly-once placement of one leg against a scripted exchange (no network).
import { AmbiguousOrderError, SignalRejectedError, TransientError } from '../../../../shared/core/errors';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import { DuplicateClientOrderIdError, type ExchangeOrder, type ExchangePort } from '../../../../shared/core/ports/exchange';
import type { AuditLog } from '../../../../shared/core/ports/repositories';
import { OrderSender } from '../../../../shared/core/usecases/order-sender';
import { MemoryOrders } from '../memory-repos';

const audit: AuditLog = { append: jest.fn(async () => undefined), listByAccount: jest.fn(async () => []) };

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
  fee: 0.25,
  feeCurrency: 'USDT',
  timestamp: 2,
  ...over,
});

function exchange(overrides: Partial<ExchangePort>): ExchangePort {
  const unexpected = (name: string) => jest.fn(async () => { throw new Error(`unexpected ${name}`); });
  return {
    exchangeId: 'fake',
    loadMarket: unexpected('loadMarket'),
    fetchPrice: unexpected('fetchPrice'),
    fetchBalance: unexpected('fetchBalance'),
    fetchPosition: unexpected('fetchPosition'),
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
  orders = new MemoryOrders();
  sleeps = [];
  sender = new OrderSender({ orders, audit, clock: { now: () => 10 }, lookupBackoffMs: [100, 200, 400], sleep: async (ms) => void sleeps.push(ms) });
});

test('records the intent before sending, then the fill', async () => {
  const seenAtSend: (OrderRecord | undefined)[] = [];
  const ex = exchange({ createOrder: jest.fn(async (req) => { seenAtSend.push(orders.rows.get(req.clientOrderId)); return filled(); }) });

  const result = await sender.place(ex, intent());

  expect(seenAtSend[0]?.status).toBe('intent');
  expect(result.kind).toBe('filled');
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({ status: 'filled', filled: '0.01', averagePrice: '50000', fee: 0.25, exchangeOrderId: 'ex-1' });
});

test('case 11: a timeout after the exchange accepted: found by client id on look-up, never resent', async () => {
  const createOrder = jest.fn(async () => { throw new Error('ETIMEDOUT'); });
  const fetchOrderByClientId = jest.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce(filled());
  // first look-up says absent → one resend (same id) that times out again → second look-up finds it
  const ex = exchange({ createOrder, fetchOrderByClientId });

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('filled');
  expect(createOrder).toHaveBeenCalledTimes(2);
  expect(createOrder.mock.calls.map((c) => (c as unknown as [{ clientOrderId: string }])[0].clientOrderId)).toEqual([intent().clientOrderId, intent().clientOrderId]);
  expect(sleeps).toEqual([100, 200]);
});

test('case 11: confirmed absent after an ambiguous send → resent once with the same client id', async () => {
  const createOrder = jest.fn().mockRejectedValueOnce(new Error('503 Service Unavailable')).mockResolvedValueOnce(filled());
  const ex = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) });

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('filled');
  expect(createOrder).toHaveBeenCalledTimes(2);
  expect((createOrder.mock.calls[1] as [{ clientOrderId: string }])[0].clientOrderId).toBe(intent().clientOrderId);
});

test('case 11: when look-ups keep failing the outcome stays unknown: AmbiguousOrderError (retryable), intent kept', async () => {
  const createOrder = jest.fn(async () => { throw new Error('ECONNRESET'); });
  const ex = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => { throw new Error('ECONNRESET'); }) });

  const error = await sender.place(ex, intent()).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(AmbiguousOrderError);
  expect((error as AmbiguousOrderError).retryable).toBe(true);
  expect(createOrder).toHaveBeenCalledTimes(1); // never resent without a confirmed absence
  expect(orders.rows.get(intent().clientOrderId)?.status).toBe('intent');
});

test('case 22: a duplicate client id adopts the existing order', async () => {
  const ex = exchange({ createOrder: jest.fn(async () => { throw new DuplicateClientOrderIdError('x'); }), fetchOrderByClientId: jest.fn(async () => filled({ id: 'ex-existing' })) });

  const result = await sender.place(ex, intent());

  expect(result.kind).toBe('filled');
  expect(orders.rows.get(intent().clientOrderId)?.exchangeOrderId).toBe('ex-existing');
});

test('a duplicate the exchange then cannot find is transient, not a new order', async () => {
  const createOrder = jest.fn(async () => { throw new DuplicateClientOrderIdError('x'); });
  const ex = exchange({ createOrder, fetchOrderByClientId: jest.fn(async () => undefined) });

  await expect(sender.place(ex, intent())).rejects.toBeInstanceOf(TransientError);
  expect(createOrder).toHaveBeenCalledTimes(1);
});

test('a terminal rejection is recorded on the order and propagates', async () => {
  const ex = exchange({ createOrder: jest.fn(async () => { throw new SignalRejectedError('insufficient margin: required 100, available 5', 'INSUFFICIENT_MARGIN'); }) });

  await expect(sender.place(ex, intent())).rejects.toMatchObject({ code: 'INSUFFICIENT_MARGIN' });
  expect(orders.rows.get(intent().clientOrderId)).toMatchObject({ status: 'rejected', error: 'insufficient margin: required 100, available 5' });
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
  const present = exchange({ createOrder: neverCreate, fetchOrderByClientId: jest.fn(async () => filled({ clientOrderId: other.clientOrderId })) });
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
  const ex = exchange({ createOrder: jest.fn(async () => filled({ status: 'open', filled: '0', type: 'stop_market', average: undefined })) });

  const result = await sender.place(ex, intent({ type: 'stop_market', triggerPrice: '49000', reduceOnly: true, side: 'sell' }));

  expect(result.kind).toBe('resting');
  expect(orders.rows.get(intent().clientOrderId)?.status).toBe('open');
});
