// Business metrics as CloudWatch Embedded Metric Format (EMF): one JSON line on stdout per data
// point. Lambda ships the line to the function's log group and CloudWatch turns it into the metric:
// no API call, no IAM permission, nothing to flush and nothing lost when an invocation dies later.
//
// Namespace `tvat`; every metric carries the dimensions service (the function) and stage, and may
// also be broken down by more (reason, exchange, account…): each line lists both dimension sets,
// so the aggregate (alarms) and the breakdown (dashboard SEARCH) come from the same data point.
//
// Why a writer of our own rather than Powertools Metrics: Powertools Metrics adds ≈13 KB to a
// bundle (measured on the webhook), which had 1.5 KB left under its 300 KB budget; this one is
// under 1 KB. Powertools' dimension sets also belong to a whole flush, where each data point here
// names its own. Same wire format as Powertools writes.
import { METRIC, METRICS_NAMESPACE, type MetricName } from './metric-names';

/** The dimensions of every metric: the function's short name and the stage. */
export const BASE_DIMENSIONS = ['service', 'stage'] as const;

export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface PutOptions {
  unit?: MetricUnit;
  /** breakdown dimensions (low cardinality: codes, exchange ids, account ids) */
  by?: Record<string, string | undefined>;
  /** also under the base dimensions alone (default true); false for values that do not add up, like equity */
  aggregate?: boolean;
}

export interface MetricsOptions {
  service: string;
  stage: string;
  /**
   * Where a line goes; absent = metrics off (every call a no-op). In Lambda: stdout, not
   * console.log, whose timestamp and request-id prefix would hide the JSON from CloudWatch.
   */
  write?: (line: string) => void;
  now?: () => number;
}

/**
 * Emits data points. Callers name metrics with string literals typed as MetricName (not through the
 * METRIC object), so a bundle carries only the names it uses: the webhook has 1.5 KB to spare.
 */
export class Metrics {
  readonly service: string;
  readonly stage: string;
  private readonly write: ((line: string) => void) | undefined;
  private readonly now: () => number;

  constructor(options: MetricsOptions) {
    this.service = options.service;
    this.stage = options.stage;
    this.write = options.write;
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.write !== undefined;
  }

  /** One data point. Never throws: a metric must not fail the work it describes. */
  put(name: MetricName, value: number, options: PutOptions = {}): void {
    if (this.write && Number.isFinite(value)) {
      try {
        this.write(JSON.stringify(this.document(name, value, options)));
      } catch {
        // a closed stdout: the point is lost, the work goes on
      }
    }
  }

  count(name: MetricName, by?: PutOptions['by'], value = 1): void {
    this.put(name, value, { by });
  }

  /** The EMF document of one data point. */
  document(
    name: MetricName,
    value: number,
    { unit = 'Count', by = {}, aggregate = true }: PutOptions = {},
  ): Record<string, unknown> {
    const doc: Record<string, unknown> = { service: this.service, stage: this.stage };
    const base = ['service', 'stage'];
    const extra: string[] = [];
    for (const [key, raw] of Object.entries(by)) {
      if (key in doc || key === name || key === '_aws') continue;
      // CloudWatch wants a non-empty string
      doc[key] = (typeof raw === 'string' && raw.trim().slice(0, 250)) || 'unknown';
      extra.push(key);
    }
    const sets = aggregate || extra.length === 0 ? [base] : [];
    if (extra.length > 0) sets.push([...base, ...extra]);
    doc[name] = value;
    doc._aws = {
      Timestamp: this.now(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: sets, Metrics: [{ Name: name, Unit: unit }] }],
    };
    return doc;
  }
}

/**
 * The metrics of one function: on in Lambda (AWS_LAMBDA_FUNCTION_NAME set), off elsewhere (local
 * stack, tests, CLI); POWERTOOLS_METRICS_DISABLED=true turns them off, as it does Powertools'.
 */
export function createMetrics(service: string, env: NodeJS.ProcessEnv = process.env): Metrics {
  const on = Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && env.POWERTOOLS_METRICS_DISABLED !== 'true';
  return new Metrics({
    service,
    stage: env.STAGE ?? 'local',
    ...(on ? { write: (line: string) => process.stdout.write(`${line}\n`) } : {}),
  });
}

/** Metrics that go nowhere. */
export const noMetrics = (): Metrics => new Metrics({ service: 'none', stage: 'none' });

type Method<T, K extends keyof T> = T[K] extends (...args: infer A) => Promise<unknown> ? A : never;

/**
 * `target` seen through a proxy that calls `listener` with the arguments of each call of `method`
 * that resolved (not when it threw; a listener's own error is swallowed). It lets a function count
 * what its use case asked an adapter to do (an audit event, an equity snapshot) without changing
 * the use case or the adapter. Other members pass through, bound to `target`.
 */
export function afterCall<T extends object, K extends keyof T & string>(
  target: T,
  method: K,
  listener: (...args: Method<T, K>) => void,
): T {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (fn === undefined) {
        const original = value as (...args: unknown[]) => unknown;
        fn =
          prop === method
            ? async (...args: unknown[]) => {
                const result = await original.apply(obj, args);
                try {
                  listener(...(args as Method<T, K>));
                } catch {
                  // observing must never fail the call
                }
                return result;
              }
            : original.bind(obj);
        bound.set(prop, fn);
      }
      return fn;
    },
  });
}

export { METRIC, METRICS_NAMESPACE, type MetricName };
