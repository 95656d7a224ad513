// EntrySizer: the float shortcut gives exactly what the executor's sizing rule (sizeAtFill, exact
// decimals) gives, on random inputs and on inputs built to sit on lot boundaries; plus the cap of
// margin and fee within the equity after the close leg.
import { EntrySizer, marketFromConfig } from '../../../../shared/core/backtest/entry-sizing';
import type { BacktestConfig, SizingMode } from '../../../../shared/core/backtest/types';
import { config, random } from './helpers';

const STEPS = [1, 0.1, 0.001, 0.00001, 5, 0.25];
const SIZES: SizingMode[] = [
  { kind: 'percent', value: 100 },
  { kind: 'percent', value: 10 },
  { kind: 'percent', value: 37.5 },
  { kind: 'quote', value: 250 },
  { kind: 'contracts', value: 3 },
  { kind: 'contracts', value: 0.7 },
  { kind: 'risk', value: 1 },
  { kind: 'risk', value: 2.5 },
];

function randomCase(rnd: () => number): {
  cfg: BacktestConfig;
  price: number;
  equity: number;
  stop: number;
} {
  const size = SIZES[Math.floor(rnd() * SIZES.length)]!;
  const cfg = config({
    size,
    lotStep: STEPS[Math.floor(rnd() * STEPS.length)]!,
    leverage: [1, 2, 3, 10, 0.5][Math.floor(rnd() * 5)]!,
    takerFee: [0, 0.0004, 0.001][Math.floor(rnd() * 3)]!,
    minNotional: rnd() < 0.2 ? 5 : undefined,
  });
  const price = Math.exp(rnd() * 16 - 6); // 0.0025 … 22,000
  const equity = rnd() < 0.05 ? -rnd() * 100 : Math.exp(rnd() * 14);
  const stop = rnd() < 0.1 ? Number.NaN : price * (1 + (rnd() - 0.5) * 0.2);
  return { cfg, price, equity, stop };
}

describe('EntrySizer: floats only where they provably equal the exact decimals', () => {
  it("agrees with the executor's sizing rule on 10,000 random entries, deciding most of them alone", () => {
    const rnd = random(2024);
    const mismatches: string[] = [];
    let deferred = 0;
    for (let k = 0; k < 10_000; k++) {
      const { cfg, price, equity, stop } = randomCase(rnd);
      const sizer = new EntrySizer(cfg);
      const exactPath = jest.spyOn(sizer, 'exactQuantity');
      const fast = sizer.quantity(price, equity, stop);
      deferred += exactPath.mock.calls.length;
      exactPath.mockRestore();
      const exact = sizer.exactQuantity(price, equity, stop);
      if (fast !== exact)
        mismatches.push(
          JSON.stringify({
            size: cfg.size,
            lot: cfg.lotStep,
            lev: cfg.leverage,
            price,
            equity,
            stop,
            fast,
            exact,
          }),
        );
    }

    expect(mismatches).toEqual([]);
    expect(deferred).toBeLessThan(1_000);
  });

  it('agrees on entries built to land exactly on, or a hair beside, a lot boundary', () => {
    const rnd = random(7);
    const mismatches: string[] = [];
    for (let k = 0; k < 5_000; k++) {
      const lotStep = STEPS[k % STEPS.length]!;
      const price = [0.1, 3, 7.77, 100, 30_000.5][k % 5]!;
      const lots = 1 + Math.floor(rnd() * 1_000);
      const takerFee = k % 2 === 0 ? 0 : 0.0005;
      // percent 100 at 1×: the amount is the margin cap equity / (price × (1 + fee)); make it
      // lots × step (± a few ulps)
      const equity = lots * lotStep * price * (1 + takerFee) * (1 + (Math.floor(rnd() * 5) - 2) * Number.EPSILON);
      const sizer = new EntrySizer(config({ lotStep, takerFee, size: { kind: 'percent', value: 100 } }));
      const fast = sizer.quantity(price, equity, Number.NaN);
      const exact = sizer.exactQuantity(price, equity, Number.NaN);
      if (fast !== exact) mismatches.push(JSON.stringify({ lotStep, takerFee, price, lots, equity, fast, exact }));
    }

    expect(mismatches).toEqual([]);
  });

  it('caps at what the equity carries with the fee: 1000 / (100 × (1/2 + 0.001)) = 19.96 → 19.96 at lot 0.01', () => {
    const sizer = new EntrySizer(
      config({ leverage: 2, takerFee: 0.001, lotStep: 0.01, size: { kind: 'contracts', value: 50 } }),
    );

    expect(sizer.quantity(100, 1_000, Number.NaN)).toBe(19.96);
    expect(sizer.exactQuantity(100, 1_000, Number.NaN)).toBe(19.96);
    expect(sizer.affordableQuantity(100, 1_000)).toBe(19.96);
    expect(sizer.affordable(100, 1_000).toString()).toBe('19.96');
  });

  it('names why an entry is skipped', () => {
    const risk = new EntrySizer(config({ size: { kind: 'risk', value: 1 } }));
    const percent = new EntrySizer(config());

    expect(risk.quantity(100, 1_000, Number.NaN)).toBe('noStop');
    expect(risk.quantity(100, 1_000, 100)).toBe('invalidStop');
    expect(risk.exactQuantity(100, 1_000, 100)).toBe('invalidStop');
    expect(percent.quantity(100, 50, Number.NaN)).toBe('belowMinimum');
    expect(percent.quantity(100, -5, Number.NaN)).toBe('belowMinimum');
    expect(percent.exactQuantity(100, -5, Number.NaN)).toBe('belowMinimum');
  });

  it('describes the backtest market as live sizing expects it', () => {
    expect(marketFromConfig(config({ lotStep: 0.00001, minNotional: 5 }))).toMatchObject({
      amountStep: '0.00001',
      minAmount: '0.00001',
      minNotional: '5',
    });
    expect(marketFromConfig(config()).minNotional).toBe('0');
  });
});
