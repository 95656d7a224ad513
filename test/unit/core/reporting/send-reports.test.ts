// SendReports with a chart store: the chart is uploaded under reports/<account>/<kind>-<day>.png
// and its link rides on the attachment (the email shows it); without a store nothing changes; a
// failed upload is reported (error only) and the report still goes out, without a link.
import type { Account } from '../../../../shared/core/domain/account';
import type { Attachment, Notification } from '../../../../shared/core/notify/types';
import type { DispatchReport } from '../../../../shared/core/notify/notifier';
import type { ChartStore } from '../../../../shared/core/reporting/ports';
import type { FundingRatesFor } from '../../../../shared/core/ports/funding-rates';
import { chartKey, SendReports, type SendReportsDeps } from '../../../../shared/core/reporting/send-reports';
import type { CandleSource } from '../../../../shared/core/risk/ports';
import { CachedRegimes } from '../../../../shared/core/risk/regime-source';
import { REGIME_LABELS, regimeSeries } from '../../../../shared/core/regimes';
import { loadSkenderQuotes } from '../../../fixtures/market-data';
import { ManualClock } from '../fakes';
import { trade } from './fixture';
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

describe('the regime of each traded symbol', () => {
  const DAY = 86_400_000;
  // BTC open through the report's day: the account's one symbol.
  const open = trade({ tradeId: 'btc', symbol: 'BTC/USDT:USDT', status: 'open', openedAt: NOW - 2 * DAY });
  const { closedAt: _closedAt, ...openBtc } = open;
  const trades = { listByAccount: async () => [openBtc] };
  // Stock.Indicators' 502 real daily bars, the last 400 as of now: what the regime source reads.
  const quotes = loadSkenderQuotes();
  const candles: CandleSource = {
    spanMs: () => DAY,
    closedCandles: async (_symbol, _timeframe, limit) => {
      const cut = (a: Float64Array) => a.slice(-limit);
      return {
        time: cut(quotes.time),
        open: cut(quotes.open),
        high: cut(quotes.high),
        low: cut(quotes.low),
        close: cut(quotes.close),
        volume: cut(quotes.volume),
      };
    },
  };
  const regimeLines = (lines: readonly string[]) => lines.filter((line) => line.startsWith('Regime '));

  it('the regime source (the HMM on 400 daily candles) names it, with its probability', async () => {
    const { useCase, dispatched } = setup({ trades, regimes: new CachedRegimes({ candles }) });
    await useCase.run('daily');
    const expected = regimeSeries(
      {
        high: quotes.high.slice(-400),
        low: quotes.low.slice(-400),
        close: quotes.close.slice(-400),
      },
      { window: 365, minReturns: 365, refitEvery: 400 },
    ).at(-1)!;
    const p = expected.probabilities[REGIME_LABELS.indexOf(expected.label!)]!;
    expect(regimeLines(dispatched[0]!.notifications[0]!.lines)).toEqual([
      `Regime BTC/USDT:USDT: ${expected.label}, p ${p.toFixed(2)} (HMM)`,
    ]);
  }, 30_000);

  it('a failed read is "unknown" for the symbol and the report still goes', async () => {
    const failing = { get: async () => Promise.reject(new Error('candles unavailable')) };
    const { useCase, dispatched } = setup({ trades, regimes: failing });
    const run = await useCase.run('daily');
    expect(run.accounts).toBe(1);
    expect(regimeLines(dispatched[0]!.notifications[0]!.lines)).toEqual([
      'Regime BTC/USDT:USDT: unknown (no reading: candles unavailable or still warming up)',
    ]);
  });

  it('without a regime source the report has no regime lines', async () => {
    const { useCase, dispatched } = setup({ trades });
    await useCase.run('daily');
    expect(regimeLines(dispatched[0]!.notifications[0]!.lines)).toEqual([]);
  });
});

describe('the funding rate of each held symbol', () => {
  const DAY = 86_400_000;
  const openTrade = (tradeId: string, symbol: string) => {
    const { closedAt: _closedAt, ...t } = trade({ tradeId, symbol, status: 'open', openedAt: NOW - 2 * DAY });
    return t;
  };
  // Held: BTC (twice: two open trades) and ETH; SOL closed in the period: traded, not held.
  const trades = {
    listByAccount: async () => [
      openTrade('btc-1', 'BTC/USDT:USDT'),
      openTrade('btc-2', 'BTC/USDT:USDT'),
      openTrade('eth', 'ETH/USDT:USDT'),
      trade({ tradeId: 'sol', symbol: 'SOL/USDT:USDT', closedAt: NOW - DAY / 2 }),
    ],
  };
  const account = { accountId: 'acc-1', exchange: 'bybit', testnet: false } as Account;
  const fundingLines = (lines: readonly string[]) => lines.filter((line) => line.startsWith('Funding rate '));

  /** A source that answers BTC only, recording what it was asked and for which exchange. */
  function recordingSource() {
    const asked: { exchange: string; testnet: boolean; symbols: readonly string[] }[] = [];
    const fundingRates: FundingRatesFor = ({ exchange, testnet }) => ({
      current: async (symbols) => {
        asked.push({ exchange, testnet, symbols });
        return [
          { symbol: 'BTC/USDT:USDT', rate: '0.0001', nextFundingTime: NOW + 55 * 60_000, intervalMs: 8 * 3_600_000 },
        ];
      },
    });
    return { asked, fundingRates };
  }

  it('asks the account’s exchange once for the held symbols and shows each; an unanswered one is unknown', async () => {
    const { asked, fundingRates } = recordingSource();
    const { useCase, dispatched } = setup({ accounts: { list: async () => [account] }, trades, fundingRates });
    await useCase.run('daily');
    expect(asked).toEqual([{ exchange: 'bybit', testnet: false, symbols: ['BTC/USDT:USDT', 'ETH/USDT:USDT'] }]);
    // NOW + 55 min = 2026-11-22 01:00 in Seoul
    expect(fundingLines(dispatched[0]!.notifications[0]!.lines)).toEqual([
      'Funding rate BTC/USDT:USDT: +1.00 bp per 8h (+10.95 % a year), next 2026-11-22 01:00 Asia/Seoul',
      'Funding rate ETH/USDT:USDT: unknown (no reading from the exchange)',
    ]);
  });

  it('a failed read is "unknown" for every held symbol and the report still goes', async () => {
    const fundingRates: FundingRatesFor = () => ({ current: () => Promise.reject(new Error('exchange down')) });
    const { useCase, dispatched } = setup({ accounts: { list: async () => [account] }, trades, fundingRates });
    const run = await useCase.run('daily');
    expect(run.accounts).toBe(1);
    expect(fundingLines(dispatched[0]!.notifications[0]!.lines)).toEqual([
      'Funding rate BTC/USDT:USDT: unknown (no reading from the exchange)',
      'Funding rate ETH/USDT:USDT: unknown (no reading from the exchange)',
    ]);
  });

  it('an exchange without funding (paper, spot), a source that cannot be built, or nothing held: no lines', async () => {
    const none: FundingRatesFor = () => undefined;
    const throwing: FundingRatesFor = () => {
      throw new Error('upbit has no testnet');
    };
    const { fundingRates, asked } = recordingSource();
    for (const [source, list] of [
      [none, trades],
      [throwing, trades],
      [fundingRates, { listByAccount: async () => [trade({ tradeId: 'sol', symbol: 'SOL/USDT:USDT' })] }],
    ] as const) {
      const { useCase, dispatched } = setup({
        accounts: { list: async () => [account] },
        trades: list,
        fundingRates: source,
      });
      await useCase.run('daily');
      expect(fundingLines(dispatched[0]!.notifications[0]!.lines)).toEqual([]);
    }
    expect(asked).toEqual([]);
  });
});
