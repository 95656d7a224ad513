// resolveIntent: the full action × position table, TradingView's buy/sell read with the position
// after the order, and the explicit actions that ignore the position.
import { isEntry, resolveIntent } from '../../../../shared/core/signal/intent';
import type { Intent, MarketPosition, RawAction } from '../../../../shared/core/signal/types';

type Row = [RawAction, MarketPosition | undefined, Intent];

const explicit: Row[] = (['long', 'flat', 'short', undefined] as const).flatMap((position): Row[] => [
  ['long', position, 'enter_long'],
  ['short', position, 'enter_short'],
  ['close_long', position, 'close_long'],
  ['close_short', position, 'close_short'],
  ['close_all', position, 'close_all'],
]);

const tradingView: Row[] = [
  ['buy', 'long', 'enter_long'],
  ['buy', 'flat', 'close_short'],
  ['buy', 'short', 'reduce_short'],
  ['sell', 'short', 'enter_short'],
  ['sell', 'flat', 'close_long'],
  ['sell', 'long', 'reduce_long'],
];

// 20 explicit rows + 6 TradingView rows + 2 refused rows = all 7 actions × 4 positions.
describe('resolveIntent', () => {
  test.each(explicit)('explicit action %s with position %s → %s', (action, position, intent) => {
    expect(resolveIntent(action, position)).toEqual({ ok: true, intent });
  });

  test.each(tradingView)('TradingView %s with market_position %s → %s', (action, position, intent) => {
    expect(resolveIntent(action, position)).toEqual({ ok: true, intent });
  });

  test.each<[RawAction]>([['buy'], ['sell']])(
    '%s without a position is refused, naming the field position',
    (action) => {
      const result = resolveIntent(action, undefined);

      expect(result).toEqual({
        ok: false,
        field: 'position',
        message: `required with action "${action}" (use {{strategy.market_position}})`,
      });
    },
  );
});

describe('isEntry', () => {
  test.each<[Intent, boolean]>([
    ['enter_long', true],
    ['enter_short', true],
    ['close_long', false],
    ['close_short', false],
    ['close_all', false],
    ['reduce_long', false],
    ['reduce_short', false],
  ])('%s → %s', (intent, entry) => {
    expect(isEntry(intent)).toBe(entry);
  });
});
