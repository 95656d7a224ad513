// sizePosition on arbitrary inputs: the amount is always a non-negative multiple of the step,
// within the margin equity can post, the market maximum and the mode's own raw amount (so the loss
// at the stop never exceeds the risk budget), and the largest such multiple. Every comparison is
// exact (Big). Invalid numbers produce a SignalRejectedError or an amount of that same shape.
import fc from 'fast-check';
import { Big } from '../../../../shared/core/domain/money';
import { SignalRejectedError } from '../../../../shared/core/errors';
import type { SizingConfig, SizingMode } from '../../../../shared/core/risk/config';
import { kellyEstimate } from '../../../../shared/core/risk/kelly';
import { sizePosition, type PositionSize, type PositionSizingInput } from '../../../../shared/core/risk/sizing';
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import type { SizeSpec } from '../../../../shared/core/signal/types';

const RUNS = 500;

/** any double in [min, max]; fast-check leans toward the bounds and other edge values */
const between = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** spread evenly over the orders of magnitude in [min, max] (realistic sizes), with the edges now and then */
const magnitude = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .integer({ min: 0, max: 1_000_000 })
        .map((k) => Math.min(Math.max(min * (max / min) ** (k / 1_000_000), min), max)),
    },
    { weight: 1, arbitrary: between(min, max) },
  );
/** a size parameter: mostly in range, sometimes 0 */
const sizeParam = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 9, arbitrary: magnitude(min, max) }, { weight: 1, arbitrary: fc.constant(0) });

const equityArb = fc.oneof(
  { weight: 5, arbitrary: magnitude(1, 1e6) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: magnitude(1e-9, 1) },
  { weight: 1, arbitrary: magnitude(1e9, 1e15) },
  { weight: 1, arbitrary: between(-1e6, -1e-9) },
);
const priceArb = magnitude(1e-6, 1e6);
const stepArb = fc.constantFrom(
  '0.000001',
  '0.00001',
  '0.0001',
  '0.001',
  '0.01',
  '0.1',
  '1',
  '10',
  '0.005',
  '25',
  '0.25',
  '0.3',
);
const maxAmountArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.constantFrom('0', '0.001', '1', '1000'),
  magnitude(1e-6, 1e6).map(String),
);
/** stop as a multiple of the price, either side */
const stopFactorArb = fc.option(fc.oneof(magnitude(0.5, 0.9999), magnitude(1.0001, 1.5)), { nil: undefined, freq: 4 });
const atrFactorArb = fc.option(magnitude(0.0001, 0.2), { nil: undefined, freq: 5 });

/** the signal's own size on one entry in four: the configured modes get the rest */
const explicitArb: fc.Arbitrary<SizeSpec | undefined> = fc.oneof(
  { weight: 9, arbitrary: fc.constant(undefined) },
  sizeParam(0.01, 200).map((value): SizeSpec => ({ kind: 'percent', value })),
  sizeParam(0.01, 1e7).map((value): SizeSpec => ({ kind: 'quote', value })),
  sizeParam(1e-6, 1e4).map((value): SizeSpec => ({ kind: 'contracts', value })),
);

const sizingArb: fc.Arbitrary<SizingConfig> = fc.record({
  mode: fc.constantFrom<SizingMode>('percent', 'quote', 'risk', 'atr', 'kelly'),
  percent: sizeParam(0.01, 200),
  quote: sizeParam(0.01, 1e6),
  riskPct: sizeParam(0.01, 10),
  atr: fc.record({ period: fc.constant(14), multiplier: magnitude(0.5, 5), riskPct: sizeParam(0.01, 10) }),
  kelly: fc.record({
    fraction: sizeParam(0.05, 1),
    emaSpan: magnitude(1, 100),
    priorTrades: sizeParam(1, 50),
    maxRiskPct: sizeParam(0.1, 10),
  }),
});

const tradeArb: fc.Arbitrary<TradeRecord> = fc
  .record({
    r: fc.oneof(
      { weight: 5, arbitrary: magnitude(0.001, 0.5) },
      { weight: 4, arbitrary: magnitude(0.001, 0.5).map((r) => -r) },
      { weight: 1, arbitrary: between(-0.5, 0.5) },
    ),
    entryPrice: fc.oneof({ weight: 9, arbitrary: magnitude(0.01, 1e5) }, { weight: 1, arbitrary: fc.constant(0) }),
    maxQuantity: magnitude(0.001, 100),
    closedAt: fc.integer({ min: 0, max: 1e9 }),
    open: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  })
  .map(({ r, entryPrice, maxQuantity, closedAt, open }) => ({
    accountId: 'acc',
    tradeId: `t${closedAt}`,
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    status: open ? 'open' : 'closed',
    leverage: 1,
    quantity: '0',
    maxQuantity: String(maxQuantity),
    entryPrice: String(entryPrice),
    exitedQuantity: String(maxQuantity),
    openedAt: closedAt - 1,
    closedAt,
    fees: '0',
    funding: '0',
    realizedPnl: String(r * entryPrice * maxQuantity),
    openSignalId: 's',
    updatedAt: closedAt,
  }));

function market(amountStep: string, maxAmount: string | undefined): MarketInfo {
  return {
    symbol: 'BTC/USDT:USDT',
    base: 'BTC',
    quote: 'USDT',
    settle: 'USDT',
    contractSize: '1',
    amountStep,
    priceStep: '0.1',
    minAmount: '0',
    minNotional: '0',
    maxLeverage: 125,
    ...(maxAmount !== undefined ? { maxAmount } : {}),
  };
}

const inputArb: fc.Arbitrary<PositionSizingInput> = fc
  .record({
    sizing: sizingArb,
    explicit: explicitArb,
    equity: equityArb,
    price: priceArb,
    leverage: fc.integer({ min: 1, max: 125 }),
    step: stepArb,
    maxAmount: maxAmountArb,
    stopFactor: stopFactorArb,
    atrFactor: atrFactorArb,
    trades: fc.array(tradeArb, { maxLength: 40 }),
  })
  .map(({ sizing, explicit, equity, price, leverage, step, maxAmount, stopFactor, atrFactor, trades }) => ({
    sizing,
    equity: String(equity),
    price,
    leverage,
    market: market(step, maxAmount),
    trades,
    ...(explicit ? { explicit } : {}),
    ...(stopFactor !== undefined ? { stopPrice: price * stopFactor } : {}),
    ...(atrFactor !== undefined ? { stats: { atr: price * atrFactor } } : {}),
  }));

/** amount ≤ numer / denom, checked as amount × denom ≤ numer */
interface Bound {
  numer: Big;
  denom: Big;
}

type Expected = { code: string } | { raw: Bound };

const big = (x: number): Big => new Big(x);

/** What the brief says each mode sizes to, written from the formulas, or the refusal it owes. */
function expected(i: PositionSizingInput): Expected {
  const equity = big(Math.max(Number(i.equity), 0));
  const price = big(i.price);
  const stop = i.stopPrice === undefined ? undefined : price.minus(i.stopPrice).abs();
  const byRisk = (riskPct: number, distance: Big): Bound => ({
    numer: equity.times(riskPct),
    denom: distance.times(100),
  });
  if (i.explicit) {
    const { kind, value } = i.explicit;
    if (kind === 'percent') return { raw: { numer: equity.times(value).times(i.leverage), denom: price.times(100) } };
    if (kind === 'quote') return { raw: { numer: big(value).times(i.leverage), denom: price } };
    return { raw: { numer: big(value), denom: big(1) } };
  }
  const { sizing } = i;
  switch (sizing.mode) {
    case 'percent':
      return { raw: { numer: equity.times(sizing.percent).times(i.leverage), denom: price.times(100) } };
    case 'quote':
      return { raw: { numer: big(sizing.quote).times(i.leverage), denom: price } };
    case 'risk':
      return stop ? { raw: byRisk(sizing.riskPct, stop) } : { code: 'NEEDS_STOP' };
    case 'atr': {
      if (i.stats?.atr === undefined) return { code: 'NO_MARKET_DATA' };
      const byAtr = big(i.stats.atr).times(sizing.atr.multiplier);
      return { raw: byRisk(sizing.atr.riskPct, stop && stop.gt(byAtr) ? stop : byAtr) };
    }
    case 'kelly': {
      const estimate = kellyEstimate(i.trades ?? [], sizing.kelly);
      if (!(estimate.riskPct > 0)) return { code: 'KELLY_NO_EDGE' };
      if (stop) return { raw: byRisk(estimate.riskPct, stop) };
      if (!(estimate.avgLossPct > 0)) return { code: 'NEEDS_STOP' };
      return { raw: byRisk(estimate.riskPct, price.times(estimate.avgLossPct).times('0.01')) };
    }
  }
}

function run(i: PositionSizingInput): PositionSize | SignalRejectedError {
  try {
    return sizePosition(i);
  } catch (error) {
    if (!(error instanceof SignalRejectedError)) throw error;
    return error;
  }
}

/** Shape every returned size has, whatever the inputs. */
function expectWellFormed(sized: PositionSize, step: Big): void {
  const { amount } = sized;
  expect(amount).toBeInstanceOf(Big);
  expect(Number.isFinite(Number(amount.toString()))).toBe(true);
  expect(amount.gte(0)).toBe(true);
  expect(amount.div(step).round(0, Big.roundDown).times(step).eq(amount)).toBe(true);
  for (const value of Object.values(sized.numbers)) {
    if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    else expect(typeof value).toBe('string');
  }
}

const within = (amount: Big, { numer, denom }: Bound): boolean => amount.times(denom).lte(numer);

describe('sizePosition: properties', () => {
  it('sizes within every cap, exactly on the step, and no more than one step below the tightest cap', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const want = expected(i);
        const got = run(i);
        if ('code' in want) {
          expect(got).toBeInstanceOf(SignalRejectedError);
          expect((got as SignalRejectedError).code).toBe(want.code);
          return;
        }
        if (got instanceof SignalRejectedError) throw new Error(`unexpected refusal ${got.code}: ${got.message}`);
        const step = new Big(i.market.amountStep);
        expectWellFormed(got, step);

        const bounds: Bound[] = [
          want.raw,
          { numer: big(Math.max(Number(i.equity), 0)).times(i.leverage), denom: big(i.price) },
        ];
        if (i.market.maxAmount !== undefined) bounds.push({ numer: new Big(i.market.maxAmount), denom: big(1) });
        // never above the raw amount (it rounds down), the margin cap or the market maximum…
        for (const bound of bounds) expect(within(got.amount, bound)).toBe(true);
        // …and one more step would break one of them: rounded down, not further
        expect(bounds.every((bound) => within(got.amount.plus(step), bound))).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('never loses more than riskPct of equity at the stop in the risk modes', () => {
    const riskInput = inputArb.filter(
      (i) => !i.explicit && i.stopPrice !== undefined && ['risk', 'atr', 'kelly'].includes(i.sizing.mode),
    );
    fc.assert(
      fc.property(riskInput, (i) => {
        const got = run(i);
        if (got instanceof SignalRejectedError) {
          expect(['NO_MARKET_DATA', 'KELLY_NO_EDGE']).toContain(got.code);
          return;
        }
        const equity = big(Math.max(Number(i.equity), 0));
        const stopDistance = big(i.price).minus(i.stopPrice!).abs();
        const lossAtStop = got.amount.times(stopDistance).times(100);
        const { sizing } = i;
        if (sizing.mode === 'risk') expect(lossAtStop.lte(equity.times(sizing.riskPct))).toBe(true);
        if (sizing.mode === 'kelly')
          expect(lossAtStop.lte(equity.times(kellyEstimate(i.trades ?? [], sizing.kelly).riskPct))).toBe(true);
        if (sizing.mode === 'atr') {
          // sized on the farther of the stop and multiplier × ATR: the loss at the real stop stays within the budget
          expect(lossAtStop.lte(equity.times(sizing.atr.riskPct))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('turns any number, NaN and infinities included, into a refusal or a well-formed amount', () => {
    const anyNumber = fc.double();
    const wild = fc
      .record({
        base: inputArb,
        equity: anyNumber,
        price: fc.oneof(priceArb, anyNumber),
        leverage: anyNumber,
        stopPrice: fc.option(anyNumber, { nil: undefined }),
        atr: fc.option(anyNumber, { nil: undefined }),
        value: anyNumber,
        riskPct: anyNumber,
      })
      .map(({ base, equity, price, leverage, stopPrice, atr, value, riskPct }): PositionSizingInput => ({
        ...base,
        equity: String(equity),
        price,
        leverage,
        sizing: {
          ...base.sizing,
          riskPct,
          percent: value,
          quote: value,
          atr: { ...base.sizing.atr, riskPct },
          kelly: { ...base.sizing.kelly, maxRiskPct: riskPct },
        },
        ...(base.explicit ? { explicit: { ...base.explicit, value } } : {}),
        ...(stopPrice !== undefined ? { stopPrice } : {}),
        ...(atr !== undefined ? { stats: { atr } } : {}),
      }));
    fc.assert(
      fc.property(wild, (i) => {
        const got = run(i);
        if (got instanceof SignalRejectedError) {
          for (const value of Object.values(got.details))
            if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
          return;
        }
        expectWellFormed(got, new Big(i.market.amountStep));
        if (
          Number.isFinite(Number(i.equity)) &&
          Number(i.equity) > 0 &&
          Number.isFinite(i.leverage) &&
          i.leverage > 0
        ) {
          expect(within(got.amount, { numer: new Big(i.equity).times(i.leverage), denom: big(i.price) })).toBe(true);
        } else {
          expect(got.amount.eq(0)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
