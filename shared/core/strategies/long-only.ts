// Adds a `longOnly` parameter to any strategy: when set, its shorts become exits of the long
// ('short' → 'close_long' while long, nothing while flat) and 'close_short' disappears, so the
// account never holds a short.
import type {
  Bar,
  HeldPosition,
  ParamSpec,
  StrategyDefinition,
  StrategyParams,
  StrategyRunner,
  StrategySignal,
} from './types';
import { InvariantError } from '../errors';

export type LongOnlyParams<P extends StrategyParams> = P & { longOnly: boolean };

const CLOSE_LONG: StrategySignal = Object.freeze({ action: 'close_long' });

export const LONG_ONLY_PARAM: ParamSpec = {
  name: 'longOnly',
  type: 'bool',
  default: false,
  description: "never sell short: the strategy's shorts only close a long",
};

class LongOnlyRunner implements StrategyRunner {
  constructor(private readonly inner: StrategyRunner) {}

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const signal = this.inner.next(bar, position);
    if (signal === undefined) return undefined;
    switch (signal.action) {
      case 'short':
        return position === 'long' ? CLOSE_LONG : undefined;
      case 'close_short':
        return undefined;
      default:
        return signal;
    }
  }
}

export function withLongOnly<P extends StrategyParams>(
  definition: StrategyDefinition<P>,
): StrategyDefinition<LongOnlyParams<P>> {
  if (definition.params.some((spec) => spec.name === LONG_ONLY_PARAM.name))
    throw new InvariantError(`${definition.id} already has a longOnly parameter`);
  return {
    id: definition.id,
    description: definition.description,
    params: [...definition.params, LONG_ONLY_PARAM],
    warmup: (params) => definition.warmup(params),
    create(params) {
      const runner = definition.create(params);
      return params.longOnly ? new LongOnlyRunner(runner) : runner;
    },
  };
}
