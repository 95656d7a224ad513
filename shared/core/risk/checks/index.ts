// The risk checks in pipeline order: gates, then leverage, then amount.
import type { RiskCheck } from '../types';
import { CorrelationCheck } from './correlation';
import { ExposureCapCheck } from './exposure-cap';
import { LeverageCapCheck } from './leverage-cap';
import { LiquidationDistanceCheck } from './liquidation-distance';
import { LongOnlyCheck } from './long-only';
import { MaxOpenPositionsCheck } from './max-open-positions';
import { PositionCapCheck } from './position-cap';
import { VarCheck } from './var';
import { VolatilityRegimeCheck } from './volatility-regime';

export {
  CorrelationCheck,
  ExposureCapCheck,
  LeverageCapCheck,
  LiquidationDistanceCheck,
  LongOnlyCheck,
  MaxOpenPositionsCheck,
  PositionCapCheck,
  VarCheck,
  VolatilityRegimeCheck,
};
export { MIN_VAR_DAYS } from './var';

export function defaultChecks(): RiskCheck[] {
  return [
    new LongOnlyCheck(),
    new MaxOpenPositionsCheck(),
    new LeverageCapCheck(),
    new LiquidationDistanceCheck(),
    new VolatilityRegimeCheck(),
    new PositionCapCheck(),
    new ExposureCapCheck(),
    new CorrelationCheck(),
    new VarCheck(),
  ];
}
