// The alarm relay: CloudWatch's alarm JSON (as SNS delivers it) → a compact Telegram message; the
// bot token read once from Secrets Manager; failures thrown so Lambda retries.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import {
  alarmRelayEnvSchema,
  createAlarmRelayHandler,
  DESCRIPTION_LIMIT,
  formatAlarm,
  formatOther,
  parseAlarm,
  telegramSender,
  tokenOf,
  type CloudWatchAlarm,
} from '../../../../functions/alarm-relay/app';
import type { Message } from '../../../../shared/core/notify/types';
import { loadEnv } from '../../../../shared/platform/config';
import { capturedMetrics, captureStdout, testLogger } from '../log-capture';

/** As CloudWatch publishes it (trimmed of fields the relay does not read). */
const ALARM: CloudWatchAlarm = {
  AlarmName: 'tvat-prod-orders-failed',
  AlarmDescription:
    'More than 2 signal executions failed in 5 minutes: signals are not being traded. Open the dashboard.',
  NewStateValue: 'ALARM',
  NewStateReason:
    'Threshold Crossed: 1 out of the last 1 datapoints [4.0 (21/11/26 13:40:00)] was greater than the threshold (2.0) (minimum 1 datapoint for OK -> ALARM transition).',
  OldStateValue: 'OK',
  StateChangeTime: '2026-11-21T13:45:12.345+0000',
  Region: 'EU (Frankfurt)',
  Trigger: {
    MetricName: 'OrdersFailed',
    Namespace: 'tvat',
    Statistic: 'SUM',
    ExtendedStatistic: null,
    Period: 300,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 2,
  },
};

const snsEvent = (
  message: string,
  subject: string | null = 'ALARM: "tvat-prod-orders-failed" in EU (Frankfurt)',
): SNSEvent => ({ Records: [{ Sns: { Message: message, Subject: subject } }] }) as unknown as SNSEvent;

describe('alarm relay: formatting', () => {
  it('writes an alarm as state and name, the crossed condition, the reason, what to do, where and when', () => {
    const message = formatAlarm(ALARM);
    expect(message.severity).toBe('critical');
    expect(message.text.split('\n')).toEqual([
      '🚨 ALARM: tvat-prod-orders-failed',
      'OrdersFailed Sum over 5 min > 2',
      ALARM.NewStateReason,
      `→ ${ALARM.AlarmDescription}`,
      'EU (Frankfurt) · 2026-11-21 13:45 UTC',
    ]);
  });

  it('says how many periods an alarm needs, with percentiles as they are named', () => {
    const text = formatAlarm({
      ...ALARM,
      AlarmName: 'tvat-prod-signal-order-latency-p99',
      Trigger: {
        MetricName: 'SignalToOrderLatency',
        Statistic: null,
        ExtendedStatistic: 'p99',
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 2000,
      },
    }).text;
    expect(text).toContain('SignalToOrderLatency p99 over 5 min > 2000 (3 of 3 periods)');
  });

  it('writes hourly periods and "less than" conditions (report missed)', () => {
    const text = formatAlarm({
      ...ALARM,
      Trigger: {
        MetricName: 'Invocations',
        Statistic: 'SUM',
        Period: 3600,
        EvaluationPeriods: 26,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
      },
    }).text;
    expect(text).toContain('Invocations Sum over 1 h < 1 (26 of 26 periods)');
  });

  it('marks OK as info and leaves the instructions out', () => {
    const message = formatAlarm({
      ...ALARM,
      NewStateValue: 'OK',
      OldStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: back to normal',
    });
    expect(message.severity).toBe('info');
    expect(message.text.startsWith('✅ OK: tvat-prod-orders-failed')).toBe(true);
    expect(message.text).not.toContain('→');
  });

  it('marks INSUFFICIENT_DATA as a warning', () => {
    expect(formatAlarm({ ...ALARM, NewStateValue: 'INSUFFICIENT_DATA' }).severity).toBe('warning');
  });

  it('cuts a long description and a long reason, and copes with a metric-math alarm (no single metric)', () => {
    const message = formatAlarm({
      ...ALARM,
      AlarmDescription: 'd'.repeat(5000),
      NewStateReason: 'r'.repeat(5000),
      Trigger: { Period: 300, EvaluationPeriods: 1 },
    });
    const lines = message.text.split('\n');
    expect(lines).toHaveLength(4); // no condition line
    expect(lines[2]?.length).toBe(DESCRIPTION_LIMIT + 2);
    expect(message.text.length).toBeLessThan(1200);
  });

  it('recognises alarms and nothing else', () => {
    expect(parseAlarm(JSON.stringify(ALARM))?.AlarmName).toBe('tvat-prod-orders-failed');
    expect(parseAlarm('hello')).toBeUndefined();
    expect(parseAlarm('{"default":"x"}')).toBeUndefined();
    expect(parseAlarm('null')).toBeUndefined();
  });

  it('passes any other message on with its subject', () => {
    expect(formatOther('Test', 'hello')).toEqual({ text: '📣 Test\nhello', severity: 'warning' });
    expect(formatOther(null, 'hello').text).toBe('📣 Message on the alarm topic\nhello');
  });
});

describe('alarm relay: handler', () => {
  function setup(send: (m: Message) => Promise<void> = async () => undefined) {
    const sent: Message[] = [];
    const m = capturedMetrics('alarm-relay');
    const handler = createAlarmRelayHandler({
      sender: async () => ({
        send: async (message) => {
          sent.push(message);
          await send(message);
        },
      }),
      logger: testLogger('alarm-relay'),
      metrics: m.metrics,
    });
    return { handler, sent, ...m };
  }

  it('sends each alarm to Telegram and counts it by state', async () => {
    const { handler, sent, named } = setup();
    await captureStdout(() => handler(snsEvent(JSON.stringify(ALARM))));
    expect(sent).toEqual([formatAlarm(ALARM)]);
    expect(named('AlarmsRelayed')).toEqual([expect.objectContaining({ state: 'ALARM', AlarmsRelayed: 1 })]);
  });

  it('sends a message that is not an alarm with its subject', async () => {
    const { handler, sent } = setup();
    await captureStdout(() => handler(snsEvent('plain text', 'Hello')));
    expect(sent).toEqual([{ text: '📣 Hello\nplain text', severity: 'warning' }]);
  });

  it('throws when Telegram fails, so Lambda retries the invocation', async () => {
    const { handler, named } = setup(async () => {
      throw new Error('telegram sendMessage failed: 403 Forbidden: bot was blocked by the user');
    });
    await expect(captureStdout(() => handler(snsEvent(JSON.stringify(ALARM))))).rejects.toThrow(/403/);
    expect(named('AlarmsRelayed')).toEqual([]);
  });
});

describe('alarm relay: token and channel', () => {
  it('takes the token as the plain secret string or the "token" field of JSON', () => {
    expect(tokenOf(' 123:ABC \n')).toBe('123:ABC');
    expect(tokenOf('{"token": "123:ABC"}')).toBe('123:ABC');
  });

  it('explains an empty or malformed secret without echoing it', () => {
    expect(() => tokenOf(undefined)).toThrow(/empty: put the token from @BotFather/);
    expect(() => tokenOf('')).toThrow(/empty/);
    expect(() => tokenOf('{"token": ')).toThrow(/not valid JSON/);
    expect(() => tokenOf('{"tok": "123:SECRET"}')).toThrow(/no "token" string/);
    try {
      tokenOf('{"tok": "123:SECRET"}');
    } catch (error) {
      expect(String(error)).not.toContain('SECRET');
    }
  });

  it('reads the secret once and reuses the channel; a failed read is tried again on the next alarm', async () => {
    const env = loadEnv(alarmRelayEnvSchema, {
      STAGE: 'prod',
      TELEGRAM_BOT_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:1:secret:token',
      TELEGRAM_CHAT_IDS: '123,-456',
    });
    const send = jest
      .fn()
      .mockRejectedValueOnce(new Error('ResourceNotFoundException'))
      .mockResolvedValue({ SecretString: '123:ABC' });
    const sender = telegramSender(env, { send } as never);
    await expect(sender()).rejects.toThrow('ResourceNotFoundException');
    const first = await sender();
    const second = await sender();
    expect(first).toBe(second);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1]?.[0]).toBeInstanceOf(GetSecretValueCommand);
    expect((send.mock.calls[1]?.[0] as GetSecretValueCommand).input).toEqual({
      SecretId: 'arn:aws:secretsmanager:eu-central-1:1:secret:token',
    });
  });

  it('sends through the Telegram channel to every chat', async () => {
    // a test stage: deployed stages refuse TELEGRAM_API_URL (shared/platform/config.ts)
    const env = loadEnv(alarmRelayEnvSchema, {
      STAGE: 'test',
      TELEGRAM_BOT_TOKEN_SECRET_ARN: 'arn',
      TELEGRAM_CHAT_IDS: '123,-456',
      TELEGRAM_API_URL: 'http://127.0.0.1:9/',
    });
    const calls: { url: string; body: unknown }[] = [];
    const fetchMock = jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      calls.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1 } } }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    try {
      const sender = telegramSender(env, { send: async () => ({ SecretString: '123:ABC' }) } as never);
      await (await sender()).send(formatAlarm(ALARM));
    } finally {
      fetchMock.mockRestore();
    }
    expect(calls.map((c) => (c.body as { chat_id: string }).chat_id)).toEqual(['123', '-456']);
    expect(calls[0]?.url).toBe('http://127.0.0.1:9/bot123:ABC/sendMessage');
    expect((calls[0]?.body as { text: string }).text).toBe(formatAlarm(ALARM).text);
  });

  it('needs the token secret ARN', () => {
    expect(() => loadEnv(alarmRelayEnvSchema, { STAGE: 'prod', TELEGRAM_CHAT_IDS: '1' })).toThrow(
      /TELEGRAM_BOT_TOKEN_SECRET_ARN/,
    );
  });
});
