// `exchange smoke`: a first real contact with an exchange's testnet/demo, step by step, leaving
// nothing open. It places a limit buy far below the market (it cannot fill) and a stop far above
// it (it cannot trigger), finds both by our client ids, cancels both, confirms them gone, reads
// the fills, the position mode and the position's leverage. Every step reports pass or fail with
// its reason; a failure does not stop the clean-up, which cancels whatever this run placed.
import { Big, floorToStep, roundToStep } from '../../core/domain/money';
import { AdapterError, SignalRejectedError } from '../../core/errors';
import type { ExchangeOrder, MarketInfo, OrderLookup } from '../../core/ports/exchange';
import type { CcxtExchangeAdapter } from './ccxt-exchange';

export interface SmokeStep {
  step: string;
  ok: boolean;
  detail: string;
}

export interface SmokeOptions {
  symbol: string;
  /** client ids of this run: unique, so an earlier run's orders cannot be taken for this one's */
  runId: string;
  now: () => number;
}

/** How far from the market the resting orders sit: a limit at half the price, a stop at double. */
const LIMIT_FACTOR = '0.5';
const STOP_FACTOR = '2';

export async function runSmokeCheck(adapter: CcxtExchangeAdapter, options: SmokeOptions): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  const started = options.now();
  const limitId = `smk${options.runId}l`;
  const stopId = `smk${options.runId}s`;
  const placed: { id: string; lookup: OrderLookup }[] = [];

  const step = async <T>(
    name: string,
    run: () => Promise<T>,
    describe: (value: T) => string,
  ): Promise<T | undefined> => {
    try {
      const value = await run();
      steps.push({ step: name, ok: true, detail: describe(value) });
      return value;
    } catch (error) {
      steps.push({ step: name, ok: false, detail: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };

  try {
    const market = await step(
      'load market',
      () => adapter.loadMarket(options.symbol),
      (m) => `${m.symbol}: step ${m.amountStep}, tick ${m.priceStep}, min notional ${m.minNotional}`,
    );
    const quote = await step(
      'read price',
      () => adapter.fetchPrice(options.symbol),
      (q) => `last ${q.last}`,
    );
    if (!market || !quote) return steps;
    const limitPrice = roundToStep(new Big(quote.last).times(LIMIT_FACTOR), market.priceStep);
    const amount = smallestAmount(market, limitPrice);

    const limit = await step(
      'place far limit buy',
      async () => {
        const order = await adapter.createOrder({
          symbol: options.symbol,
          side: 'buy',
          type: 'limit',
          price: limitPrice.toString(),
          timeInForce: 'GTC',
          amount,
          reduceOnly: false,
          clientOrderId: limitId,
        });
        placed.push({ id: limitId, lookup: {} });
        return order;
      },
      (o) => `${amount} at ${limitPrice.toString()}: ${describeOrder(o)}`,
    );
    if (adapter.capabilities.conditionalOrders) {
      const trigger = roundToStep(new Big(quote.last).times(STOP_FACTOR), market.priceStep);
      await step(
        'place far stop',
        async () => {
          const order = await adapter.createOrder({
            symbol: options.symbol,
            side: 'buy',
            type: 'stop_market',
            triggerPrice: trigger.toString(),
            amount,
            reduceOnly: false,
            clientOrderId: stopId,
          });
          placed.push({ id: stopId, lookup: { conditional: true } });
          return order;
        },
        (o) => `${amount} triggered at ${trigger.toString()}: ${describeOrder(o)}`,
      );
    } else {
      steps.push({
        step: 'place far stop',
        ok: true,
        detail: `${adapter.exchangeId} rests no stop orders: skipped (stops are watched by the risk check)`,
      });
    }

    for (const order of [...placed]) {
      await step(
        `look up ${order.id} by client id`,
        async () => found(await adapter.fetchOrderByClientId(options.symbol, order.id, order.lookup), order.id),
        describeOrder,
      );
    }
    if (limit) {
      const open = await step(
        'list open orders',
        () => adapter.fetchOpenOrders(options.symbol),
        (orders) => `${orders.length} open`,
      );
      if (open && !open.some((o) => o.clientOrderId === limitId))
        steps.push({
          step: 'open orders include the limit',
          ok: false,
          detail: `${limitId} is not among the open orders`,
        });
    }
    for (const order of [...placed]) {
      await step(
        `cancel ${order.id}`,
        async () => adapter.cancelOrder(options.symbol, order.id, order.lookup),
        () => 'cancelled',
      );
      await step(
        `${order.id} is gone`,
        async () => gone(await adapter.fetchOrderByClientId(options.symbol, order.id, order.lookup), order.id),
        (d) => d,
      );
      placed.splice(placed.indexOf(order), 1);
    }
    if (adapter.fetchMyTrades) {
      const fetchMyTrades = adapter.fetchMyTrades.bind(adapter);
      await step(
        'read fills',
        // Upbit lists fills only inside orders (already read with each order above): not a failure.
        () =>
          fetchMyTrades(options.symbol, started - 60_000).catch((error: unknown) =>
            error instanceof SignalRejectedError && error.code === 'TRADES_UNSUPPORTED'
              ? undefined
              : Promise.reject(error),
          ),
        (fills) =>
          fills
            ? `${fills.length} fill(s) since the run started`
            : `${adapter.exchangeId} lists fills only inside orders: skipped`,
      );
    }
    if (adapter.capabilities.derivatives) {
      await step(
        'position mode',
        () => adapter.positionMode(),
        (mode) => (mode === 'one-way' ? 'one-way' : 'hedge mode: the system needs one-way (account add switches it)'),
      );
      await step(
        'position and leverage',
        () => adapter.fetchPosition(options.symbol),
        (p) => (p ? `${p.side} ${p.quantity} at ${p.leverage}x` : 'flat'),
      );
    }
    return steps;
  } finally {
    // Whatever this run placed and did not see cancelled: cancel it, and say so.
    for (const order of placed) {
      await step(
        `clean up ${order.id}`,
        async () => adapter.cancelOrder(options.symbol, order.id, order.lookup),
        () => 'cancelled',
      );
    }
  }
}

/** The least amount worth an order: the market's minimum, or the minimum notional at the limit price, on the step. */
function smallestAmount(market: MarketInfo, price: Big): string {
  const step = new Big(market.amountStep);
  const byNotional = new Big(market.minNotional).gt(0)
    ? new Big(market.minNotional).div(price).times('1.05')
    : new Big(0);
  const wanted = byNotional.gt(market.minAmount) ? byNotional : new Big(market.minAmount);
  return floorToStep(wanted.plus(step), market.amountStep).toString();
}

function found(order: ExchangeOrder | undefined, id: string): ExchangeOrder {
  if (!order) throw new AdapterError(`${id} was not found by its client id`, 'SMOKE_CHECK', false);
  if (order.status !== 'open') throw new AdapterError(`${id} is ${order.status}, expected open`, 'SMOKE_CHECK', false);
  return order;
}

function gone(order: ExchangeOrder | undefined, id: string): string {
  if (!order) return 'absent';
  if (order.status === 'open') throw new AdapterError(`${id} is still open after the cancel`, 'SMOKE_CHECK', false);
  return order.status;
}

function describeOrder(order: ExchangeOrder): string {
  return `${order.type} ${order.side} ${order.amount} ${order.status} (exchange id ${order.id})`;
}
