// SendReports with a chart store: the chart is uploaded under reports/<account>/<kind>-<day>.png
// and its link rides on the attachment (the email shows it); without a store nothing changes; a
// failed upload is reported (error only) and the report still goes out, without a link.
import type { Account } from '../../../../shared/core/domain/account';
import type { Attachment, Notification } from '../../../../shared/core/notify/types';
import type { DispatchReport } from '../../../../shared/core/notify/notifier';
import type { ChartStore } from '../../../../shared/core/reporting/ports';
import { chartKey, SendReports, type SendReportsDeps } from '../../../../shared/core/reporting/send-reports';
import { ManualClock } from '../fakes';
import { MemoryAudit } from '../memory-repos';

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3);
const URL = 'https://charts.example/reports/acc-1/daily-2026-11-21.png?X-Amz-Signature=abc';
// 00:05 on 2026-11-22 in Seoul: the daily report covers 2026-11-21 (Seoul), 2026-11-20T15:00Z onwards.
const NOW = Date.UTC(2026, 10, 21, 15, 5);

class FakeChartStore implements ChartStore {
  readonly puts: { key: string; data: Uint8Array; contentType: string }[] = [];
  constructor(private readonly outcome: 'ok' | Error = 'ok') {}
  async put(key: string, data: Uint8Array, contentType: string): Promise<string> {
    this.puts.push({ key, data, contentType });
    if (this.outcome instanceof Error) throw this.outcome;
    return URL;
  }
}

function setup(extra: Partial<SendReportsDeps> = {}) {
  const dispatched: { notifications: readonly Notification[]; attachments: ReadonlyMap<string, Attachment> }[] = [];
  const audit = new MemoryAudit();
  const useCase = new SendReports({
    accounts: { list: async () => [{ accountId: 'acc-1' } as Account] },
    trades: { listByAccount: async () => [] },
    risk: { listSnapshots: async () => [] },
    prices: { priceAt: async () => undefined },
    chart: async () => PNG,
    notifier: {
      dispatch: async (notifications, attachments = new Map()): Promise<DispatchReport> => {
        dispatched.push({ notifications, attachments });
        return { sent: { email: 1 }, held: 0, failed: [] };
      },
    },
    audit,
    clock: new ManualClock(NOW),
    timeZone: 'Asia/Seoul',
    ...extra,
  });
  return { useCase, dispatched, audit };
}

test('chartKey: reports/<account>/<kind>-<day>.png', () => {
  expect(chartKey('acc-1', 'weekly', '2026-11-16')).toBe('reports/acc-1/weekly-2026-11-16.png');
});

test('with a chart store the PNG is uploaded under the period’s first local day and the link set on the attachment', async () => {
  const charts = new FakeChartStore();
  const { useCase, dispatched, audit } = setup({ charts });

  const run = await useCase.run('daily');

  expect(charts.puts).toEqual([{ key: 'reports/acc-1/daily-2026-11-21.png', data: PNG, contentType: 'image/png' }]);
  expect(run.accounts).toBe(1);
  expect(dispatched).toHaveLength(1);
  const [notification] = dispatched[0]!.notifications;
  expect(dispatched[0]!.attachments.get(notification!.id)).toEqual({
    filename: expect.stringMatching(/^equity-daily-.*\.png$/),
    contentType: 'image/png',
    data: PNG,
    url: URL,
  });
  expect(audit.events.map((e) => e.type)).toEqual(['report.sent']);
  // the link is for the owner's email only: not in the audit record
  expect(JSON.stringify(audit.events)).not.toContain('X-Amz-Signature');
});

test('the weekly chart is keyed by the week’s first day', async () => {
  const charts = new FakeChartStore();
  const { useCase } = setup({ charts });

  await useCase.run('weekly');

  expect(charts.puts.map((p) => p.key)).toEqual(['reports/acc-1/weekly-2026-11-15.png']);
});

test('without a chart store nothing is uploaded and the attachment has no link', async () => {
  const { useCase, dispatched } = setup();

  await useCase.run('daily');

  const [attachment] = [...dispatched[0]!.attachments.values()];
  expect(attachment).toEqual({ filename: expect.any(String), contentType: 'image/png', data: PNG });
  expect(attachment).not.toHaveProperty('url');
});

test('a failed upload is reported with the error and the report is still dispatched, without a link', async () => {
  const failure = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
  const charts = new FakeChartStore(failure);
  const errors: [string, unknown][] = [];
  const { useCase, dispatched, audit } = setup({
    charts,
    onChartStoreError: (accountId, error) => errors.push([accountId, error]),
  });

  const run = await useCase.run('daily');

  expect(charts.puts).toHaveLength(1);
  expect(errors).toEqual([['acc-1', failure]]);
  expect(run.dispatch).toHaveLength(1);
  const [attachment] = [...dispatched[0]!.attachments.values()];
  expect(attachment).toMatchObject({ contentType: 'image/png', data: PNG });
  expect(attachment).not.toHaveProperty('url');
  expect(audit.events.map((e) => e.type)).toEqual(['report.sent']);
});

test('a failed upload without an error callback still sends the report', async () => {
  const { useCase, dispatched } = setup({ charts: new FakeChartStore(new Error('network down')) });

  await expect(useCase.run('daily')).resolves.toMatchObject({ accounts: 1 });
  expect(dispatched).toHaveLength(1);
});
