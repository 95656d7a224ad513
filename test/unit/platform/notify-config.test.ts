// The report job's environment and its wiring of the chart store: REPORTS_BUCKET is optional; when
// set, buildSendReports stores charts in that bucket (S3ChartStore), and without it nothing is stored.
import { S3ChartStore } from '../../../shared/adapters/s3/s3-chart-store';
import type { CandleSource } from '../../../shared/core/ports/candles';
import type { SendReports } from '../../../shared/core/usecases/send-reports';
import { loadEnv } from '../../../shared/platform/config';
import { reportEnvSchema } from '../../../shared/platform/notify-config';
import { buildSendReports } from '../../../shared/runtime/report';

const BASE = { STAGE: 'test', AWS_REGION: 'eu-west-1' };
const candles: CandleSource = { spanMs: () => 3_600_000, closedCandles: async () => ({ time: new Float64Array(), open: new Float64Array(), high: new Float64Array(), low: new Float64Array(), close: new Float64Array(), volume: new Float64Array() }) };
const chartsOf = (useCase: SendReports): unknown => (useCase as unknown as { deps: { charts?: unknown } }).deps.charts;

test('REPORTS_BUCKET is optional and, when given, not empty', () => {
  expect(loadEnv(reportEnvSchema, BASE).REPORTS_BUCKET).toBeUndefined();
  expect(loadEnv(reportEnvSchema, { ...BASE, REPORTS_BUCKET: 'tvat-test-reports' }).REPORTS_BUCKET).toBe('tvat-test-reports');
  expect(() => loadEnv(reportEnvSchema, { ...BASE, REPORTS_BUCKET: '' })).toThrow(/REPORTS_BUCKET/);
});

test('with REPORTS_BUCKET the report stores its charts in S3; without, it stores none', async () => {
  const withBucket = await buildSendReports(loadEnv(reportEnvSchema, { ...BASE, REPORTS_BUCKET: 'tvat-test-reports' }), { candles, channels: [] });
  const without = await buildSendReports(loadEnv(reportEnvSchema, BASE), { candles, channels: [] });

  expect(chartsOf(withBucket)).toBeInstanceOf(S3ChartStore);
  expect(chartsOf(without)).toBeUndefined();
});
