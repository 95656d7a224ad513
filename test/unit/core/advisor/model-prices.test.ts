// The cost of an ask: exact decimal from the price table (USD per million tokens), 0 and unpriced
// for a model the table lacks (an inherited key such as "constructor" included).
import { askCost } from '../../../../shared/core/advisor/model-prices';

const prices = { 'gpt-4o-mini': { input: '0.15', output: '0.60' } };

test('input and output tokens at their own prices, exactly (no float drift)', () => {
  // 1234 × 0.15 / 1e6 + 567 × 0.60 / 1e6 = 0.0001851 + 0.0003402
  expect(askCost(prices, 'gpt-4o-mini', 1234, 567)).toEqual({ usd: '0.0005253', priced: true });
  expect(askCost(prices, 'gpt-4o-mini', 1, 1)).toEqual({ usd: '0.00000075', priced: true });
  expect(askCost(prices, 'gpt-4o-mini', 0, 0)).toEqual({ usd: '0', priced: true });
});

test('a model without a price costs 0 and says it is unpriced', () => {
  expect(askCost(prices, 'llama3.1:8b', 5000, 5000)).toEqual({ usd: '0', priced: false });
  expect(askCost(prices, 'constructor', 5000, 5000)).toEqual({ usd: '0', priced: false });
});
