// ConsoleChannel in a temporary folder: one human line per message with a severity marker, the
// full message as a JSON line (folders created), and a chart written where the line says.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleChannel, type ConsoleRecord } from '../../../../shared/adapters/notify/console-channel';

const AT = Date.UTC(2025, 2, 14, 9, 30, 15, 250);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function setup(options: { attachmentsDir?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'notify-console-'));
  const file = join(dir, 'nested', 'deeper', 'notifications.jsonl');
  const lines: string[] = [];
  const channel = new ConsoleChannel({ file, write: (line) => lines.push(line), now: () => AT, ...options });
  const records = () =>
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as ConsoleRecord);
  return { dir, file, lines, channel, records };
}

test("name and limit are the console's", () => {
  expect(setup().channel).toMatchObject({ name: 'console', maxTextLength: 100_000 });
});

test('each message is one human line with its severity marker and one JSON line in the file', async () => {
  const { lines, channel, records } = setup();

  await channel.send({ text: 'BTC long filled\n  qty 0.01 @ 64250  \n\nfee 0.3', severity: 'info' });
  await channel.send({ text: 'daily loss 4 %', severity: 'warning' });
  await channel.send({ text: 'kill switch', severity: 'critical' });

  expect(lines).toEqual([
    '09:30:15 [info] notify: BTC long filled | qty 0.01 @ 64250 | fee 0.3',
    '09:30:15 [WARN] notify: daily loss 4 %',
    '09:30:15 [CRIT] notify: kill switch',
  ]);
  expect(records()).toEqual([
    { at: '2025-03-14T09:30:15.250Z', severity: 'info', text: 'BTC long filled\n  qty 0.01 @ 64250  \n\nfee 0.3' },
    { at: '2025-03-14T09:30:15.250Z', severity: 'warning', text: 'daily loss 4 %' },
    { at: '2025-03-14T09:30:15.250Z', severity: 'critical', text: 'kill switch' },
  ]);
});

test('a long text is clipped on the terminal, whole in the file', async () => {
  const { lines, channel, records } = setup();
  const text = 'x'.repeat(1_000);

  await channel.send({ text, severity: 'info' });

  expect(lines[0]!.length).toBeLessThan(400);
  expect(lines[0]!.endsWith('…')).toBe(true);
  expect(records()[0]!.text).toBe(text);
});

test('an attachment is written to attachmentsDir as <timestamp>-<filename> and its path recorded', async () => {
  const attachmentsDir = join(mkdtempSync(join(tmpdir(), 'notify-att-')), 'charts');
  const { lines, channel, records } = setup({ attachmentsDir });

  await channel.send({
    text: 'Weekly report',
    severity: 'info',
    attachment: { filename: 'equity.png', contentType: 'image/png', data: PNG },
  });

  const path = join(attachmentsDir, '2025-03-14T09-30-15-250Z-equity.png');
  expect(records()[0]!.attachment).toBe(path);
  expect(readFileSync(path).equals(Buffer.from(PNG))).toBe(true);
  expect(lines[0]).toBe(`09:30:15 [info] notify: Weekly report (attachment: ${path})`);
});

test('without attachmentsDir a chart goes to attachments/ next to the file; a path in its name is ignored', async () => {
  const { file, channel, records } = setup();

  await channel.send({
    text: 'r',
    severity: 'info',
    attachment: { filename: '../../evil name.png', contentType: 'image/png', data: PNG },
  });

  const dir = join(file, '..', 'attachments');
  expect(readdirSync(dir)).toEqual(['2025-03-14T09-30-15-250Z-evil_name.png']);
  expect(records()[0]!.attachment).toBe(join(dir, '2025-03-14T09-30-15-250Z-evil_name.png'));
});
