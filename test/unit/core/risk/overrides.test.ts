// applyRiskSetting: `path=value` from the command line, checked against the defaults' shape and the
// bounds table; every refusal names the field, "default" removes an override, the input overrides
// are never touched.
import { DEFAULT_RISK_CONFIG, resolveRiskConfig, type RiskOverrides } from '../../../../shared/core/risk/config';
import { applyRiskSetting, RiskSettingError } from '../../../../shared/core/risk/overrides';
import { BTC, deepFreeze } from './fixtures';

/** The RiskSettingError thrown by the assignment (fails the test when none is). */
function refusal(assignment: string, overrides?: RiskOverrides): RiskSettingError {
  try {
    applyRiskSetting(overrides, assignment);
  } catch (error) {
    if (!(error instanceof RiskSettingError)) throw error;
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
    return error;
  }
  throw new Error(`expected "${assignment}" to be refused`);
}

describe('applyRiskSetting: values', () => {
  it('sets a top-level group’s number', () => {
    expect(applyRiskSetting(undefined, 'switches.dailyLossPct=3')).toEqual({ switches: { dailyLossPct: 3 } });
  });

  it('sets nested numbers, keeping the overrides already there', () => {
    const next = applyRiskSetting({ switches: { dailyLossPct: 3 } }, 'limits.liquidation.minStopMultiple=3.5');
    expect(next).toEqual({ switches: { dailyLossPct: 3 }, limits: { liquidation: { minStopMultiple: 3.5 } } });
    // …and the rest of the group still resolves to the defaults
    expect(resolveRiskConfig(next).limits.liquidation).toEqual({ minStopMultiple: 3.5, maintenanceMarginRate: 0.005 });
  });

  it('trims spaces around the path and the value', () => {
    expect(applyRiskSetting(undefined, ' sizing.percent = 2.5 ')).toEqual({ sizing: { percent: 2.5 } });
  });

  it('sets booleans from true/false only', () => {
    expect(applyRiskSetting(undefined, 'limits.longOnly=true')).toEqual({ limits: { longOnly: true } });
    expect(applyRiskSetting({ limits: { longOnly: true } }, 'limits.longOnly=false')).toEqual({
      limits: { longOnly: false },
    });
    expect(refusal('limits.longOnly=yes').field).toBe('limits.longOnly');
  });

  it('sets enums to one of their values and refuses any other', () => {
    expect(applyRiskSetting(undefined, 'sizing.mode=kelly')).toEqual({ sizing: { mode: 'kelly' } });
    expect(applyRiskSetting(undefined, 'limits.correlation.action=refuse')).toEqual({
      limits: { correlation: { action: 'refuse' } },
    });
    const mode = refusal('sizing.mode=martingale');
    expect(mode.field).toBe('sizing.mode');
    expect(mode.message).toContain('percent, quote, risk, atr, kelly');
    expect(refusal('limits.correlation.action=ignore').field).toBe('limits.correlation.action');
  });

  it('accepts an IANA time zone and refuses anything else', () => {
    expect(applyRiskSetting(undefined, 'switches.timeZone=Asia/Seoul')).toEqual({
      switches: { timeZone: 'Asia/Seoul' },
    });
    const zone = refusal('switches.timeZone=Mars/Olympus_Mons');
    expect(zone.field).toBe('switches.timeZone');
    expect(zone.message).toContain('Mars/Olympus_Mons');
  });

  it('parses circuit-breaker tiers movePct:windowMinutes:pauseMinutes, comma-separated; empty = none', () => {
    expect(applyRiskSetting(undefined, 'switches.circuitBreaker=5:15:30,10:60:240')).toEqual({
      switches: {
        circuitBreaker: [
          { movePct: 5, windowMinutes: 15, pauseMinutes: 30 },
          { movePct: 10, windowMinutes: 60, pauseMinutes: 240 },
        ],
      },
    });
    expect(applyRiskSetting(undefined, 'switches.circuitBreaker=2.5:5:10')).toEqual({
      switches: { circuitBreaker: [{ movePct: 2.5, windowMinutes: 5, pauseMinutes: 10 }] },
    });
    expect(applyRiskSetting(undefined, 'switches.circuitBreaker=')).toEqual({ switches: { circuitBreaker: [] } });
  });

  it.each(['5:15', '5:0:30', '5:15:-1', 'x:15:30', '5:15:30,'])('refuses the malformed tier list "%s"', (tiers) => {
    expect(refusal(`switches.circuitBreaker=${tiers}`).field).toBe('switches.circuitBreaker');
  });

  it('takes a number with no bound of its own when it is ≥ 0', () => {
    expect(applyRiskSetting(undefined, 'switches.anomalies.maxLatencyMs=2500')).toEqual({
      switches: { anomalies: { maxLatencyMs: 2500 } },
    });
    expect(refusal('switches.anomalies.maxLatencyMs=-1').field).toBe('switches.anomalies.maxLatencyMs');
  });
});

describe('applyRiskSetting: refusals name the field', () => {
  it.each([
    ['limits.maxLevrage=5', 'limits.maxLevrage'],
    ['leverage=5', 'leverage'],
    ['sizing.kelly.fractions=0.5', 'sizing.kelly.fractions'],
    ['limits.maxLeverage.x=5', 'limits.maxLeverage.x'],
  ])('refuses the unknown path in "%s"', (assignment, field) => {
    const error = refusal(assignment);
    expect(error.field).toBe(field);
    expect(error.message).toContain('no such risk setting');
  });

  it('refuses an assignment without a path or an "="', () => {
    expect(refusal('switches.dailyLossPct').field).toBe('switches.dailyLossPct');
    expect(refusal('=3').field).toBe('=3');
  });

  it.each([
    ['limits.maxLeverage=0', 'limits.maxLeverage'],
    ['limits.maxLeverage=126', 'limits.maxLeverage'],
    ['sizing.percent=100.5', 'sizing.percent'],
    ['sizing.percent=0', 'sizing.percent'],
    ['switches.dailyLossPct=-1', 'switches.dailyLossPct'],
    ['limits.correlation.threshold=1.01', 'limits.correlation.threshold'],
    ['limits.liquidation.maintenanceMarginRate=0.6', 'limits.liquidation.maintenanceMarginRate'],
  ])('refuses the out-of-range "%s"', (assignment, field) => {
    const error = refusal(assignment);
    expect(error.field).toBe(field);
    expect(error.message).toContain('must be from');
  });

  it('accepts the bounds themselves', () => {
    expect(applyRiskSetting(undefined, 'limits.maxLeverage=125')).toEqual({ limits: { maxLeverage: 125 } });
    expect(applyRiskSetting(undefined, 'limits.maxLeverage=1')).toEqual({ limits: { maxLeverage: 1 } });
    expect(applyRiskSetting(undefined, 'switches.dailyLossPct=0')).toEqual({ switches: { dailyLossPct: 0 } });
  });

  it.each([
    'limits.maxLeverage=2.5',
    'limits.maxOpenPositions=1.5',
    'sizing.atr.period=14.2',
    'switches.lossStreak=3.1',
  ])('refuses the non-integer "%s" where a whole number is required', (assignment) => {
    const error = refusal(assignment);
    expect(error.field).toBe(assignment.split('=')[0]);
    expect(error.message).toContain('whole number');
  });

  it('takes a fraction where no whole number is required', () => {
    expect(applyRiskSetting(undefined, 'limits.maxPositionPct=12.5')).toEqual({ limits: { maxPositionPct: 12.5 } });
  });

  it.each(['limits.maxLeverage=abc', 'limits.maxLeverage=', 'limits.maxLeverage=Infinity', 'limits.maxLeverage=NaN'])(
    'refuses the non-number "%s"',
    (assignment) => {
      expect(refusal(assignment).message).toContain('must be a number');
    },
  );

  it('refuses a group as the target', () => {
    const error = refusal('limits.liquidation=3');
    expect(error.field).toBe('limits.liquidation');
    expect(error.message).toContain('is a group');
  });

  it('refuses a short volatility window not shorter than the long one, whichever side is set', () => {
    // defaults: shortDays 7, longDays 90
    expect(refusal('limits.volatility.shortDays=90').field).toBe('limits.volatility.shortDays');
    expect(refusal('limits.volatility.longDays=7').field).toBe('limits.volatility.shortDays');
    expect(applyRiskSetting(undefined, 'limits.volatility.shortDays=89')).toEqual({
      limits: { volatility: { shortDays: 89 } },
    });
    // raising the long window first makes room for a longer short one
    const longer = applyRiskSetting(undefined, 'limits.volatility.longDays=200');
    expect(applyRiskSetting(longer, 'limits.volatility.shortDays=120')).toEqual({
      limits: { volatility: { longDays: 200, shortDays: 120 } },
    });
  });
});

describe('applyRiskSetting: maps and defaults', () => {
  it('sets, adds and removes per-symbol leverage caps, bounded like maxLeverage', () => {
    const one = applyRiskSetting(undefined, `limits.symbolMaxLeverage.${BTC}=10`);
    expect(one).toEqual({ limits: { symbolMaxLeverage: { [BTC]: 10 } } });
    const two = applyRiskSetting(one, 'limits.symbolMaxLeverage.ETH/USDT:USDT=5');
    expect(two).toEqual({ limits: { symbolMaxLeverage: { [BTC]: 10, 'ETH/USDT:USDT': 5 } } });
    expect(resolveRiskConfig(two).limits.symbolMaxLeverage).toEqual({ [BTC]: 10, 'ETH/USDT:USDT': 5 });
    expect(applyRiskSetting(two, `limits.symbolMaxLeverage.${BTC}=default`)).toEqual({
      limits: { symbolMaxLeverage: { 'ETH/USDT:USDT': 5 } },
    });

    expect(refusal(`limits.symbolMaxLeverage.${BTC}=126`).field).toBe(`limits.symbolMaxLeverage.${BTC}`);
    expect(refusal(`limits.symbolMaxLeverage.${BTC}=2.5`).message).toContain('whole number');
  });

  it('sets per-strategy sizing fields, bounded like the account’s sizing', () => {
    expect(applyRiskSetting(undefined, 'strategySizing.scalp.percent=2')).toEqual({
      strategySizing: { scalp: { percent: 2 } },
    });
    expect(applyRiskSetting(undefined, 'strategySizing.scalp.mode=atr')).toEqual({
      strategySizing: { scalp: { mode: 'atr' } },
    });
    expect(applyRiskSetting(undefined, 'strategySizing.swing.kelly.fraction=0.5')).toEqual({
      strategySizing: { swing: { kelly: { fraction: 0.5 } } },
    });

    expect(refusal('strategySizing.scalp.percent=0').field).toBe('strategySizing.scalp.percent');
    expect(refusal('strategySizing.scalp.mode=yolo').field).toBe('strategySizing.scalp.mode');
    expect(refusal('strategySizing.scalp.atr.period=1').field).toBe('strategySizing.scalp.atr.period');
    expect(refusal('strategySizing.scalp.bogus=1').message).toContain('no such risk setting');
    expect(refusal('strategySizing.scalp=1').field).toBe('strategySizing.scalp');
  });

  it('"default" removes an override so the default applies again', () => {
    const overrides: RiskOverrides = { switches: { dailyLossPct: 3, lossStreak: 4 } };
    const next = applyRiskSetting(overrides, 'switches.dailyLossPct=default');
    expect(next).toEqual({ switches: { lossStreak: 4 } });
    expect(resolveRiskConfig(next).switches.dailyLossPct).toBe(DEFAULT_RISK_CONFIG.switches.dailyLossPct);
    expect(resolveRiskConfig(next).switches.lossStreak).toBe(4);
  });

  it('never mutates the overrides it is given', () => {
    const overrides: RiskOverrides = {
      switches: { dailyLossPct: 3 },
      limits: { symbolMaxLeverage: { [BTC]: 10 } },
      strategySizing: { scalp: { percent: 2 } },
    };
    const before = structuredClone(overrides);
    deepFreeze(overrides);

    applyRiskSetting(overrides, 'switches.dailyLossPct=4');
    applyRiskSetting(overrides, 'switches.dailyLossPct=default');
    applyRiskSetting(overrides, 'limits.symbolMaxLeverage.ETH/USDT:USDT=5');
    applyRiskSetting(overrides, 'strategySizing.scalp.percent=default');

    expect(overrides).toEqual(before);
  });

  it('never mutates the defaults', () => {
    const before = structuredClone(DEFAULT_RISK_CONFIG);
    applyRiskSetting(undefined, 'limits.symbolMaxLeverage.BTC/USDT:USDT=10');
    applyRiskSetting(undefined, 'strategySizing.scalp.kelly.fraction=0.5');
    applyRiskSetting(undefined, 'switches.circuitBreaker=1:1:1');
    expect(DEFAULT_RISK_CONFIG).toEqual(before);
  });
});

// A path key taken from the command line must never walk onto Object.prototype: "__proto__" would
// set Object.prototype.percent for the whole process and store a change that does nothing.
describe('applyRiskSetting: keys that are not plain names', () => {
  const proto = Object.prototype as Record<string, unknown>;

  it('refuses "__proto__" as a strategy name instead of writing to Object.prototype', () => {
    try {
      expect(() => applyRiskSetting(undefined, 'strategySizing.__proto__.percent=5')).toThrow(RiskSettingError);
      expect(proto.percent).toBeUndefined();
    } finally {
      delete proto.percent;
    }
  });

  it('refuses "__proto__" as a symbol instead of storing an empty map', () => {
    expect(() => applyRiskSetting(undefined, 'limits.symbolMaxLeverage.__proto__=5')).toThrow(RiskSettingError);
  });
});

describe('applyRiskSetting: execution bounds (entry lag, price band)', () => {
  it('sets them per account within their bounds; the defaults are 60 s and a factor of 10', () => {
    const slicing = { sliceAboveQuote: 0, sliceHorizonSeconds: 600, sliceIntervalSeconds: 60 };
    expect(DEFAULT_RISK_CONFIG.execution).toEqual({ maxEntryLagSeconds: 60, priceBandFactor: 10, ...slicing });
    const overrides = applyRiskSetting(
      applyRiskSetting(undefined, 'execution.maxEntryLagSeconds=300'),
      'execution.priceBandFactor=2',
    );
    expect(resolveRiskConfig(overrides).execution).toEqual({ maxEntryLagSeconds: 300, priceBandFactor: 2, ...slicing });
  });

  it('refuses a lag under a second or over a day, a fraction of a second, and a band of 1 or less', () => {
    expect(refusal('execution.maxEntryLagSeconds=0').message).toBe(
      'execution.maxEntryLagSeconds: must be from 1 to 86400',
    );
    expect(refusal('execution.maxEntryLagSeconds=86401').field).toBe('execution.maxEntryLagSeconds');
    expect(refusal('execution.maxEntryLagSeconds=1.5').message).toBe(
      'execution.maxEntryLagSeconds: must be a whole number',
    );
    expect(refusal('execution.priceBandFactor=1').message).toBe('execution.priceBandFactor: must be from 1.01 to 1000');
  });
});

describe('applyRiskSetting: sliced entries above a notional (execution.sliceAbove*)', () => {
  it('off by default; set per account with the horizon and interval its slices take', () => {
    const overrides = [
      'execution.sliceAboveQuote=50000',
      'execution.sliceHorizonSeconds=900',
      'execution.sliceIntervalSeconds=30',
    ].reduce<ReturnType<typeof applyRiskSetting> | undefined>((o, s) => applyRiskSetting(o, s), undefined);
    expect(resolveRiskConfig(overrides).execution).toMatchObject({
      sliceAboveQuote: 50_000,
      sliceHorizonSeconds: 900,
      sliceIntervalSeconds: 30,
    });
  });

  it('refuses an interval under the algo bound of 10 s and a horizon over a day', () => {
    expect(refusal('execution.sliceIntervalSeconds=5').message).toBe(
      'execution.sliceIntervalSeconds: must be from 10 to 3600',
    );
    expect(refusal('execution.sliceHorizonSeconds=90000').message).toBe(
      'execution.sliceHorizonSeconds: must be from 20 to 86400',
    );
    expect(refusal('execution.sliceAboveQuote=-1').field).toBe('execution.sliceAboveQuote');
  });
});
