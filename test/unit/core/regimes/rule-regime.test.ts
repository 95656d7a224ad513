// The ADX / ATR-percentile fallback names a steady rise BULL, a steady fall BEAR, a quiet
// back-and-forth after an agitated one SIDEWAYS, and nothing during its warm-up.
import { ruleRegimes, RuleRegimeStream } from '../../../../shared/core/regimes';

/** Candles from closes, each bar spanning its close and the previous one plus `pad` on each side. */
function candles(closes: number[], pad = 0.001): { high: number[]; low: number[]; close: number[] } {
  return {
    close: closes,
    high: closes.map((c, i) => Math.max(c, closes[i - 1] ?? c) * (1 + pad)),
    low: closes.map((c, i) => Math.min(c, closes[i - 1] ?? c) * (1 - pad)),
  };
}

const trend = (n: number, step: number): number[] => Array.from({ length: n }, (_, i) => 100 * (1 + step) ** i);
/** A sine wave of `period` bars around 100 with relative amplitude `amplitude`, from bar `from`. */
const wave = (n: number, amplitude: number, from = 0, period = 16): number[] =>
  Array.from({ length: n }, (_, i) => 100 * (1 + amplitude * Math.sin((2 * Math.PI * (i + from)) / period)));

describe('ruleRegimes', () => {
  it('undefined through the warm-up (ADX and a quarter of the percentile window)', () => {
    const c = candles(trend(60, 0.01));
    const labels = ruleRegimes(c.high, c.low, c.close);
    // ADX(14) is defined from bar 27; the percentile needs 25 ATR values (ATR from bar 14: bar 38)
    expect(labels.slice(0, 38).every((l) => l === undefined)).toBe(true);
    expect(labels[38]).toBeDefined();
  });

  it('a steady rise is BULL, a steady fall BEAR', () => {
    const up = candles(trend(120, 0.01));
    expect(ruleRegimes(up.high, up.low, up.close).at(-1)).toBe('BULL');
    const down = candles(trend(120, -0.01));
    expect(ruleRegimes(down.high, down.low, down.close).at(-1)).toBe('BEAR');
  });

  it('a calm back-and-forth after an agitated one is SIDEWAYS; the agitated one is not always', () => {
    const c = candles([...wave(100, 0.03), ...wave(60, 0.003, 100)]);
    const labels = ruleRegimes(c.high, c.low, c.close);
    const agitated = labels.slice(40, 100);
    // no trend either way, but its ATR often ranks in the top half of its window
    expect(agitated.some((l) => l === 'BULL' || l === 'BEAR')).toBe(false);
    expect(agitated.filter((l) => l === 'NEUTRAL').length).toBeGreaterThanOrEqual(10);
    expect(labels.slice(110).every((l) => l === 'SIDEWAYS')).toBe(true);
  });

  it('refuses thresholds that overlap and a window too short to rank in', () => {
    expect(() => new RuleRegimeStream({ trendAdx: 20, rangeAdx: 25 })).toThrow(
      'rangeAdx (25) must not exceed trendAdx (20)',
    );
    expect(() => new RuleRegimeStream({ percentileWindow: 1 })).toThrow('percentileWindow must be a whole number ≥ 2');
  });
});
