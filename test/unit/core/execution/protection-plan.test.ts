// planProtection: what protects a filled position, hand-computed — the stop for the whole filled
// amount, the take-profit ladder rounded down to the lot with the remainder on the last level.
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import { planProtection, protectionSpecOf } from '../../../../shared/core/execution/protection';

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
const pct = (value: number) => ({ kind: 'percent' as const, value });

test('a long of 0.007 (a partial fill) at 65,000: stop 2 % below for 0.007, targets 50 %/50 % → 0.003 + 0.004', () => {
  const plan = planProtection(
    {
      sl: pct(2),
      tps: [
        { level: pct(2), sharePct: 50 },
        { level: pct(4), sharePct: 50 },
      ],
      breakEven: true,
    },
    'long',
    '0.007',
    '65000',
    market,
  );

  expect(plan).toEqual([
    { leg: 'sl', type: 'stop_market', amount: '0.007', triggerPrice: '63700' },
    { leg: 'tp', type: 'take_profit_market', amount: '0.003', triggerPrice: '66300' },
    { leg: 'tp2', type: 'take_profit_market', amount: '0.004', triggerPrice: '67600' },
  ]);
});

test('a short: stop above, targets below; three levels 30/30/40 of 0.01 → 0.003, 0.003, 0.004', () => {
  const plan = planProtection(
    {
      sl: pct(1),
      tps: [
        { level: pct(1), sharePct: 30 },
        { level: pct(2), sharePct: 30 },
        { level: pct(3), sharePct: 40 },
      ],
      breakEven: false,
    },
    'short',
    '0.01',
    '50000',
    market,
  );

  expect(plan.map((p) => `${p.leg} ${p.amount} @ ${p.triggerPrice}`)).toEqual([
    'sl 0.01 @ 50500',
    'tp 0.003 @ 49500',
    'tp2 0.003 @ 49000',
    'tp3 0.004 @ 48500',
  ]);
});

test('a level smaller than the market minimum merges into the next one, so the ladder still closes everything', () => {
  const plan = planProtection(
    {
      tps: [
        { level: pct(1), sharePct: 10 },
        { level: pct(2), sharePct: 90 },
      ],
      breakEven: false,
    },
    'long',
    '0.005',
    '100',
    { ...market, minAmount: '0.002' },
  );

  // 10 % of 0.005 = 0.0005 → 0.000 after rounding: below 0.002, carried into the last level
  expect(plan).toEqual([{ leg: 'tp', type: 'take_profit_market', amount: '0.005', triggerPrice: '102' }]);
});

test('a trailing stop rides with the stop, for the whole filled amount', () => {
  expect(
    planProtection({ sl: pct(3), tps: [], breakEven: false, trailPct: 1.5 }, 'long', '0.01', '100', market),
  ).toEqual([
    { leg: 'sl', type: 'stop_market', amount: '0.01', triggerPrice: '97' },
    { leg: 'trail', type: 'trailing_stop_market', amount: '0.01', trailingPercent: 1.5 },
  ]);
});

test('protectionSpecOf: a single tp is one level of 100 %; no sl/tp/trail is no protection', () => {
  expect(protectionSpecOf({ tp: pct(4) })).toEqual({ tps: [{ level: pct(4), sharePct: 100 }], breakEven: false });
  expect(protectionSpecOf({})).toBeUndefined();
});
