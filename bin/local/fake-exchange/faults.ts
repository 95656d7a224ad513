// Scripted faults, exchange-agnostic: a queue of specs, each hitting the next `times` requests that
// match its method, path and instrument; the first matching spec in queue order wins.

export interface FaultMatch {
  method?: string;
  path: string;
  /** The exchange's instrument id of the request (Binance `symbol`, OKX `instId`); any when absent. */
  instrument?: string;
}

export interface Scripted {
  match: FaultMatch;
  /** How many matching requests it hits; default 1. */
  times?: number;
}

interface Armed<S> {
  spec: S;
  left: number;
}

export class FaultQueue<S extends Scripted> {
  private armed: Armed<S>[] = [];

  add(spec: S): void {
    this.armed.push({ spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault for this request, consuming one of its uses, or undefined. */
  take(method: string, path: string, instrument: string | undefined): S | undefined {
    const hit = this.armed.find(({ spec: { match } }) => {
      if (match.path !== path) return false;
      if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
      return match.instrument === undefined || match.instrument === instrument;
    });
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.armed = this.armed.filter((a) => a !== hit);
    return hit.spec;
  }
}
