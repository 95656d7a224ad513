// Markets shared by every adapter instance in the process (one warm Lambda container): loading
// them costs 1.5–2 s, so it happens once per TTL, never per signal. Concurrent callers share one load.
export class MarketCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; loadedAt: number }>();

  async get(key: string, ttlMs: number, now: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && now - hit.loadedAt < ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { value, loadedAt: now });
    try {
      return await value;
    } catch (error) {
      // A failed load must not be cached: the next signal tries again.
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
      throw error;
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

export const sharedMarkets = new MarketCache<Record<string, unknown>>();
