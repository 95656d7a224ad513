// The executor's TWAP (twapSlice, exact decimals, docs/EXECUTION-ALGOS.md "Sizing") and the
// backtest's (twapLots, integer lots in its hot loop, "Backtest › How much") both apply
// twapShareLots. This table pins them to the same slice amounts, slice by slice, over totals, slice
// counts, steps, minimum amounts and notionals, so a change to either side's conversion shows here.
import { twapLots } from '../../../../../shared/core/backtest/slicing';
import { Big } from '../../../../../shared/core/domain/money';
import { twapSlice } from '../../../../../shared/core/execution/algo/slice-sizing';

interface Case {
  total: string;
  slices: number;
  step: string;
  minNotional: number;
  price: number;
  /** the slice amounts both must send */
  expected: string[];
}

const cases: Case[] = [
  { total: '10', slices: 4, step: '1', minNotional: 0, price: 100, expected: ['2', '2', '3', '3'] },
  {
    total: '0.04',
    slices: 4,
    step: '0.001',
    minNotional: 0,
    price: 50_000,
    expected: ['0.01', '0.01', '0.01', '0.01'],
  },
  {
    total: '0.043',
    slices: 4,
    step: '0.001',
    minNotional: 0,
    price: 50_000,
    expected: ['0.01', '0.011', '0.011', '0.011'],
  },
  // a share below the minimum notional (5 USDT = 0.0001 BTC at 50,000 is 2 steps of 0.00005): everything at once
  { total: '0.00015', slices: 3, step: '0.00005', minNotional: 5, price: 50_000, expected: ['0.00015'] },
  // the share clears the minimum: the rest is sliced, the last takes it
  { total: '13', slices: 3, step: '1', minNotional: 250, price: 100, expected: ['4', '4', '5'] },
  // 10 over 4 with a minimum of 3 lots: ⌊10 / 4⌋ = 2 < 3, everything at once
  { total: '10', slices: 4, step: '1', minNotional: 250, price: 100, expected: ['10'] },
  { total: '7', slices: 10, step: '1', minNotional: 0, price: 1, expected: ['7'] },
  { total: '100', slices: 3, step: '0.5', minNotional: 0, price: 2, expected: ['33', '33.5', '33.5'] },
];

/** The executor's sequence: each child sized on what filled so far (here: everything it sent). */
function executorSlices(c: Case): string[] {
  const market = { amountStep: c.step, minAmount: c.step, minNotional: String(c.minNotional) };
  const out: string[] = [];
  let filled = new Big(0);
  for (let index = 0; index < c.slices; index++) {
    const size = twapSlice(
      { totalAmount: c.total, filledAmount: filled.toString(), slices: c.slices },
      index,
      market,
      c.price,
    );
    if (new Big(size.amount).lte(0)) break;
    out.push(size.amount);
    filled = filled.plus(size.amount);
    if (size.last) break;
  }
  return out;
}

/** The backtest's sequence: one slice due per candle; its minimum as Simulation.minLotsAt computes it. */
function backtestSlices(c: Case): string[] {
  const step = Number(c.step);
  const minLots = c.minNotional > 0 ? Math.max(1, Math.ceil(c.minNotional / (c.price * step))) : 1;
  let remaining = Number(new Big(c.total).div(c.step));
  const out: string[] = [];
  for (let left = c.slices; left > 0 && remaining > 0; left--) {
    const lots = twapLots(remaining, left, 1, minLots);
    out.push(new Big(c.step).times(lots).toString());
    remaining -= lots;
  }
  return out;
}

test.each(cases)('$total over $slices slices, step $step, min notional $minNotional at $price', (c) => {
  expect(executorSlices(c)).toEqual(c.expected);
  expect(backtestSlices(c)).toEqual(c.expected);
});
