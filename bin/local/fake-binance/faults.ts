// Scripted faults: a queue of specs, each hitting the next `times` requests that match its
// method, path and symbol; the first matching spec in queue order wins.
import type { FaultSpec } from './types';

interface Armed {
  spec: FaultSpec;
  left: number;
}

export class FaultQueue {
  private armed: Armed[] = [];

  add(spec: FaultSpec): void {
    this.armed.push({ spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault for this request, consuming one of its uses, or undefined. */
  take(method: string, path: string, symbol: string | undefined): FaultSpec | undefined {
    const hit = this.armed.find(({ spec: { match } }) => {
      if (match.path !== path) return false;
      if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
      return match.symbol === undefined || match.symbol === symbol;
    });
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.armed = this.armed.filter((a) => a !== hit);
    return hit.spec;
  }
}
