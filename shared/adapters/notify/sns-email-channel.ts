// Email through an SNS topic with email subscriptions: one Publish per message, the first line
// as the subject. SNS email is plain text with no attachments, so a chart is linked when it has a
// URL (the report's presigned S3 link) and otherwise only mentioned, never sent (base64 in a mail
// body helps nobody and eats the 256 KB message limit). The link is a bearer URL: acceptable in
// the owner's own email, and this channel never logs it.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { NotificationChannel } from '../../core/notify/ports';
import type { Message } from '../../core/notify/types';

export interface SnsEmailChannelOptions {
  sns: SNSClient;
  topicArn: string;
}

/** SNS: a subject "must be less than 100 characters", ASCII, no line breaks or control characters. */
export const SNS_SUBJECT_MAX = 99;
/** SNS: a message is at most 256 KB (262,144 bytes of UTF-8); kept a little under for the SDK's envelope. */
export const SNS_MESSAGE_MAX_BYTES = 262_144 - 1_024;

/**
 * The subject SNS accepts, from the first non-blank line: characters SNS refuses (anything not
 * printable ASCII, such as an emoji severity marker or "ⓈM") are dropped, runs of spaces become
 * one, and a cut is marked with "...". Empty when nothing usable is left.
 */
export function emailSubject(text: string): string {
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const ascii = first
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length <= SNS_SUBJECT_MAX ? ascii : `${ascii.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...`;
}

export class SnsEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  readonly maxTextLength = 200_000;
  private readonly sns: SNSClient;
  private readonly topicArn: string;

  constructor(options: SnsEmailChannelOptions) {
    this.sns = options.sns;
    this.topicArn = options.topicArn;
  }

  async send(message: Message): Promise<void> {
    const attachment = message.attachment;
    let tail = '';
    if (attachment?.url) {
      // Signed with the function's temporary role credentials: the link lives as long as they do (hours).
      tail = `\n\nEquity chart (link valid for a few hours): ${attachment.url}`;
    } else if (attachment) {
      tail = `\n\n(The chart ${attachment.filename} cannot travel by email: it is attached to the Telegram/Discord message or stored with the report.)`;
    }
    // The chart line goes after the text is fitted, so a cut never takes the link with it.
    const body = fitBytes(message.text, SNS_MESSAGE_MAX_BYTES - Buffer.byteLength(tail, 'utf8')) + tail;
    const subject = emailSubject(message.text) || `Trading notification (${message.severity})`;
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: body }));
  }
}

/**
 * `text` cut to at most `maxBytes` of UTF-8 at a line boundary, with a note. 200,000 characters
 * (maxTextLength) fit unless many are multi-byte; a refused Publish would lose the whole mail.
 */
function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const note = '\n\n[... cut: the message exceeded the email size limit]';
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  // Decoding a byte prefix drops a split trailing character as U+FFFD; strip that and cut at a line.
  let head = Buffer.from(text, 'utf8')
    .subarray(0, budget)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lastLine = head.lastIndexOf('\n');
  if (lastLine > head.length / 2) head = head.slice(0, lastLine);
  return head + note;
}
