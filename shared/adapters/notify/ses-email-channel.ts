// Email through Amazon SES (API v2): the one email channel that carries the report's chart as a
// real attachment. A message with a file goes as a raw MIME message built here (multipart/mixed: the
// text as a UTF-8 text/plain part, the file as a base64 part with Content-Disposition: attachment);
// a message without one goes as SES "Simple" content, which SES encodes itself.
//
// SES sends only from a verified identity, and an account still in the SES sandbox only to
// verified addresses: the stage's notification address, verified once, sends to itself (from = to).
// Nothing here logs: no addresses, no subjects, no bodies, no attachment bytes.
import { randomBytes } from 'node:crypto';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { NotificationChannel } from '../../core/notify/ports';
import type { Attachment, Message } from '../../core/notify/types';
import { InvalidArgumentError } from '../../core/errors';

export interface SesEmailChannelOptions {
  ses: SESv2Client;
  /** a verified SES identity (the address itself, or one at a verified domain) */
  from: string;
  to: string[];
  /** the Date header's clock; the system clock by default */
  now?: () => Date;
}

/** SES API v2: a message of at most 40 MB, attachments and encoding included; kept a little under. */
export const SES_MESSAGE_MAX_BYTES = 40 * 1024 * 1024 - 64 * 1024;
/** SES: at most 50 recipients per message. */
export const SES_MAX_RECIPIENTS = 50;
/** Characters of the subject line (RFC 5322 recommends lines of 78; a subject past this helps nobody). */
export const EMAIL_SUBJECT_MAX = 150;

const CRLF = '\r\n';
/** One address, nothing that could end a header or add another (CR, LF, comma, angle brackets). */
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** C0 and C1 controls and the Unicode line separators: nothing a header may carry. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/**
 * The subject, from the first non-blank line: control characters and runs of white space become
 * one space, a cut past EMAIL_SUBJECT_MAX characters is marked with "...". Unlike SNS, SES takes
 * any Unicode (the raw message encodes it per RFC 2047), so emoji and "ⓈM" stay. Empty when the
 * text has no usable line.
 */
export function sesEmailSubject(text: string): string {
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const clean = Array.from(first, (c) => (isControl(c) ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(clean);
  return chars.length <= EMAIL_SUBJECT_MAX
    ? clean
    : `${chars
        .slice(0, EMAIL_SUBJECT_MAX - 3)
        .join('')
        .trimEnd()}...`;
}

/**
 * A header value as RFC 2047 encoded-words when it has anything but printable ASCII (or looks like
 * an encoded-word itself): "=?UTF-8?B?...?=", whole characters only (a UTF-8 sequence is never split
 * between two words), folded so that no line passes the 76 characters RFC 2047 §2 allows a line
 * holding encoded-words. Printable ASCII is folded at spaces so no line passes 78 characters where a
 * space allows it.
 */
export function encodeHeaderValue(value: string, headerNameLength: number): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?')) return foldAscii(value, headerNameLength + 2);
  // Bytes one word may carry on a line that already holds `used` characters: "=?UTF-8?B?" and "?="
  // take 12, base64 comes in groups of 4 characters per 3 bytes.
  const bytesFor = (used: number) => Math.floor((76 - used - 12) / 4) * 3;
  const words: string[] = [];
  let budget = bytesFor(headerNameLength + 2);
  let chunk = '';
  for (const char of value) {
    if (chunk && Buffer.byteLength(chunk + char, 'utf8') > budget) {
      words.push(chunk);
      chunk = '';
      budget = bytesFor(1); // a continuation line starts with one space
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  // Adjacent encoded-words separated only by folding white space are joined without it (RFC 2047 §6.2).
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function foldAscii(value: string, firstLineUsed: number): string {
  const lines: string[] = [];
  let line = '';
  let used = firstLineUsed;
  for (const word of value.split(' ')) {
    if (line && used + line.length + 1 + word.length > 78) {
      lines.push(line);
      line = word;
      used = 1; // the continuation line's leading space
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines.join(`${CRLF} `);
}

/** base64 in lines of 76 characters (RFC 2045 §6.8), CRLF-separated. */
export function base64Lines(data: Uint8Array): string {
  const b64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** RFC 5322 date-time in UTC: "Sat, 21 Nov 2026 14:26:11 +0000". */
export function rfc5322Date(date: Date): string {
  const [weekday, day, month, year, time] = date.toUTCString().split(' ');
  return `${weekday} ${day} ${month} ${year} ${time} +0000`;
}

/** A filename parameter: quoted when plain ASCII, RFC 2231 (filename*=UTF-8''...) otherwise. */
function fileParameter(name: 'filename' | 'name', filename: string): string {
  const safe =
    Array.from(filename, (c) => (isControl(c) || c === '/' || c === '\\' ? '_' : c))
      .join('')
      .trim() || 'attachment';
  if (/^[\x20-\x7e]*$/.test(safe) && !/["]/.test(safe)) return `${name}="${safe}"`;
  const encoded = Array.from(Buffer.from(safe, 'utf8'))
    .map((b) =>
      /[A-Za-z0-9!#$&+\-.^_`|~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `${name}*=UTF-8''${encoded}`;
}

/** The attachment's type when it is a plain type/subtype, application/octet-stream otherwise. */
function mediaType(contentType: string): string {
  const t = contentType.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(t) ? t : 'application/octet-stream';
}

export interface RawEmail {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  attachment: Pick<Attachment, 'filename' | 'contentType' | 'data'>;
  date: Date;
  /** without angle brackets: "<random>@<sender's domain>" */
  messageId: string;
  /** the multipart boundary: must not occur in any part ("=_" never appears in base64 text) */
  boundary: string;
}

/**
 * The whole MIME message, CRLF line ends throughout: headers (From, To, Subject, Date, Message-ID,
 * MIME-Version), a multipart/mixed body of the text (base64 of its UTF-8, in canonical CRLF form)
 * and the attachment (base64). Every line of both parts is at most 76 characters.
 */
export function buildRawEmail(email: RawEmail): string {
  const { boundary } = email;
  const text = email.text.replace(/\r\n/g, '\n').replace(/\n/g, CRLF);
  const headers = [
    `From: ${email.from}`,
    `To: ${email.to.join(`,${CRLF} `)}`,
    `Subject: ${encodeHeaderValue(email.subject, 'Subject'.length)}`,
    `Date: ${rfc5322Date(email.date)}`,
    `Message-ID: <${email.messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const type = mediaType(email.attachment.contentType);
  return [
    ...headers,
    '',
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(text, 'utf8')),
    `--${boundary}`,
    `Content-Type: ${type}; ${fileParameter('name', email.attachment.filename)}`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; ${fileParameter('filename', email.attachment.filename)}`,
    '',
    base64Lines(email.attachment.data),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

export class SesEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  readonly maxTextLength = 200_000;
  private readonly ses: SESv2Client;
  private readonly from: string;
  private readonly to: string[];
  private readonly now: () => Date;

  constructor(options: SesEmailChannelOptions) {
    // Checked here, once: an address with a line break or comma would inject headers or recipients.
    const bad = [options.from, ...options.to].filter((a) => !ADDRESS.test(a)).length;
    if (bad > 0) throw new InvalidArgumentError(`SesEmailChannel: ${bad} address(es) are not plain e-mail addresses`);
    if (options.to.length === 0 || options.to.length > SES_MAX_RECIPIENTS)
      throw new InvalidArgumentError(`SesEmailChannel: 1..${SES_MAX_RECIPIENTS} recipients, got ${options.to.length}`);
    this.ses = options.ses;
    this.from = options.from;
    this.to = [...options.to];
    this.now = options.now ?? (() => new Date());
  }

  async send(message: Message): Promise<void> {
    const subject = sesEmailSubject(message.text) || `Trading notification (${message.severity})`;
    const attachment = message.attachment;
    // base64 grows a file by 4/3 (plus line ends): a file that cannot fit goes as its link, if any.
    if (
      attachment &&
      (attachment.data.byteLength * 4) / 3 + Buffer.byteLength(message.text, 'utf8') * 1.4 < SES_MESSAGE_MAX_BYTES
    ) {
      const domain = this.from.slice(this.from.lastIndexOf('@') + 1);
      const raw = buildRawEmail({
        from: this.from,
        to: this.to,
        subject,
        text: message.text,
        attachment,
        date: this.now(),
        messageId: `${randomBytes(16).toString('hex')}@${domain}`,
        boundary: `=_tvat_${randomBytes(12).toString('hex')}`,
      });
      await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: this.to },
          Content: { Raw: { Data: Buffer.from(raw, 'utf8') } },
        }),
      );
      return;
    }
    let tail = '';
    if (attachment?.url) tail = `\n\nEquity chart (too large to attach; link valid for a few hours): ${attachment.url}`;
    else if (attachment) tail = `\n\n(The chart ${attachment.filename} was too large to attach.)`;
    await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: this.to },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text + tail, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}
