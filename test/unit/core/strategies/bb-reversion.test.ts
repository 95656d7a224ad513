// bb-reversion with its defaults, BB(20, 2.5), SL 5 %, TP 10 %, on a hand-built series: closes
// alternate 100/101 (bands 99.25 … 101.75), then
//   25: 95    far below the lower band (≈ 96.98): no signal yet, the rule waits for the way back;
//   26: 99.5  back above the lower band (≈ 96.93) → long;
//   27: 101   above the middle band (≈ 100.18) → close_long;
//   28…47 alternate again, then
//   48: 106   above the upper band (≈ 104.02): no signal;
//   49: 101.5 back below the upper band (≈ 104.07) → short;
//   50: 100   below the middle band (≈ 100.83) → close_short.
import { bollinger } from '../../../../shared/core/indicators/bollinger';
import { bbReversion } from '../../../../shared/core/strategies/bb-reversion';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const alternate = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 100 : 101));
const CLOSES = [...alternate(25), 95, 99.5, 101, ...alternate(20), 106, 101.5, 100, ...alternate(4)];
const candles = candlesFromCloses(CLOSES);
const defaults = defaultsOf(bbReversion);

describe('bb-reversion', () => {
  it('has the validated defaults: BB(20, 2.5), SL 5 %, TP 10 %', () => {
    expect(defaults).toEqual({ period: 20, mult: 2.5, slPct: 5, tpPct: 10, longOnly: false });
  });

  it('the series does what the comments say against the bands', () => {
    const { lower, middle, upper } = bollinger(candles.close, 20, 2.5);
    expect(CLOSES[25]).toBeLessThan(lower[25]!);
    expect(CLOSES[26]).toBeGreaterThan(lower[26]!);
    expect(CLOSES[27]).toBeGreaterThanOrEqual(middle[27]!);
    expect(CLOSES[48]).toBeGreaterThan(upper[48]!);
    expect(CLOSES[49]).toBeLessThan(upper[49]!);
    expect(CLOSES[50]).toBeLessThanOrEqual(middle[50]!);
  });

  it('enters when the close comes back inside a band and exits at the middle band', () => {
    expect(actions(runStrategy(bbReversion, defaults, candles))).toEqual([
      [26, 'long'],
      [27, 'close_long'],
      [49, 'short'],
      [50, 'close_short'],
    ]);
  });

  it('puts the stop-loss and take-profit percents on entries only', () => {
    const [long, closeLong, short] = runStrategy(bbReversion, defaults, candles).map((s) => s.signal);
    expect(long).toEqual({ action: 'long', sl: { kind: 'percent', value: 5 }, tp: { kind: 'percent', value: 10 } });
    expect(short).toEqual({ action: 'short', sl: { kind: 'percent', value: 5 }, tp: { kind: 'percent', value: 10 } });
    expect(closeLong).toEqual({ action: 'close_long' });
  });

  it('omits a protective level set to 0', () => {
    const [long] = runStrategy(bbReversion, { ...defaults, slPct: 0 }, candles);
    expect(long?.signal).toEqual({ action: 'long', tp: { kind: 'percent', value: 10 } });
  });

  it('refuses a negative stop-loss or take-profit, naming it', () => {
    expect(() => bbReversion.create({ ...defaults, slPct: -5 })).toThrow(
      'slPct must be a percent >= 0 (0 = none), got -5',
    );
    expect(() => bbReversion.create({ ...defaults, tpPct: Number.NaN })).toThrow(/^tpPct must be/);
  });

  it('longOnly: the short entry becomes nothing while flat', () => {
    expect(actions(runStrategy(bbReversion, { ...defaults, longOnly: true }, candles))).toEqual([
      [26, 'long'],
      [27, 'close_long'],
    ]);
  });

  it('while already long, re-entry is not repeated; a stop-loss (flat) lets the next entry through', () => {
    const held = runStrategy(bbReversion, defaults, candles, { override: (i, p) => (i === 26 ? 'long' : p) });
    expect(actions(held)[0]).toEqual([27, 'close_long']);
    const stopped = runStrategy(bbReversion, defaults, candles, { override: (i, p) => (i === 27 ? 'flat' : p) });
    expect(actions(stopped)).toEqual([
      [26, 'long'],
      [49, 'short'],
      [50, 'close_short'],
    ]);
  });
});
