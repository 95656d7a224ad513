// rsi-ema with RSI(3) and EMA(20) on a hand-built uptrend (100, 102, … 158) that dips and recovers:
//   index: 29   30   31   32   33   34
//   close: 158  150  146  150  154  158
//   RSI:   100  33.3 22.2 48.1 65.4 77.0   (EMA(20) ≈ 139 … 144, below every close)
// RSI leaves oversold (30) on candle 32 above the EMA → long; reaches overbought (70) on 34 →
// close_long. The mirror image (400 − close) gives short on 32 and close_short on 34.
import { ema } from '../../../../shared/core/indicators/ema';
import { rsi } from '../../../../shared/core/indicators/rsi';
import { rsiEma } from '../../../../shared/core/strategies/rsi-ema';
import { actions, candlesFromCloses, defaultsOf, runStrategy } from './harness';

const UPTREND = Array.from({ length: 30 }, (_, i) => 100 + 2 * i);
const CLOSES = [...UPTREND, 150, 146, 150, 154, 158, 162];
const params = { ...defaultsOf(rsiEma), rsiPeriod: 3, emaPeriod: 20 };

describe('rsi-ema', () => {
  it('has the documented defaults: RSI(14) 30/70, EMA(200)', () => {
    expect(defaultsOf(rsiEma)).toMatchObject({ rsiPeriod: 14, emaPeriod: 200, oversold: 30, overbought: 70 });
  });

  it('the series does what the comments say', () => {
    const r = rsi(Float64Array.from(CLOSES), 3);
    const e = ema(Float64Array.from(CLOSES), 20);
    expect(r[31]).toBeLessThan(30);
    expect(r[32]).toBeGreaterThanOrEqual(30);
    expect(r[33]).toBeLessThan(70);
    expect(r[34]).toBeGreaterThanOrEqual(70);
    expect(CLOSES[32]).toBeGreaterThan(e[32]!);
  });

  it('goes long when the RSI leaves oversold above the EMA, exits at overbought', () => {
    expect(actions(runStrategy(rsiEma, params, candlesFromCloses(CLOSES)))).toEqual([
      [32, 'long'],
      [34, 'close_long'],
    ]);
  });

  it('mirrors it for shorts below the EMA', () => {
    expect(actions(runStrategy(rsiEma, params, candlesFromCloses(CLOSES.map((c) => 400 - c))))).toEqual([
      [32, 'short'],
      [34, 'close_short'],
    ]);
  });

  it('the trend filter blocks the long when the close is below the EMA', () => {
    // A downtrend (200 … 142), then the same dip and recovery: the RSI leaves oversold, but the
    // EMA sits above the price.
    const downThenDip = [...UPTREND.map((c) => 300 - c), 134, 130, 134, 138, 142];
    const r = rsi(Float64Array.from(downThenDip), 3);
    const e = ema(Float64Array.from(downThenDip), 20);
    const leavesOversold = downThenDip.findIndex((_, i) => i > 0 && r[i - 1]! < 30 && r[i]! >= 30);
    expect(leavesOversold).toBeGreaterThan(0);
    expect(downThenDip[leavesOversold]).toBeLessThan(e[leavesOversold]!);
    expect(runStrategy(rsiEma, params, candlesFromCloses(downThenDip))).toEqual([]);
  });

  it('refuses oversold ≥ overbought', () => {
    expect(() => rsiEma.create({ ...params, oversold: 70, overbought: 30 })).toThrow(
      'oversold (70) must be below overbought (30)',
    );
  });
});
