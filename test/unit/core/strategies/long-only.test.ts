// withLongOnly on a scripted strategy: what each action becomes for each held position.
import { withLongOnly } from '../../../../shared/core/strategies/long-only';
import type { Bar, HeldPosition, StrategyAction, StrategyDefinition } from '../../../../shared/core/strategies/types';

const BAR: Bar = { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 };

/** A strategy that says `action` on every candle. */
function saying(action: StrategyAction): StrategyDefinition<{ period: number }> {
  return {
    id: 'scripted',
    description: 'says the same thing every candle',
    params: [{ name: 'period', type: 'int', default: 3, min: 1, max: 5, step: 1, description: 'unused' }],
    warmup: (p) => p.period,
    create: () => ({ next: () => ({ action, sl: { kind: 'percent', value: 2 } }) }),
  };
}

const POSITIONS: HeldPosition[] = ['flat', 'long', 'short'];
const run = (action: StrategyAction, longOnly: boolean) =>
  POSITIONS.map((position) => withLongOnly(saying(action)).create({ period: 3, longOnly }).next(BAR, position)?.action);

describe('withLongOnly', () => {
  it('adds a longOnly bool parameter, default off, and keeps id, description and warmup', () => {
    const def = withLongOnly(saying('long'));
    expect(def.params.map((p) => [p.name, p.type, p.default])).toEqual([
      ['period', 'int', 3],
      ['longOnly', 'bool', false],
    ]);
    expect([def.id, def.description, def.warmup({ period: 4, longOnly: true })]).toEqual([
      'scripted',
      'says the same thing every candle',
      4,
    ]);
  });

  it.each<[StrategyAction, (StrategyAction | undefined)[]]>([
    // flat, long, short
    ['short', [undefined, 'close_long', undefined]],
    ['close_short', [undefined, undefined, undefined]],
    ['long', ['long', 'long', 'long']],
    ['close_long', ['close_long', 'close_long', 'close_long']],
    ['close_all', ['close_all', 'close_all', 'close_all']],
  ])('with longOnly, %s becomes %p (when flat, long, short)', (action, expected) => {
    expect(run(action, true)).toEqual(expected);
  });

  it('keeps the inner signal object (and its stop-loss) when it passes through', () => {
    const signal = withLongOnly(saying('long')).create({ period: 3, longOnly: true }).next(BAR, 'flat');
    expect(signal).toEqual({ action: 'long', sl: { kind: 'percent', value: 2 } });
  });

  it('changes nothing when longOnly is off', () => {
    expect(run('short', false)).toEqual(['short', 'short', 'short']);
  });

  it('refuses to wrap a definition that already has longOnly', () => {
    expect(() => withLongOnly(withLongOnly(saying('long')))).toThrow('scripted already has a longOnly parameter');
  });
});
