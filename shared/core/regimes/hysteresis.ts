// Against whipsaw: the regime changes only after the new label's probability has been at least
// pEnter for minDwell bars in a row. pEnter > ½ makes the candidate unique at each bar, so a
// change needs minDwell bars of one uninterrupted candidate, and two changes are at least
// minDwell bars apart (the minimum dwell time). Bars where no label reaches pEnter keep the
// current regime and restart the count.
import { InvalidArgumentError } from '../errors';
import { REGIME_LABELS, type RegimeLabel } from './labels';

export interface HysteresisOptions {
  /** probability a new label must reach, in (0.5, 1] (default 0.7) */
  pEnter?: number;
  /** consecutive bars it must hold it (default 3) */
  minDwell?: number;
}

export class RegimeHysteresis {
  /** the confirmed regime; undefined until a first label is confirmed */
  current: RegimeLabel | undefined;
  /** bars since `current` was confirmed */
  dwell = 0;
  private candidate = -1;
  private count = 0;
  private readonly pEnter: number;
  private readonly minDwell: number;

  constructor(options: HysteresisOptions = {}) {
    this.pEnter = options.pEnter ?? 0.7;
    this.minDwell = options.minDwell ?? 3;
    if (!(this.pEnter > 0.5 && this.pEnter <= 1))
      throw new InvalidArgumentError(`pEnter must be above 0.5 and at most 1, not ${this.pEnter}`);
    if (!Number.isInteger(this.minDwell) || this.minDwell < 1)
      throw new InvalidArgumentError(`minDwell must be a whole number ≥ 1, not ${this.minDwell}`);
  }

  /** Feeds one bar's label probabilities (REGIME_LABELS order); returns the regime after it. */
  next(labelProbabilities: ArrayLike<number>): RegimeLabel | undefined {
    let top = -1;
    for (let i = 0; i < REGIME_LABELS.length; i++) if (labelProbabilities[i]! >= this.pEnter) top = i;
    if (top < 0) {
      this.candidate = -1;
      this.count = 0;
    } else if (top === this.candidate) this.count++;
    else {
      this.candidate = top;
      this.count = 1;
    }
    this.dwell++;
    const label = top >= 0 ? REGIME_LABELS[top] : undefined;
    if (label !== undefined && label !== this.current && this.count >= this.minDwell) {
      this.current = label;
      this.dwell = 0;
    }
    return this.current;
  }
}
