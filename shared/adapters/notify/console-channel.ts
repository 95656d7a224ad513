// The local stack's channel (`npm start` without a Telegram token): one short line per message
// on the terminal, the full message as a JSON line in a file (to read back or grep), and a chart's
// bytes written next to it so the PNG can be opened.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NotificationChannel } from '../../core/notify/ports';
import type { Message, Severity } from '../../core/notify/types';

export interface ConsoleChannelOptions {
  /** JSON lines {at, severity, text, attachment?} are appended here; its folder is created */
  file: string;
  /** one human line per message, without the newline; default process.stdout */
  write?: (line: string) => void;
  /** where attachments go as <timestamp>-<filename>; default <folder of file>/attachments */
  attachmentsDir?: string;
  /** injectable clock for tests; default Date.now */
  now?: () => number;
}

/** One line of the JSON-lines file. */
export interface ConsoleRecord {
  /** ISO 8601 UTC */
  at: string;
  severity: Severity;
  text: string;
  /** the path the attachment was written to */
  attachment?: string;
}

const MARKERS: Record<Severity, string> = { info: '[info]', warning: '[WARN]', critical: '[CRIT]' };
/** The terminal line's length; the file has the whole text. */
const LINE_MAX = 300;

export class ConsoleChannel implements NotificationChannel {
  readonly name = 'console' as const;
  readonly maxTextLength = 100_000;
  private readonly file: string;
  private readonly write: (line: string) => void;
  private readonly attachmentsDir: string;
  private readonly now: () => number;

  constructor(options: ConsoleChannelOptions) {
    this.file = options.file;
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.attachmentsDir = options.attachmentsDir ?? join(dirname(options.file), 'attachments');
    this.now = options.now ?? Date.now;
  }

  async send(message: Message): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const record: ConsoleRecord = { at, severity: message.severity, text: message.text };
    if (message.attachment) {
      await mkdir(this.attachmentsDir, { recursive: true });
      const path = join(
        this.attachmentsDir,
        `${at.replace(/[:.]/g, '-')}-${safeFilename(message.attachment.filename)}`,
      );
      await writeFile(path, message.attachment.data);
      record.attachment = path;
    }
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(record)}\n`);
    this.write(humanLine(record));
  }
}

/** `HH:MM:SS [WARN] first line | second line | … (chart: path)`, newlines folded, cut to LINE_MAX. */
export function humanLine(record: ConsoleRecord): string {
  const text = record.text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' | ');
  const clipped = text.length <= LINE_MAX ? text : `${text.slice(0, LINE_MAX - 1)}…`;
  const chart = record.attachment ? ` (attachment: ${record.attachment})` : '';
  return `${record.at.slice(11, 19)} ${MARKERS[record.severity]} notify: ${clipped}${chart}`;
}

/** The attachment's own name without any folder part, in characters every file system takes. */
function safeFilename(filename: string): string {
  const name = basename(filename.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]/g, '_');
  return name === '' || /^\.+$/.test(name) ? 'attachment' : name;
}
