// Daily and weekly reports: for every account, the period just ended in the owner's time zone →
// the figures (computePeriodReport), the text, the equity chart as a PNG, sent through the
// notifier's channels with the chart attached, and recorded in the audit log. When a chart store
// is given, the PNG is also uploaded and the attachment carries a link to it (for email, which
// cannot attach files).
import type { Account } from '../domain/account';
import type { TradeRecord } from '../domain/trade';
import { toDecimal } from '../domain/money';
import type {
  AccountRepository,
  AuditLog,
  ChartStore,
  Clock,
  FundingRate,
  FundingRates,
  FundingRatesFor,
  HistoricalPrices,
  MarketSummaryWriter,
  RegimeReader,
  RiskStore,
  TradeRepository,
} from './ports';
import type { Attachment, Notification } from '../notify/types';
import { computePeriodReport, renderReportText, type PeriodReport } from './period-report';
import { marketSummaryLines } from './market-summary';
import { tradingDay } from '../risk/trading-day';
import type { RegimeView } from '../risk/types';
import type { DispatchReport, Notifier } from '../notify/notifier';

export type ReportKind = 'daily' | 'weekly';

export type ChartRenderer = (
  points: PeriodReport['equityCurve'],
  options: { title: string; timeZone: string; trades: PeriodReport['exits'] },
) => Promise<Uint8Array>;

/** The chart's key in the store: the account, the report kind and the period's first day in the report zone. */
export function chartKey(accountId: string, kind: ReportKind, day: string): string {
  return `reports/${encodeURIComponent(accountId)}/${kind}-${day}.png`;
}

export interface SendReportsDeps {
  accounts: Pick<AccountRepository, 'list'>;
  trades: Pick<TradeRepository, 'listByAccount'>;
  risk: Pick<RiskStore, 'listSnapshots'>;
  prices: HistoricalPrices;
  chart: ChartRenderer;
  notifier: Pick<Notifier, 'dispatch'>;
  audit: AuditLog;
  clock: Clock;
  timeZone: string;
  /** when given, each chart is uploaded and its attachment gets the link (the email channel shows it) */
  charts?: ChartStore;
  /** a chart upload failed (the report still goes, without a link): the error only, never a URL */
  onChartStoreError?: (accountId: string, error: unknown) => void;
  /** the model's market summary for daily reports of accounts that switched it on (absent: none) */
  summaries?: MarketSummaryWriter;
  /** when given, the report names the current regime of each symbol (risk/regime-source.ts CachedRegimes) */
  regimes?: RegimeReader;
  /**
   * When given, the report names the current funding rate of each symbol the account holds: the
   * account's exchange's public rates (shared/adapters/exchange/ccxt-funding-rates.ts); undefined
   * for an exchange without funding (paper, spot).
   */
  fundingRates?: FundingRatesFor;
}

export interface ReportRun {
  kind: ReportKind;
  from: number;
  to: number;
  accounts: number;
  dispatch: DispatchReport[];
}

/** The period that just ended at `now`: yesterday, or the 7 days before today, in the zone's days. */
export function reportPeriod(kind: ReportKind, now: number, timeZone: string): { from: number; to: number } {
  const to = tradingDay(now, timeZone).start;
  let from = to;
  for (let i = 0; i < (kind === 'daily' ? 1 : 7); i++) from = tradingDay(from - 1, timeZone).start;
  return { from, to };
}

/** Trades are read newest first; enough for a week of active trading. */
const TRADES_READ = 1000;

export class SendReports {
  constructor(private readonly deps: SendReportsDeps) {}

  async run(kind: ReportKind): Promise<ReportRun> {
    const { from, to } = reportPeriod(kind, this.deps.clock.now(), this.deps.timeZone);
    const run: ReportRun = { kind, from, to, accounts: 0, dispatch: [] };
    for (const account of await this.deps.accounts.list()) {
      const built = await this.build(account, kind, from, to);
      run.accounts++;
      run.dispatch.push(
        await this.deps.notifier.dispatch([built.notification], new Map([[built.notification.id, built.chart]])),
      );
      await this.deps.audit.append({
        accountId: account.accountId,
        type: 'report.sent',
        at: this.deps.clock.now(),
        message: built.notification.title,
        data: {
          kind,
          from,
          to,
          ...(built.report.startEquity !== undefined ? { startEquity: toDecimal(built.report.startEquity) } : {}),
          ...(built.report.endEquity !== undefined ? { endEquity: toDecimal(built.report.endEquity) } : {}),
          realizedPnl: toDecimal(built.report.realizedPnl),
          trades: built.report.trades,
        },
      });
    }
    return run;
  }

  /** One account's report: its figures, the message and the chart. */
  async build(
    account: Pick<Account, 'accountId'> &
      Partial<Pick<Account, 'exchange' | 'testnet'>> & {
        settings?: Pick<Account['settings'], 'marketSummary' | 'strategies'>;
      },
    kind: ReportKind,
    from: number,
    to: number,
  ): Promise<{ report: PeriodReport; notification: Notification; chart: Attachment }> {
    const { accountId } = account;
    const [trades, snapshots] = await Promise.all([
      this.deps.trades.listByAccount(accountId, TRADES_READ),
      this.deps.risk.listSnapshots(accountId, from, to),
    ]);
    const symbols = [
      ...new Set(
        trades.filter((t) => t.openedAt < to && (t.closedAt === undefined || t.closedAt >= from)).map((t) => t.symbol),
      ),
    ];
    const holdPrices: Record<string, { from: number; to: number }> = {};
    for (const symbol of symbols) {
      const [a, b] = await Promise.all([this.deps.prices.priceAt(symbol, from), this.deps.prices.priceAt(symbol, to)]);
      if (a !== undefined && b !== undefined) holdPrices[symbol] = { from: a, to: b };
    }
    const regimes = await this.readRegimes(symbols);
    const fundingRates = await this.readFundingRates(account, trades);
    const report = computePeriodReport({
      accountId,
      from,
      to,
      timeZone: this.deps.timeZone,
      trades,
      snapshots,
      holdPrices,
      ...(regimes ? { regimes } : {}),
      ...(fundingRates ? { fundingRates } : {}),
    });
    const text = renderReportText(report, kind);
    if (kind === 'daily' && account.settings?.marketSummary === true && this.deps.summaries) {
      // The account's symbols: those it traded in the period and those its strategies watch.
      const watched = (account.settings.strategies ?? []).filter((s) => s.enabled).map((s) => s.symbol);
      const summary = await this.deps.summaries
        .write({ accountId, symbols: [...new Set([...symbols, ...watched])], from, to })
        // Never a reason to hold the report back; the error's message only (no stack, no request).
        .catch((error: unknown) => ({
          ok: false as const,
          reason: error instanceof Error ? error.message.slice(0, 200) : 'error',
        }));
      text.lines.push(...marketSummaryLines(summary));
    }
    const png = await this.deps.chart(report.equityCurve, {
      title: text.title,
      timeZone: this.deps.timeZone,
      trades: report.exits,
    });
    const notification: Notification = {
      kind: 'report',
      severity: 'info',
      at: to,
      accountId,
      title: text.title,
      lines: text.lines,
      id: `report-${kind}-${accountId}-${from}`,
    };
    const chart: Attachment = {
      filename: `equity-${kind}-${new Date(from).toISOString().slice(0, 10)}.png`,
      contentType: 'image/png',
      data: png,
    };
    const url = await this.storeChart(
      accountId,
      chartKey(accountId, kind, tradingDay(from, this.deps.timeZone).day),
      chart,
    );
    return { report, notification, chart: url === undefined ? chart : { ...chart, url } };
  }

  /**
   * The regime of each symbol now (the report goes out just after its period ends): a failed read
   * is "no reading" for that symbol, never a missing report.
   */
  private async readRegimes(symbols: readonly string[]): Promise<Record<string, RegimeView | undefined> | undefined> {
    const source = this.deps.regimes;
    if (!source) return undefined;
    const now = this.deps.clock.now();
    const views = await Promise.all(symbols.map((symbol) => source.get(symbol, now).catch(() => undefined)));
    return Object.fromEntries(symbols.map((symbol, i) => [symbol, views[i]]));
  }

  /**
   * The current funding rate of each symbol the account holds now (its open trades), from its
   * exchange: a failed read is "no reading" for every held symbol, never a missing report; no
   * source for the exchange (paper, spot) or nothing held: not read, no lines.
   */
  private async readFundingRates(
    account: Partial<Pick<Account, 'accountId' | 'exchange' | 'testnet'>>,
    trades: readonly TradeRecord[],
  ): Promise<Record<string, FundingRate | undefined> | undefined> {
    if (!this.deps.fundingRates || account.exchange === undefined) return undefined;
    const held = [
      ...new Set(trades.filter((t) => t.status === 'open' && t.accountId === account.accountId).map((t) => t.symbol)),
    ].sort();
    if (held.length === 0) return undefined;
    let source: FundingRates | undefined;
    try {
      source = this.deps.fundingRates({ exchange: account.exchange, testnet: account.testnet ?? false });
    } catch {
      return undefined; // no source could be built (an exchange without a testnet): as without one
    }
    if (!source) return undefined;
    let rates: FundingRate[] = [];
    try {
      rates = await source.current(held);
    } catch {
      // every held symbol reads "no reading"
    }
    const bySymbol = new Map(rates.map((r) => [r.symbol, r]));
    return Object.fromEntries(held.map((symbol) => [symbol, bySymbol.get(symbol)]));
  }

  /** The chart's link, or undefined without a store or when the upload fails (the report goes anyway). */
  private async storeChart(accountId: string, key: string, chart: Attachment): Promise<string | undefined> {
    if (!this.deps.charts) return undefined;
    try {
      return await this.deps.charts.put(key, chart.data, chart.contentType);
    } catch (error) {
      this.deps.onChartStoreError?.(accountId, error);
      return undefined;
    }
  }
}
