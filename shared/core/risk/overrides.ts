// Per-account risk settings from the command line: `path=value` pairs checked against the shape
// and bounds of the defaults, so a typo or a nonsensical limit is refused naming the field, and
// never stored to silently do nothing.
import { InvalidArgumentError } from '../errors';
import { DEFAULT_RISK_CONFIG, resolveRiskConfig, type RiskOverrides } from './config';
import { tradingDay } from './trading-day';
import { isRegimeLabel, REGIME_LABELS } from '../regimes/labels';

export class RiskSettingError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, 'RISK_SETTING');
    this.name = 'RiskSettingError';
  }
}

type Bound = [min: number, max: number, integer?: boolean];

/** Ranges a value must fall in; every other number must be ≥ 0. */
const BOUNDS: Record<string, Bound> = {
  'sizing.percent': [0.01, 100],
  'sizing.riskPct': [0.01, 10],
  'sizing.atr.period': [2, 200, true],
  'sizing.atr.multiplier': [0.1, 20],
  'sizing.atr.riskPct': [0.01, 10],
  'sizing.kelly.fraction': [0.01, 1],
  'sizing.kelly.emaSpan': [1, 1000, true],
  'sizing.kelly.priorTrades': [0, 1000, true],
  'sizing.kelly.maxRiskPct': [0.01, 10],
  'limits.maxLeverage': [1, 125, true],
  'limits.maxPositionPct': [1, 10_000],
  'limits.maxExposurePct': [1, 10_000],
  'limits.maxOpenPositions': [1, 500, true],
  'limits.liquidation.minStopMultiple': [1, 20],
  'limits.liquidation.maintenanceMarginRate': [0, 0.5],
  'limits.volatility.shortDays': [2, 365, true],
  'limits.volatility.longDays': [5, 1000, true],
  'limits.volatility.threshold': [1, 20],
  'limits.correlation.threshold': [0, 1],
  'limits.correlation.lookbackDays': [10, 1000, true],
  'limits.correlation.shrinkFactor': [0, 1],
  'limits.var.lookbackDays': [20, 1000, true],
  'limits.var.maxPct95': [0.1, 100],
  'limits.var.maxPct99': [0.1, 100],
  'switches.dailyLossPct': [0, 100],
  'switches.maxDrawdownPct': [0, 100],
  'switches.lossStreak': [0, 100, true],
  'switches.cooldownMinutes': [0, 10_080, true],
  'switches.volatilityPct': [0, 10_000],
  'execution.maxEntryLagSeconds': [1, 86_400, true],
  'execution.priceBandFactor': [1.01, 1000],
  // A sliced entry's bounds are ALGO_BOUNDS' (10 s interval, 24 h horizon); the pair is checked together on use.
  'execution.sliceAboveQuote': [0, 1e12],
  'execution.sliceHorizonSeconds': [20, 86_400, true],
  'execution.sliceIntervalSeconds': [10, 3_600, true],
  'regimes.maxLeverage': [1, 125, true],
  'regimes.maxSizePct': [0.01, 10_000],
};

/** What one regime's limits look like (config.ts RegimeLimit): the templates its settings are parsed by. */
const REGIME_LIMIT_TEMPLATE: Record<string, unknown> = { maxLeverage: 1, maxSizePct: 1, sides: ['long', 'short'] };

const ENUMS: Record<string, readonly string[]> = {
  'sizing.mode': ['percent', 'quote', 'risk', 'atr', 'kelly'],
  'limits.correlation.action': ['refuse', 'shrink'],
};

/** The default value at a path, or undefined when the path names nothing. Maps accept any key. */
function defaultAt(path: string[]): unknown {
  if (path[0] === 'limits' && path[1] === 'symbolMaxLeverage' && path.length === 3) return 1;
  if (path[0] === 'strategySizing' && path.length >= 3) return defaultAt(['sizing', ...path.slice(2)]);
  if (
    path[0] === 'regimes' &&
    path.length === 3 &&
    isRegimeLabel(path[1]) &&
    Object.hasOwn(REGIME_LIMIT_TEMPLATE, path[2]!)
  )
    return REGIME_LIMIT_TEMPLATE[path[2]!];
  let node: unknown = DEFAULT_RISK_CONFIG;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function parseValue(field: string, template: unknown, raw: string): unknown {
  const boundsKey = field.startsWith('strategySizing.')
    ? `sizing.${field.split('.').slice(2).join('.')}`
    : field.startsWith('limits.symbolMaxLeverage.')
      ? 'limits.maxLeverage'
      : field.startsWith('regimes.')
        ? `regimes.${field.split('.').slice(2).join('.')}`
        : field;
  if (typeof template === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new RiskSettingError(field, 'must be true or false');
    return raw === 'true';
  }
  if (typeof template === 'number') {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value))
      throw new RiskSettingError(field, `must be a number, not "${raw}"`);
    const [min, max, integer] = BOUNDS[boundsKey] ?? [0, Number.MAX_SAFE_INTEGER];
    if (value < min || value > max) throw new RiskSettingError(field, `must be from ${min} to ${max}`);
    if (integer && !Number.isInteger(value)) throw new RiskSettingError(field, 'must be a whole number');
    return value;
  }
  if (typeof template === 'string') {
    const allowed = ENUMS[boundsKey];
    if (allowed && !allowed.includes(raw)) throw new RiskSettingError(field, `must be one of ${allowed.join(', ')}`);
    if (field === 'switches.timeZone') {
      try {
        tradingDay(0, raw);
      } catch {
        throw new RiskSettingError(field, `"${raw}" is not an IANA time zone (e.g. UTC, Asia/Seoul)`);
      }
    }
    return raw;
  }
  if (Array.isArray(template) && field === 'switches.circuitBreaker') {
    // movePct:windowMinutes:pauseMinutes, comma-separated tiers; "" = no price tiers
    return raw.trim() === ''
      ? []
      : raw.split(',').map((tier) => {
          const [move, window, pause] = tier.split(':').map(Number);
          if (![move, window, pause].every((n) => n !== undefined && Number.isFinite(n) && n > 0))
            throw new RiskSettingError(
              field,
              `tier "${tier}" must be movePct:windowMinutes:pauseMinutes, all positive`,
            );
          return { movePct: move as number, windowMinutes: window as number, pauseMinutes: pause as number };
        });
  }
  if (Array.isArray(template) && boundsKey === 'regimes.sides') {
    // comma-separated sides an entry may open in the regime; "none" = no entries at all
    if (raw === 'none') return [];
    const sides = [...new Set(raw.split(',').map((side) => side.trim()))];
    for (const side of sides)
      if (side !== 'long' && side !== 'short')
        throw new RiskSettingError(field, `"${side}" is not a side: use long, short, long,short or none`);
    return sides;
  }
  throw new RiskSettingError(field, 'is a group: set one of its fields (risk show lists them)');
}

/** Returns new overrides with `path` set to the parsed `raw` value (or removed with "default"). */
export function applyRiskSetting(overrides: RiskOverrides | undefined, assignment: string): RiskOverrides {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new RiskSettingError(assignment, 'use path=value, e.g. switches.dailyLossPct=3');
  const field = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  const path = field.split('.');
  // A key like __proto__ would walk onto Object.prototype: no setting is named so.
  if (path.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype' || key === ''))
    throw new RiskSettingError(field, 'no such risk setting (risk show lists them)');
  const template = defaultAt(path);
  if (template === undefined && path[0] === 'regimes')
    throw new RiskSettingError(
      field,
      `use regimes.<${REGIME_LABELS.join('|')}>.<maxLeverage|maxSizePct|sides>, e.g. regimes.BEAR.sides=short`,
    );
  if (template === undefined) throw new RiskSettingError(field, 'no such risk setting (risk show lists them)');
  const next = structuredClone(overrides ?? {}) as Record<string, unknown>;
  let node = next;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (raw === 'default') delete node[last];
  else node[last] = parseValue(field, template, raw);
  const resolved = resolveRiskConfig(next as RiskOverrides);
  if (resolved.limits.volatility.shortDays >= resolved.limits.volatility.longDays)
    throw new RiskSettingError('limits.volatility.shortDays', 'must be shorter than longDays');
  return next as RiskOverrides;
}
