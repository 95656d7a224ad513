// SesEmailChannel against a mocked SES v2 client. The raw MIME message it sends is parsed back here
// (headers unfolded, the multipart split at its boundary, each base64 part decoded) and compared
// with what went in: the PNG byte for byte, the UTF-8 text, the RFC 2047 subject, the headers.
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import {
  EMAIL_SUBJECT_MAX,
  encodeHeaderValue,
  rfc5322Date,
  SES_MESSAGE_MAX_BYTES,
  SesEmailChannel,
  sesEmailSubject,
} from '../../../../shared/adapters/notify/ses-email-channel';

const FROM = 'owner@example.org';
const NOW = new Date(Date.UTC(2026, 10, 21, 0, 5, 7));
const ses = mockClient(SESv2Client);
const channel = new SesEmailChannel({
  ses: new SESv2Client({ region: 'eu-west-1' }),
  from: FROM,
  to: [FROM],
  now: () => NOW,
});

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

const sent = (): SendEmailCommandInput[] => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const rawOf = (input: SendEmailCommandInput | undefined): string =>
  Buffer.from(input!.Content!.Raw!.Data!).toString('utf8');

/** A PNG-looking file: the signature, then random bytes; 10,001 bytes so base64 ends in padding. */
function png(bytes = 10_001): Uint8Array {
  if (bytes < 8) throw new Error('a PNG signature alone is 8 bytes');
  const data = new Uint8Array(randomBytes(bytes));
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

/** Header block (CRLF lines, folded lines joined) → lower-cased name → value. */
function parseHeaders(block: string): Map<string, string> {
  const unfolded = block.replace(/\r\n(?=[ \t])/g, '');
  const headers = new Map<string, string>();
  for (const line of unfolded.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function splitEntity(text: string): Part {
  const end = text.indexOf('\r\n\r\n');
  return { headers: parseHeaders(text.slice(0, end)), body: text.slice(end + 4) };
}

/** The message's headers and its parts (the preamble and the closing delimiter dropped). */
function parseMime(raw: string): { headers: Map<string, string>; parts: Part[] } {
  const top = splitEntity(raw);
  const boundary = /boundary="([^"]+)"/.exec(top.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('no boundary');
  const sections = top.body.split(`\r\n--${boundary}`);
  // sections: preamble, each part (starting with CRLF), then "--" + CRLF after the close delimiter
  expect(sections.at(-1)).toBe('--\r\n');
  const parts = sections.slice(1, -1).map((s) => {
    expect(s.startsWith('\r\n')).toBe(true);
    return splitEntity(s.slice(2));
  });
  return { headers: top.headers, parts };
}

function decodeBase64Body(body: string): Buffer {
  for (const line of body.split('\r\n')) {
    expect(line.length).toBeLessThanOrEqual(76);
    expect(line).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
  }
  return Buffer.from(body.replace(/\r\n/g, ''), 'base64');
}

/** RFC 2047 B-encoded words (UTF-8) joined, white space between adjacent words dropped. */
function decodeHeader(value: string): string {
  if (!value.includes('=?')) return value;
  const words = value.trim().split(/\s+/);
  for (const w of words) expect(w).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/]*={0,2}\?=$/);
  return Buffer.concat(words.map((w) => Buffer.from(w.slice('=?UTF-8?B?'.length, -2), 'base64'))).toString('utf8');
}

test("name and limit are the email channel's", () => {
  expect(channel).toMatchObject({ name: 'email', maxTextLength: 200_000 });
});

test('a report with a chart: one raw multipart/mixed message whose PNG part decodes to the same bytes', async () => {
  const data = png();
  const text = 'Daily report acc-1 2026-11-20\nEquity 10,234.50 USDT (+1.2 %)\nTrades: 3';

  await channel.send({
    text,
    severity: 'info',
    attachment: { filename: 'equity-acc-1-daily-2026-11-20.png', contentType: 'image/png', data },
  });

  const input = sent();
  expect(input).toHaveLength(1);
  expect(input[0]).toMatchObject({ FromEmailAddress: FROM, Destination: { ToAddresses: [FROM] } });
  expect(input[0]!.Content!.Simple).toBeUndefined();
  const raw = rawOf(input[0]);
  // CRLF everywhere, never a bare LF or CR; no header or body line past SMTP's 998
  expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);

  const { headers, parts } = parseMime(raw);
  expect(headers.get('from')).toBe(FROM);
  expect(headers.get('to')).toBe(FROM);
  expect(headers.get('subject')).toBe('Daily report acc-1 2026-11-20');
  expect(headers.get('date')).toBe('Sat, 21 Nov 2026 00:05:07 +0000');
  expect(headers.get('message-id')).toMatch(/^<[0-9a-f]{32}@example\.org>$/);
  expect(headers.get('mime-version')).toBe('1.0');
  expect(headers.get('content-type')).toMatch(/^multipart\/mixed; boundary="=_tvat_[0-9a-f]{24}"$/);

  expect(parts).toHaveLength(2);
  const [body, chart] = parts;
  expect(body!.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
  expect(body!.headers.get('content-transfer-encoding')).toBe('base64');
  expect(decodeBase64Body(body!.body).toString('utf8')).toBe(text.replace(/\n/g, '\r\n'));

  expect(chart!.headers.get('content-type')).toBe('image/png; name="equity-acc-1-daily-2026-11-20.png"');
  expect(chart!.headers.get('content-transfer-encoding')).toBe('base64');
  expect(chart!.headers.get('content-disposition')).toBe('attachment; filename="equity-acc-1-daily-2026-11-20.png"');
  const decoded = decodeBase64Body(chart!.body.replace(/\r\n$/, ''));
  expect(decoded.equals(Buffer.from(data))).toBe(true);
});

test('a UTF-8 text and subject: the subject as RFC 2047 encoded-words on lines of at most 76, the body decodes to the same text', async () => {
  const title = '📈 Rapport hebdomadaire — BTC/USDⓈ-M: +3,2 % (résumé détaillé pour la semaine du 16 novembre)';
  const text = `${title}\nÉquité: 10 234,50 USDT\n日本語の行\n`;

  const data = png(8);
  await channel.send({
    text,
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data },
  });

  const raw = rawOf(sent()[0]);
  const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
  const subjectLines = headerBlock.slice(headerBlock.indexOf('Subject:')).split('\r\n');
  const subjectEnd = subjectLines.findIndex((l, i) => i > 0 && !l.startsWith(' '));
  for (const line of subjectLines.slice(0, subjectEnd)) expect(line.length).toBeLessThanOrEqual(76);
  expect(subjectEnd).toBeGreaterThan(1); // folded over several lines

  const { headers, parts } = parseMime(raw);
  expect(decodeHeader(headers.get('subject')!)).toBe(title);
  expect(decodeBase64Body(parts[0]!.body).toString('utf8')).toBe(text.replace(/\n/g, '\r\n'));
  expect(decodeBase64Body(parts[1]!.body.replace(/\r\n$/, '')).equals(Buffer.from(data))).toBe(true);
});

test('encoded-words never split a UTF-8 character: every word decodes on its own', () => {
  const value = '🟢'.repeat(40);
  const encoded = encodeHeaderValue(value, 'Subject'.length);
  const words = encoded.split('\r\n ');
  expect(words.length).toBeGreaterThan(1);
  for (const w of words) expect(Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).toMatch(/^(🟢)+$/u);
  expect(decodeHeader(encoded.replace(/\r\n/g, ''))).toBe(value);
});

test('an ASCII subject that looks like an encoded-word is encoded, so it is shown as written', () => {
  expect(encodeHeaderValue('=?UTF-8?B?SGk=?=', 7)).toMatch(/^=\?UTF-8\?B\?/);
  expect(decodeHeader(encodeHeaderValue('=?UTF-8?B?SGk=?=', 7))).toBe('=?UTF-8?B?SGk=?=');
});

test('the subject is the first non-blank line, control characters out, cut at 150 characters with "..."', () => {
  expect(sesEmailSubject('\n  \n  Kill switch:\tdaily loss 5.2 %\r\nmore')).toBe('Kill switch: daily loss 5.2 %');
  expect(sesEmailSubject('🔴 Order failed → BTC/USDⓈ-M')).toBe('🔴 Order failed → BTC/USDⓈ-M');
  const long = sesEmailSubject(`BTC ${'long '.repeat(60)}`);
  expect(Array.from(long)).toHaveLength(EMAIL_SUBJECT_MAX);
  expect(long.endsWith('...')).toBe(true);
  expect(sesEmailSubject('📈'.repeat(200)).endsWith('📈...')).toBe(true); // cut between characters, not inside one
});

test('a long ASCII subject is folded at spaces: no header line past 78 characters', async () => {
  const title = `Weekly report ${'acc-1 '.repeat(20)}done`;

  await channel.send({
    text: title,
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data: png(9) },
  });

  const raw = rawOf(sent()[0]);
  const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
  for (const line of headerBlock.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  expect(parseMime(raw).headers.get('subject')).toBe(title.trim());
});

test('a message without an attachment goes as Simple content: the subject and the whole text, UTF-8', async () => {
  const text = '⚠️ Order failed: BTC/USDT:USDT\nInsufficient margin (需要 12 USDT)';

  await channel.send({ text, severity: 'warning' });

  expect(sent()).toEqual([
    {
      FromEmailAddress: FROM,
      Destination: { ToAddresses: [FROM] },
      Content: {
        Simple: {
          Subject: { Data: '⚠️ Order failed: BTC/USDT:USDT', Charset: 'UTF-8' },
          Body: { Text: { Data: text, Charset: 'UTF-8' } },
        },
      },
    },
  ]);
});

test('a text with nothing usable for a subject gets a generic one with the severity', async () => {
  await channel.send({ text: '\n \n', severity: 'critical' });

  expect(sent()[0]!.Content!.Simple!.Subject!.Data).toBe('Trading notification (critical)');
});

test('the chart is attached, its presigned link is not repeated in the mail', async () => {
  const url = 'https://bucket.s3.eu-west-1.amazonaws.com/reports/acc-1/daily.png?X-Amz-Signature=secret';

  await channel.send({
    text: 'Daily report',
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data: png(100), url },
  });

  const raw = rawOf(sent()[0]);
  expect(raw).not.toContain('X-Amz-Signature');
  expect(decodeBase64Body(parseMime(raw).parts[0]!.body).toString('utf8')).not.toContain('http');
});

test('several recipients: all in To and in the destination; a non-ASCII filename as RFC 2231, an odd type as octet-stream', async () => {
  const many = new SesEmailChannel({
    ses: new SESv2Client({ region: 'eu-west-1' }),
    from: FROM,
    to: ['a@example.org', 'b@example.net'],
    now: () => NOW,
  });

  await many.send({
    text: 'Report',
    severity: 'info',
    attachment: { filename: 'équité.png', contentType: 'image/png\r\nBcc: x@evil.test', data: png(9) },
  });

  expect(sent()[0]!.Destination).toEqual({ ToAddresses: ['a@example.org', 'b@example.net'] });
  const { headers, parts } = parseMime(rawOf(sent()[0]));
  expect(headers.get('to')).toBe('a@example.org, b@example.net');
  expect(headers.has('bcc')).toBe(false);
  expect(parts[1]!.headers.get('content-type')).toBe("application/octet-stream; name*=UTF-8''%C3%A9quit%C3%A9.png");
  expect(parts[1]!.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''%C3%A9quit%C3%A9.png");
});

test('a filename with line breaks, quotes or slashes cannot break out of its header', async () => {
  await channel.send({
    text: 'Report',
    severity: 'info',
    attachment: { filename: 'a\r\nBcc: x@evil.test/"b".png', contentType: 'image/png', data: png(9) },
  });

  const { headers, parts } = parseMime(rawOf(sent()[0]));
  expect(headers.has('bcc')).toBe(false);
  expect([...parts[1]!.headers.keys()].sort()).toEqual([
    'content-disposition',
    'content-transfer-encoding',
    'content-type',
  ]);
  expect(parts[1]!.headers.get('content-disposition')).toBe(
    "attachment; filename*=UTF-8''a__Bcc%3A%20x%40evil.test_%22b%22.png",
  );
});

test('each message gets its own Message-ID and boundary', async () => {
  const attachment = { filename: 'equity.png', contentType: 'image/png', data: png(9) };
  await channel.send({ text: 'one', severity: 'info', attachment });
  await channel.send({ text: 'two', severity: 'info', attachment });

  const [a, b] = sent().map((input) => parseMime(rawOf(input)).headers);
  expect(a!.get('message-id')).not.toBe(b!.get('message-id'));
  expect(a!.get('content-type')).not.toBe(b!.get('content-type'));
});

test('a file too large for SES (40 MB after base64) goes as its link in a simple message', async () => {
  const data = new Uint8Array(Math.ceil((SES_MESSAGE_MAX_BYTES * 3) / 4) + 1);
  const url = 'https://bucket.s3.amazonaws.com/reports/acc-1/weekly.png?X-Amz-Signature=abc';

  await channel.send({
    text: 'Weekly report',
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data, url },
  });
  await channel.send({
    text: 'Weekly report',
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data },
  });

  const [withLink, without] = sent().map((i) => i.Content!.Simple!.Body!.Text!.Data);
  expect(withLink).toBe(`Weekly report\n\nEquity chart (too large to attach; link valid for a few hours): ${url}`);
  expect(without).toBe('Weekly report\n\n(The chart equity.png was too large to attach.)');
});

test('addresses that could inject headers or recipients are refused up front, and so are no or too many recipients', () => {
  const make = (from: string, to: string[]) => () => new SesEmailChannel({ ses: new SESv2Client({}), from, to });
  expect(make('owner@example.org\r\nBcc: x@evil.test', [FROM])).toThrow(/not plain e-mail addresses/);
  expect(make(FROM, ['a@example.org, b@evil.test'])).toThrow(/not plain e-mail addresses/);
  expect(make(FROM, ['Owner <owner@example.org>'])).toThrow(/not plain e-mail addresses/);
  expect(make(FROM, [])).toThrow(/1\.\.50 recipients/);
  expect(
    make(
      FROM,
      Array.from({ length: 51 }, (_, i) => `r${i}@example.org`),
    ),
  ).toThrow(/1\.\.50 recipients/);
});

test('the error never carries an address', () => {
  expect(
    () => new SesEmailChannel({ ses: new SESv2Client({}), from: 'secret-owner@example.org\n', to: [FROM] }),
  ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret-owner') }));
});

test('dates are RFC 5322 in UTC', () => {
  expect(rfc5322Date(new Date(Date.UTC(2027, 0, 3, 9, 4, 5)))).toBe('Sun, 03 Jan 2027 09:04:05 +0000');
});

test('an SES failure reaches the caller (the notifier holds the message for a retry)', async () => {
  ses
    .on(SendEmailCommand)
    .rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));

  await expect(
    channel.send({
      text: 'hi',
      severity: 'info',
      attachment: { filename: 'equity.png', contentType: 'image/png', data: png(9) },
    }),
  ).rejects.toThrow('not verified');
  await expect(channel.send({ text: 'hi', severity: 'info' })).rejects.toThrow('not verified');
});
