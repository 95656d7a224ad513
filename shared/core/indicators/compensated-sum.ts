// A running sum with Neumaier compensation: the streams add and remove values for millions of bars,
// and a plain running sum would drift by one rounding error per step.
import { abs } from './math';

export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    const s = this.sum;
    const t = s + x;
    // Neumaier: recover the low-order bits lost by `s + x`, whichever operand is larger.
    this.compensation += abs(s) >= abs(x) ? s - t + x : x - t + s;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
