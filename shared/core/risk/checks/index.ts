// The risk checks in pipeline order: gates, then leverage, then amount.
import type { RiskCheck } from '../types';
import { CorrelationCheck } from './correlation';
import { ExposureCapCheck } from './exposure-cap';
import { LeverageCapCheck } from './leverage-cap';
import { LiquidationDistanceCheck } from './liquidation-distance';
import { LongOnlyCheck } from './long-only';
import { MaxOpenPositionsCheck } from './max-open-positions';
import { PositionCapCheck } from './position-cap';
import { RegimeLeverageCheck, RegimeSidesCheck, RegimeSizeCheck } from './regime-limits';
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
  RegimeLeverageCheck,
  RegimeSidesCheck,
  RegimeSizeCheck,
  VarCheck,
  VolatilityRegimeCheck,
};
export { MIN_VAR_DAYS } from './var';

export function defaultChecks(): RiskCheck[] {
  return [
    new LongOnlyCheck(),
    new RegimeSidesCheck(),
    new MaxOpenPositionsCheck(),
    new LeverageCapCheck(),
    new LiquidationDistanceCheck(),
    new VolatilityRegimeCheck(),
    new RegimeLeverageCheck(),
    new PositionCapCheck(),
    new RegimeSizeCheck(),
    new ExposureCapCheck(),
    new CorrelationCheck(),
    new VarCheck(),
  ];
}
