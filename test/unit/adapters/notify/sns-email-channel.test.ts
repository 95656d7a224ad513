// SnsEmailChannel against a mocked SNS client: the subject SNS accepts (first line, ASCII, < 100
// characters), the whole text as the message, a chart linked when it has a URL and otherwise
// mentioned, never attached.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  emailSubject,
  SNS_MESSAGE_MAX_BYTES,
  SnsEmailChannel,
} from '../../../../shared/adapters/notify/sns-email-channel';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:notify-email';
const sns = mockClient(SNSClient);
const channel = new SnsEmailChannel({ sns: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC });

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

test("name and limit are the email channel's", () => {
  expect(channel).toMatchObject({ name: 'email', maxTextLength: 200_000 });
});

test('one Publish to the topic: the first line, trimmed, as Subject and the whole text as Message', async () => {
  const text = '  Kill switch: daily loss 5.2 % on acc-1  \nAll positions closed.\nTrading disabled until 00:00 UTC.';

  await channel.send({ text, severity: 'critical' });

  expect(published()).toEqual([{ TopicArn: TOPIC, Subject: 'Kill switch: daily loss 5.2 % on acc-1', Message: text }]);
});

test('the subject is cut under 100 characters with "..." and keeps only what SNS accepts', () => {
  const long = `BTC/USDT:USDT ${'long '.repeat(40)}`;
  const subject = emailSubject(long);
  expect(subject.length).toBeLessThan(100);
  expect(subject.endsWith('...')).toBe(true);
  expect(long.startsWith(subject.slice(0, -3))).toBe(true);

  expect(emailSubject('🔴 Order failed → BTC/USDⓈ-M\tretry')).toBe('Order failed BTC/USD -M retry');
  expect(emailSubject('\n\n   \nsecond line is the first that counts')).toBe('second line is the first that counts');
});

test('a text with nothing usable for a subject gets a generic one with the severity', async () => {
  await channel.send({ text: '📈📈📈\nreport body', severity: 'info' });

  expect(published()[0]).toMatchObject({ Subject: 'Trading notification (info)', Message: '📈📈📈\nreport body' });
});

test('a chart is not sent by email: a line says where it is', async () => {
  const data = new Uint8Array(50_000).fill(7);

  await channel.send({
    text: 'Weekly report\n+3.2 %',
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data },
  });

  const message = published()[0]!.Message!;
  expect(message.startsWith('Weekly report\n+3.2 %\n\n')).toBe(true);
  expect(message).toContain(
    'The chart equity.png cannot travel by email: it is attached to the Telegram/Discord message or stored with the report.',
  );
  expect(message.length).toBeLessThan(300);
});

test('a chart with a link: the email says "Equity chart (link valid for a few hours): <url>" instead of the note', async () => {
  const url =
    'https://tvat-prod-reports-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com/reports/acc-1/daily-2026-11-21.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature=abc123';
  const data = new Uint8Array(50_000).fill(7);

  await channel.send({
    text: 'Daily report\n+1.2 %',
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data, url },
  });

  const { Subject, Message } = published()[0]!;
  expect(Subject).toBe('Daily report');
  expect(Message).toBe(`Daily report\n+1.2 %\n\nEquity chart (link valid for a few hours): ${url}`);
  expect(Message).not.toContain('cannot travel by email');
});

test('a long text is cut before the chart link, never through it', async () => {
  const url = 'https://bucket.s3.eu-west-1.amazonaws.com/reports/acc-1/weekly-2026-11-16.png?X-Amz-Signature=ffff';
  const text = Array.from({ length: 40_000 }, (_, i) => `ligne ${i} — résumé`).join('\n');

  await channel.send({
    text,
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data: new Uint8Array(1), url },
  });

  const message = published()[0]!.Message!;
  expect(Buffer.byteLength(message)).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
  expect(
    message.endsWith(
      `[... cut: the message exceeded the email size limit]\n\nEquity chart (link valid for a few hours): ${url}`,
    ),
  ).toBe(true);
});

test("a text over SNS's 256 KB is cut at a line to fit, with a note", async () => {
  const text = Array.from({ length: 40_000 }, (_, i) => `ligne ${i} — résumé`).join('\n');
  expect(Buffer.byteLength(text)).toBeGreaterThan(SNS_MESSAGE_MAX_BYTES);

  await channel.send({ text, severity: 'info' });

  const message = published()[0]!.Message!;
  expect(Buffer.byteLength(message)).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
  expect(message.endsWith('\n\n[... cut: the message exceeded the email size limit]')).toBe(true);
  const kept = message.slice(0, message.indexOf('\n\n[... cut'));
  expect(text.startsWith(`${kept}\n`)).toBe(true);
});

test('an SNS failure reaches the caller', async () => {
  sns.on(PublishCommand).rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));

  await expect(channel.send({ text: 'hi', severity: 'info' })).rejects.toThrow('Topic does not exist');
});
