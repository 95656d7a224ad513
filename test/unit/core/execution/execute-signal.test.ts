// Pure parts of the executor's use case: which legs a signal implies given the live position, and
// where protective orders go.
import Big from 'big.js';
import type { ExchangePosition, MarketInfo } from '../../../../shared/core/ports/exchange';
import type { Intent, Signal } from '../../../../shared/core/signal/types';
import {
  absolutePrices,
  checkCapabilities,
  outsideBand,
  planLegs,
} from '../../../../shared/core/execution/execute-signal';
import type { ExchangeCapabilities, ExchangePort } from '../../../../shared/core/ports/exchange';
import { triggerPrice } from '../../../../shared/core/execution/protection';

const market: MarketInfo = {
  symbol: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  contractSize: '1',
  amountStep: '0.001',
  priceStep: '0.1',
  minAmount: '0.001',
  minNotional: '100',
  maxLeverage: 125,
};
const okxLike: MarketInfo = { ...market, contractSize: '0.01', amountStep: '0.01' };
const signal = (intent: Intent, extra: Partial<Signal> = {}): Signal => ({
  v: 1,
  signalId: 's',
  accountId: 'a',
  intent,
  symbol: { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
  receivedAt: 0,
  source: 'webhook',
  ...extra,
});
const pos = (side: 'long' | 'short', quantity = '0.5'): ExchangePosition => ({
  symbol: 'BTC/USDT:USDT',
  side,
  quantity,
  entryPrice: '50000',
  leverage: 2,
  unrealizedPnl: '0',
});
const brief = (legs: ReturnType<typeof planLegs>) =>
  legs.map((l) => `${l.leg}:${l.side}:${l.reduceOnly ? 'ro' : 'open'}:${l.amount ?? 'sized'}:${l.exitReason}`);

test.each([
  ['enter_long', undefined, ['open:buy:open:sized:signal']],
  ['enter_long', pos('long'), ['open:buy:open:sized:signal']],
  ['enter_long', pos('short'), ['close:buy:ro:0.5:reverse', 'open:buy:open:sized:signal']],
  ['enter_short', undefined, ['open:sell:open:sized:signal']],
  ['enter_short', pos('long'), ['close:sell:ro:0.5:reverse', 'open:sell:open:sized:signal']],
  ['close_long', pos('long'), ['close:sell:ro:0.5:signal']],
  ['close_long', pos('short'), []],
  ['close_long', undefined, []],
  ['close_short', pos('short'), ['close:buy:ro:0.5:signal']],
  ['close_short', pos('long'), []],
  ['close_all', pos('long'), ['close:sell:ro:0.5:signal']],
  ['close_all', pos('short'), ['close:buy:ro:0.5:signal']],
  ['close_all', undefined, []],
] as const)('%s with live position %j → %j', (intent, live, expected) => {
  expect(brief(planLegs(signal(intent), live, market))).toEqual(expected);
});

test('a partial exit closes the requested contracts, rounded down, never more than held', () => {
  expect(
    brief(planLegs(signal('reduce_long', { size: { kind: 'contracts', value: 0.2345 } }), pos('long'), market)),
  ).toEqual(['reduce:sell:ro:0.234:signal']);
  expect(
    brief(planLegs(signal('reduce_long', { size: { kind: 'contracts', value: 9 } }), pos('long'), market)),
  ).toEqual(['reduce:sell:ro:0.5:signal']);
  expect(
    brief(planLegs(signal('reduce_short', { size: { kind: 'contracts', value: 0.1 } }), pos('long'), market)),
  ).toEqual([]);
});

test('a size in contracts is base units as TradingView counts them, also on contract-sized markets (OKX)', () => {
  // 0.07 BTC to close, rounded down to the 0.01 step; the adapter turns it into 7 OKX contracts
  expect(
    brief(planLegs(signal('reduce_short', { size: { kind: 'contracts', value: 0.079 } }), pos('short', '1'), okxLike)),
  ).toEqual(['reduce:buy:ro:0.07:signal']);
});

test.each([
  ['sl', 'long', { kind: 'percent', value: 2 }, '49000'],
  ['tp', 'long', { kind: 'percent', value: 4 }, '52000'],
  ['sl', 'short', { kind: 'percent', value: 2 }, '51000'],
  ['tp', 'short', { kind: 'percent', value: 4 }, '48000'],
  ['sl', 'long', { kind: 'price', value: 48123.456 }, '48123.5'],
] as const)('%s for a %s at 50,000 with %j → %s', (leg, side, level, expected) => {
  expect(triggerPrice(level, leg, side, new Big(50000), '0.1')).toBe(expected);
});

describe('checkCapabilities: entries an exchange cannot carry out safely are refused before anything is sent', () => {
  const futures: ExchangeCapabilities = {
    derivatives: true,
    conditionalOrders: true,
    trailingStop: true,
    linkedProtection: false,
  };
  const exchange = (caps: Partial<ExchangeCapabilities>, id = 'x') =>
    ({ exchangeId: id, capabilities: { ...futures, ...caps } }) as unknown as ExchangePort;
  const codeOf = (fn: () => void) => {
    try {
      fn();
      return 'ok';
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };
  const pct = (value: number) => ({ kind: 'percent' as const, value });

  it.each([
    ['a short on spot', signal('enter_short'), { derivatives: false }, 'SPOT_LONG_ONLY'],
    [
      'a stop where none can rest',
      signal('enter_long', { sl: pct(2) }),
      { conditionalOrders: false },
      'PROTECTION_UNSUPPORTED',
    ],
    [
      'a take-profit ladder on whole-position protective orders',
      signal('enter_long', {
        tp: pct(2),
        tpLevels: [
          { level: pct(2), sharePct: 50 },
          { level: pct(4), sharePct: 50 },
        ],
      }),
      { sizedProtection: false },
      'LADDER_UNSUPPORTED',
    ],
    [
      'break-even on whole-position protective orders',
      signal('enter_long', { tp: pct(2), breakEven: true }),
      { sizedProtection: false },
      'LADDER_UNSUPPORTED',
    ],
  ] as const)('refuses %s', (_name, s, caps, code) => {
    expect(codeOf(() => checkCapabilities(s, exchange(caps)))).toBe(code);
  });

  it('lets through what the exchange can do: a long with a ladder on futures, limit entries with a stop, a plain spot long', () => {
    expect(
      codeOf(() =>
        checkCapabilities(
          signal('enter_long', {
            tp: pct(2),
            tpLevels: [
              { level: pct(2), sharePct: 50 },
              { level: pct(4), sharePct: 50 },
            ],
            breakEven: true,
          }),
          exchange({}),
        ),
      ),
    ).toBe('ok');
    expect(
      codeOf(() =>
        checkCapabilities(
          signal('enter_long', { sl: pct(2), order: { type: 'limit', limit: pct(0.1), timeInForce: 'IOC' } }),
          exchange({}),
        ),
      ),
    ).toBe('ok');
    // a resting limit entry keeps its stop until it fills; the risk-check job arms it then
    expect(
      codeOf(() =>
        checkCapabilities(
          signal('enter_long', { sl: pct(2), order: { type: 'limit', limit: pct(0.1), timeInForce: 'GTC' } }),
          exchange({}),
        ),
      ),
    ).toBe('ok');
    expect(
      codeOf(() =>
        checkCapabilities(
          signal('enter_long'),
          exchange({ derivatives: false, conditionalOrders: false, trailingStop: false }),
        ),
      ),
    ).toBe('ok');
    // no native trailing stop: a plain stop stands in, moved by the risk-check job
    expect(
      codeOf(() => checkCapabilities(signal('enter_long', { trailPct: 1 }), exchange({ trailingStop: false }))),
    ).toBe('ok');
  });
});

describe('price band: absolute prices of an entry within the last price ÷/× the factor', () => {
  const price = (value: number) => ({ kind: 'price' as const, value });
  const pct = (value: number) => ({ kind: 'percent' as const, value });

  test('every absolute price is named; percent levels are relative to the market and not listed', () => {
    const s = signal('enter_long', {
      signalPrice: 50_000,
      order: { type: 'limit', limit: price(49_000) },
      sl: price(48_000),
      tp: pct(2),
      tpLevels: [
        { level: pct(1), sharePct: 50 },
        { level: price(55_000), sharePct: 50 },
      ],
    });
    expect(absolutePrices(s)).toEqual([
      { field: 'price', value: 50_000 },
      { field: 'limit', value: 49_000 },
      { field: 'sl', value: 48_000 },
      { field: 'tp level 2', value: 55_000 },
    ]);
  });

  test('the bounds themselves pass; just outside, the first offending field is refused with the band', () => {
    expect(
      outsideBand(
        [
          { field: 'sl', value: 5_000 },
          { field: 'tp', value: 500_000 },
        ],
        50_000,
        10,
      ),
    ).toBeUndefined();
    const refusal = outsideBand(
      [
        { field: 'price', value: 50_000 },
        { field: 'tp', value: 500_001 },
      ],
      50_000,
      10,
    );
    expect(refusal).toMatchObject({
      code: 'PRICE_OUT_OF_BAND',
      retryable: false,
      details: { field: 'tp', value: '500001', low: 5_000, high: 500_000, last: 50_000 },
    });
    expect(refusal?.message).toBe(
      'tp 500001 is outside the band 5000–500000 (10× either side of the last price 50000; execution.priceBandFactor)',
    );
  });

  test('a value that is not a finite number is outside any band; its text, not the number, goes to the audit', () => {
    expect(outsideBand([{ field: 'price', value: Number.POSITIVE_INFINITY }], 50_000, 10)?.details).toMatchObject({
      value: 'Infinity',
    });
    expect(outsideBand([{ field: 'price', value: 1e308 }], 50_000, 10)?.details).toMatchObject({ value: '1e+308' });
  });
});
