// The report job's environment and its wiring of the chart store: REPORTS_BUCKET is optional; when
// set, buildSendReports stores charts in that bucket (S3ChartStore), and without it nothing is stored.
// The notifier's email channel: SES (EMAIL_FROM + EMAIL_TO) or SNS (EMAIL_TOPIC_ARN).
import { SesEmailChannel } from '../../../shared/adapters/notify/ses-email-channel';
import { SnsEmailChannel } from '../../../shared/adapters/notify/sns-email-channel';
import { S3ChartStore } from '../../../shared/adapters/s3/s3-chart-store';
import type { CandleSource } from '../../../shared/core/ports/candles';
import type { SendReports } from '../../../shared/core/reporting/send-reports';
import { loadEnv } from '../../../shared/platform/config';
import { notifierEnvSchema, reportEnvSchema } from '../../../shared/platform/notify-config';
import { buildChannels } from '../../../shared/runtime/notifier';
import { buildSendReports } from '../../../shared/runtime/report';

const BASE = { STAGE: 'test', AWS_REGION: 'eu-west-1' };
const candles: CandleSource = {
  spanMs: () => 3_600_000,
  closedCandles: async () => ({
    time: new Float64Array(),
    open: new Float64Array(),
    high: new Float64Array(),
    low: new Float64Array(),
    close: new Float64Array(),
    volume: new Float64Array(),
  }),
};
const chartsOf = (useCase: SendReports): unknown => (useCase as unknown as { deps: { charts?: unknown } }).deps.charts;

test('REPORTS_BUCKET is optional and, when given, not empty', () => {
  expect(loadEnv(reportEnvSchema, BASE).REPORTS_BUCKET).toBeUndefined();
  expect(loadEnv(reportEnvSchema, { ...BASE, REPORTS_BUCKET: 'tvat-test-reports' }).REPORTS_BUCKET).toBe(
    'tvat-test-reports',
  );
  expect(() => loadEnv(reportEnvSchema, { ...BASE, REPORTS_BUCKET: '' })).toThrow(/REPORTS_BUCKET/);
});

test('with REPORTS_BUCKET the report stores its charts in S3; without, it stores none', async () => {
  const withBucket = await buildSendReports(
    loadEnv(reportEnvSchema, { ...BASE, REPORTS_BUCKET: 'tvat-test-reports' }),
    { candles, channels: [] },
  );
  const without = await buildSendReports(loadEnv(reportEnvSchema, BASE), { candles, channels: [] });

  expect(chartsOf(withBucket)).toBeInstanceOf(S3ChartStore);
  expect(chartsOf(without)).toBeUndefined();
});

test('REPORT_FUNDING_RATES: none by default (no source, no exchange call); exchange wires one; anything else is refused', async () => {
  const fundingOf = (useCase: SendReports): unknown =>
    (useCase as unknown as { deps: { fundingRates?: unknown } }).deps.fundingRates;
  expect(loadEnv(reportEnvSchema, BASE).REPORT_FUNDING_RATES).toBe('none');
  expect(() => loadEnv(reportEnvSchema, { ...BASE, REPORT_FUNDING_RATES: 'yes' })).toThrow(/REPORT_FUNDING_RATES/);
  const off = await buildSendReports(loadEnv(reportEnvSchema, BASE), { candles, channels: [] });
  const on = await buildSendReports(loadEnv(reportEnvSchema, { ...BASE, REPORT_FUNDING_RATES: 'exchange' }), {
    candles,
    channels: [],
  });
  expect(fundingOf(off)).toBeUndefined();
  expect(fundingOf(on)).toBeInstanceOf(Function);
});

describe('the email channel: SES with EMAIL_FROM and EMAIL_TO, else SNS with EMAIL_TOPIC_ARN', () => {
  const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:tvat-test-notify';
  const emailOf = async (vars: Record<string, string>) =>
    (await buildChannels(loadEnv(notifierEnvSchema, { ...BASE, ...vars }))).filter((c) => c.name === 'email');

  test('EMAIL_TO is a list; both email variables are optional', () => {
    expect(loadEnv(notifierEnvSchema, BASE)).toMatchObject({ EMAIL_TO: [] });
    expect(loadEnv(notifierEnvSchema, BASE).EMAIL_FROM).toBeUndefined();
    expect(
      loadEnv(notifierEnvSchema, {
        ...BASE,
        EMAIL_FROM: 'me@example.org',
        EMAIL_TO: 'me@example.org, you@example.net',
      }),
    ).toMatchObject({ EMAIL_FROM: 'me@example.org', EMAIL_TO: ['me@example.org', 'you@example.net'] });
    expect(() => loadEnv(notifierEnvSchema, { ...BASE, EMAIL_FROM: '' })).toThrow(/EMAIL_FROM/);
  });

  test('with EMAIL_FROM and EMAIL_TO the email channel is SES, from and to those addresses (and the SNS topic is not used)', async () => {
    const email = await emailOf({
      EMAIL_FROM: 'me@example.org',
      EMAIL_TO: 'me@example.org,you@example.net',
      EMAIL_TOPIC_ARN: TOPIC,
    });

    expect(email).toHaveLength(1);
    expect(email[0]).toBeInstanceOf(SesEmailChannel);
    expect(email[0]).toMatchObject({ from: 'me@example.org', to: ['me@example.org', 'you@example.net'] });
  });

  test('without them, EMAIL_TOPIC_ARN gives the SNS channel; with neither there is no email channel', async () => {
    const email = await emailOf({ EMAIL_TOPIC_ARN: TOPIC });
    expect(email).toHaveLength(1);
    expect(email[0]).toBeInstanceOf(SnsEmailChannel);
    expect(email[0]).toMatchObject({ topicArn: TOPIC });

    expect(await emailOf({})).toEqual([]);
  });

  test('one of EMAIL_FROM and EMAIL_TO without the other fails at start, instead of dropping every email', async () => {
    await expect(emailOf({ EMAIL_FROM: 'me@example.org', EMAIL_TOPIC_ARN: TOPIC })).rejects.toThrow(
      /EMAIL_FROM and EMAIL_TO/,
    );
    await expect(emailOf({ EMAIL_TO: 'me@example.org' })).rejects.toThrow(/EMAIL_FROM and EMAIL_TO/);
  });

  test('an address that is not a plain address fails at start too', async () => {
    await expect(emailOf({ EMAIL_FROM: 'Me <me@example.org>', EMAIL_TO: 'me@example.org' })).rejects.toThrow(
      /not plain e-mail addresses/,
    );
  });
});
