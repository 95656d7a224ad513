// The emulated trail's best price, as the price watcher and the risk-check job both compute it.
import { trailBest, trailSeed } from '../../../../shared/core/execution/trail-best';

const position = { tradeId: 't-2', entryPrice: '100' };

test("the seed is the stored best of the same trade, else the entry (a previous trade's mark is ignored)", () => {
  expect(trailSeed({ tradeId: 't-2', best: 120 }, position)).toBe(120);
  expect(trailSeed({ tradeId: 't-1', best: 150 }, position)).toBe(100);
  expect(trailSeed(undefined, position)).toBe(100);
});

test('the best moves only the side’s way: up for a long, down for a short', () => {
  expect(trailBest('long', { tradeId: 't-2', best: 120 }, position, 110)).toBe(120);
  expect(trailBest('long', { tradeId: 't-2', best: 120 }, position, 130)).toBe(130);
  expect(trailBest('short', { tradeId: 't-2', best: 90 }, position, 95)).toBe(90);
  expect(trailBest('short', { tradeId: 't-2', best: 90 }, position, 85)).toBe(85);
  // A short whose old mark belongs to another trade starts from its own entry.
  expect(trailBest('short', { tradeId: 't-1', best: 50 }, position, 105)).toBe(100);
});
