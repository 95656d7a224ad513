// Test helpers for the function apps: a Powertools logger whose JSON lines are captured (the
// logger writes through its own console on process.stdout), and metrics captured as EMF documents.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '../../../shared/platform/metrics';

/** Runs `fn` with stdout and stderr captured (warnings and errors go to stderr); lines that are not JSON are ignored. */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  try {
    const result = await fn();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result, lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

export const testLogger = (serviceName: string) => new Logger({ serviceName, logLevel: 'INFO' });

export interface EmfDoc {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** Metrics whose EMF documents land in `docs`. */
export function capturedMetrics(
  service: string,
  now = () => 1_700_000_000_000,
): { metrics: Metrics; docs: EmfDoc[]; named: (name: string) => EmfDoc[] } {
  const docs: EmfDoc[] = [];
  const metrics = new Metrics({ service, stage: 'test', write: (line) => docs.push(JSON.parse(line) as EmfDoc), now });
  const named = (name: string) => docs.filter((d) => d._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name === name);
  return { metrics, docs, named };
}
