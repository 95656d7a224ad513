// The daily report's market summary (docs/AI-ensemble.md): one paragraph a model writes from the
// account's symbols, their move over the period and a regime per symbol: the report's own regime
// source (the label its "Regime" lines show) when it has one, else a simple word from SMA 20/50.
// The figures are computed here from candles, never by the model; the model only puts them into
// words. It is labelled as the model's where the report shows it (reporting/market-summary.ts) and
// can change nothing: the report goes out without it when the model refuses, times out or answers
// out of shape.
import * as z from 'zod/mini';
import type { Candles } from '../backtest/types';
import { sma } from '../indicators';
import { withDeadline } from './ensemble';
import type { CandleSource, RegimeReader, RegimeView } from './ports';
import type { Advisor } from './types';

/** What the report asks for: the account, its symbols, the period (epoch ms UTC). */
export interface SummaryRequest {
  accountId: string;
  symbols: readonly string[];
  from: number;
  to: number;
}

/** The paragraph and the model that wrote it, or why there is none. */
export type SummaryResult = { ok: true; text: string; model: string } | { ok: false; reason: string };

/** trend up / trend down: close, SMA(20) and SMA(50) of the hourly closes in that order; range otherwise */
export type Regime = 'trend up' | 'trend down' | 'range';

export interface SymbolMove {
  symbol: string;
  open: number;
  close: number;
  changePct: number;
  /** the regime source's label (BULL, BEAR, SIDEWAYS, NEUTRAL, or unknown), else the SMA word */
  regime: RegimeView['label'] | 'unknown' | Regime;
  /** what named it, as the prompt says it */
  basis: string;
}

export interface ModelMarketSummaryDeps {
  advisor: Advisor;
  /** how the label names it: provider:model */
  model: string;
  candles: CandleSource;
  timeoutMs: number;
  /**
   * The report's regime source (risk/regime-source.ts CachedRegimes, the same instance the report's
   * Regime lines read): each symbol's regime is its label, so the summary and the report agree.
   * Absent: the SMA 20/50 word (regimeOf).
   */
  regimes?: RegimeReader;
}

export const SUMMARY_MAX_CHARS = 600;
export const SUMMARY_SCHEMA = z.object({
  summary: z.string().check(z.minLength(1), z.maxLength(SUMMARY_MAX_CHARS)),
});
/** a report names a handful of symbols; more would only lengthen the prompt */
const MAX_SYMBOLS = 10;
const HOUR_MS = 3_600_000;
/** enough hourly candles for SMA(50) before a day's period, and a week's */
const HOURS_BEFORE = 50;
const CANDLE_TIMEOUT_MS = 3_000;
const SMA_BASIS = 'hourly close vs SMA 20 and SMA 50';

const SYSTEM = [
  "You write one short, neutral paragraph on the market for a trader's daily report.",
  'Use only the figures given: the symbols, their moves over the period and the regime of each.',
  'Describe; give no advice, no forecast and no instruction to buy or sell.',
  `At most ${SUMMARY_MAX_CHARS} characters. Answer with JSON matching the schema only.`,
].join(' ');

/** The regime word for hourly closes, from the indicators this project already has. */
export function regimeOf(close: Float64Array): Regime {
  const n = close.length;
  if (n < 50) return 'range';
  const last = close[n - 1] as number;
  const fast = sma(close, 20)[n - 1] as number;
  const slow = sma(close, 50)[n - 1] as number;
  if (last > fast && fast > slow) return 'trend up';
  if (last < fast && fast < slow) return 'trend down';
  return 'range';
}

/** A symbol's move from the last close at or before `from` to the last close at or before `to`. */
export function moveOf(symbol: string, candles: Candles, from: number): SymbolMove | undefined {
  const n = candles.close.length;
  if (n === 0) return undefined;
  let start = -1;
  // The candle that closed at or before `from`: its open is at most an hour before it.
  for (let i = n - 1; i >= 0; i--)
    if ((candles.time[i] as number) + HOUR_MS <= from) {
      start = i;
      break;
    }
  if (start < 0) return undefined;
  const open = candles.close[start] as number;
  const close = candles.close[n - 1] as number;
  if (!(open > 0)) return undefined;
  return {
    symbol,
    open,
    close,
    changePct: Number((((close - open) / open) * 100).toFixed(2)),
    regime: regimeOf(candles.close),
    basis: SMA_BASIS,
  };
}

/** The regime source's reading as the prompt gives it: "BULL" with "daily regime: HMM, p 0.87". */
export function regimeFromSource(view: RegimeView | undefined): Pick<SymbolMove, 'regime' | 'basis'> {
  if (!view) return { regime: 'unknown', basis: 'daily regime: no reading' };
  const p = view.probability === undefined ? '' : `, p ${view.probability.toFixed(2)}`;
  return { regime: view.label, basis: `daily regime: ${view.source === 'hmm' ? 'HMM' : 'ADX/ATR rules'}${p}` };
}

export function summaryPrompt(request: SummaryRequest, moves: readonly SymbolMove[]): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  return [
    `Period: ${day(request.from)} to ${day(request.to)} UTC.`,
    ...moves.map(
      (m) =>
        `${m.symbol}: ${m.changePct > 0 ? '+' : ''}${m.changePct} % (${m.open} → ${m.close}), regime ${m.regime} (${m.basis}).`,
    ),
  ].join('\n');
}

export class ModelMarketSummary {
  constructor(private readonly deps: ModelMarketSummaryDeps) {}

  async write(request: SummaryRequest): Promise<SummaryResult> {
    const symbols = request.symbols.slice(0, MAX_SYMBOLS);
    if (symbols.length === 0) return { ok: false, reason: 'no symbols traded or subscribed in the period' };
    const hours = Math.ceil((request.to - request.from) / HOUR_MS) + HOURS_BEFORE;
    const moves = (await Promise.all(symbols.map((s) => this.move(s, request, hours)))).filter(
      (m): m is SymbolMove => m !== undefined,
    );
    if (moves.length === 0) return { ok: false, reason: `no candles for ${symbols.join(', ')}` };
    const asked = this.deps.advisor.ask({
      accountId: request.accountId,
      purpose: 'market-summary',
      system: SYSTEM,
      prompt: summaryPrompt(request, moves),
      schema: SUMMARY_SCHEMA,
      schemaName: 'market_summary',
      maxOutputTokens: 400,
      timeoutMs: this.deps.timeoutMs,
    });
    const answer = await withDeadline(
      asked.catch((error: unknown) => ({
        ok: false as const,
        reason: 'provider-error' as const,
        detail: error instanceof Error ? error.message : String(error),
      })),
      this.deps.timeoutMs + 250,
    );
    if (answer === undefined) return { ok: false, reason: `timeout: no answer within ${this.deps.timeoutMs} ms` };
    if (!answer.ok) return { ok: false, reason: `${answer.reason}: ${answer.detail}`.slice(0, 200) };
    return { ok: true, text: plainText(answer.value.summary), model: this.deps.model };
  }

  private async move(symbol: string, request: SummaryRequest, hours: number): Promise<SymbolMove | undefined> {
    const regime = this.regime(symbol, request.to);
    try {
      const candles = await withDeadline(
        this.deps.candles.closedCandles(symbol, '1h', hours, request.to),
        CANDLE_TIMEOUT_MS,
      );
      const move = candles && moveOf(symbol, candles, request.from);
      return move && { ...move, ...(await regime) };
    } catch {
      return undefined; // a symbol without candles is left out; the others are still summed up
    }
  }

  /** The regime source's reading, read beside the candles (no reading: unknown); no source: the SMA word stays. */
  private async regime(symbol: string, now: number): Promise<Partial<Pick<SymbolMove, 'regime' | 'basis'>>> {
    const source = this.deps.regimes;
    if (!source) return {};
    const view = await withDeadline(
      source.get(symbol, now).catch(() => undefined),
      CANDLE_TIMEOUT_MS,
    );
    return regimeFromSource(view);
  }
}

/** One line of printable text: a model's answer cannot add lines or control characters to the report. */
const plainText = (text: string): string =>
  text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
