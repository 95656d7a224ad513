// The hysteresis confirms a new regime only after its probability held ≥ pEnter for minDwell bars.
import { mulberry32 } from '../../../../shared/core/backtest/prng';
import { REGIME_LABELS, RegimeHysteresis, type RegimeLabel } from '../../../../shared/core/regimes';

const one = (label: RegimeLabel, p = 0.9): number[] =>
  REGIME_LABELS.map((l) => (l === label ? p : (1 - p) / (REGIME_LABELS.length - 1)));

describe('RegimeHysteresis', () => {
  it('ignores a flicker shorter than minDwell and confirms a change that holds', () => {
    const h = new RegimeHysteresis({ pEnter: 0.7, minDwell: 3 });
    const feed = (label: RegimeLabel, p?: number) => h.next(one(label, p));
    expect([feed('BULL'), feed('BULL'), feed('BULL')]).toEqual([undefined, undefined, 'BULL']);
    // two bars of BEAR, then BULL again: no change
    expect([feed('BEAR'), feed('BEAR'), feed('BULL')]).toEqual(['BULL', 'BULL', 'BULL']);
    // BEAR below pEnter does not count, and restarts the count
    expect([feed('BEAR'), feed('BEAR'), feed('BEAR', 0.6), feed('BEAR')]).toEqual(['BULL', 'BULL', 'BULL', 'BULL']);
    expect([feed('BEAR'), feed('BEAR')]).toEqual(['BULL', 'BEAR']);
    expect(h.dwell).toBe(0);
  });

  it('on random probabilities: every change follows minDwell bars of the new label ≥ pEnter, and changes are ≥ minDwell apart', () => {
    const random = mulberry32(5);
    const minDwell = 4;
    const pEnter = 0.65;
    const h = new RegimeHysteresis({ pEnter, minDwell });
    const inputs: number[][] = [];
    const outputs: (RegimeLabel | undefined)[] = [];
    let sticky = 0;
    for (let t = 0; t < 5000; t++) {
      if (random() < 0.3) sticky = Math.floor(random() * 4);
      const p = 0.5 + 0.5 * random();
      const row = REGIME_LABELS.map((_, i) => (i === sticky ? p : (1 - p) / 3));
      inputs.push(row);
      outputs.push(h.next(row));
    }
    let lastChange = -Infinity;
    let changes = 0;
    for (let t = 1; t < outputs.length; t++) {
      if (outputs[t] === outputs[t - 1]) continue;
      changes++;
      const i = REGIME_LABELS.indexOf(outputs[t]!);
      for (let s = t - minDwell + 1; s <= t; s++) expect(inputs[s]![i]).toBeGreaterThanOrEqual(pEnter);
      expect(t - lastChange).toBeGreaterThanOrEqual(minDwell);
      lastChange = t;
    }
    expect(changes).toBeGreaterThan(10); // the property was exercised
  });

  it('refuses pEnter ≤ 0.5 (two labels could qualify at once) and a dwell below 1', () => {
    expect(() => new RegimeHysteresis({ pEnter: 0.5 })).toThrow('pEnter must be above 0.5');
    expect(() => new RegimeHysteresis({ minDwell: 0 })).toThrow('minDwell must be a whole number ≥ 1');
  });
});
