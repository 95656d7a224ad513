// A strategy's quality on one account, as one score 0–100 with the parts it is made of: the
// backtest's own figures (Sharpe, deepest drawdown, how many trades they rest on), how much of the
// in-sample return a walk-forward kept out of sample, and how far the account's own trades drifted
// from a backtest of the same period. Pure: figures in, score and plain-language warnings out.
// Every threshold and weight below is documented, with its reason, in docs/METRICS.md ("Strategy
// quality score"). A part without the figures it needs is "not enough data": it is left out of the
// score (never counted as 0) and the score says which parts it rests on.
import { FEW_TRADES } from '../backtest/sample-warnings';

/** The backtest trade count that earns the full trade-count score: what docs/METRICS.md calls enough to trust. */
export const TRUSTED_TRADES = 100;
/** Below FEW_TRADES backtest trades the whole score is capped here: a high score needs a sample behind it. */
export const FEW_TRADES_SCORE_CAP = 50;
/** A backtest with a Sharpe of 0 or less (it lost money over the window) caps the score here. */
export const LOSING_SCORE_CAP = 25;
/** A Sharpe ratio (annualised, risk-free 0) at or above this scores 100; 0 or below scores 0. */
export const GOOD_SHARPE = 2;
/** Below this Sharpe the backtest's returns barely pay for their swings: warned. */
export const MIN_SHARPE = 0.5;
/** A maximum drawdown at or beyond this many percent scores 0 (a 50 % fall needs +100 % to recover). */
export const DRAWDOWN_ZERO_PCT = 50;
/** A maximum drawdown deeper than this (percent) is warned. */
export const MAX_DRAWDOWN_PCT = 25;
/** Out-of-sample return more than this many percent below in-sample: warned as likely over-fitted. */
export const MAX_DEGRADATION_PCT = 50;
/** The account needs this many closed trades in the window before its divergence from the backtest is judged. */
export const MIN_LIVE_TRADES = 5;
/** Account and backtest returns further apart than this (percentage points of the starting equity): warned. */
export const LIVE_RETURN_GAP_PP = 5;
/** Trade counts further apart than this (percent of the backtest's count): warned. */
export const LIVE_TRADE_GAP_PCT = 25;
/** Win rates further apart than this (percentage points): warned. */
export const LIVE_WIN_RATE_GAP_PP = 15;
/** Mean slippage per round trip (entry + exit, basis points, positive = the account filled worse) above this: warned. */
export const LIVE_SLIPPAGE_BPS = 10;

/** Each part's share of the score (they add up to 100); parts without data drop out and the rest are re-weighted. */
export const QUALITY_WEIGHTS = {
  trades: 20,
  sharpe: 20,
  drawdown: 10,
  degradation: 20,
  liveReturn: 10,
  liveTrades: 8,
  liveWinRate: 6,
  liveSlippage: 6,
} as const;

export type QualityComponentName = keyof typeof QUALITY_WEIGHTS;

/** The backtest of the strategy over the window (its Metrics, docs/METRICS.md). */
export interface QualityBacktestFigures {
  trades: number;
  sharpe: number;
  maxDrawdownPct: number;
}

/** A walk-forward over the same window: the chosen parameters' mean annualised return in and out of sample. */
export interface QualityWalkForwardFigures {
  windows: number;
  /** mean over the windows of the chosen parameter set's in-sample `annualReturnPct` */
  inSampleReturnPct: number;
  /** mean over the windows of the out-of-sample `annualReturnPct` */
  outOfSampleReturnPct: number;
}

/** The account's closed trades of the strategy next to the backtest's (reporting's strategy compare). */
export interface QualityLiveFigures {
  accountTrades: number;
  backtestTrades: number;
  accountReturnPct: number;
  backtestReturnPct: number;
  accountWinRatePct: number;
  backtestWinRatePct: number;
  /** account trades paired with a backtest trade */
  pairs: number;
  avgEntrySlippageBps: number;
  avgExitSlippageBps: number;
}

export interface QualityInput {
  /** absent: no backtest could run (no candles) */
  backtest?: QualityBacktestFigures | undefined;
  walkForward?: QualityWalkForwardFigures | undefined;
  live?: QualityLiveFigures | undefined;
}

export interface QualityComponent {
  name: QualityComponentName;
  label: string;
  weight: number;
  /** 0–100; null: not enough data (then `reason` says why) */
  score: number | null;
  /** the figure the score is computed from, in `unit`; null when there is none */
  raw: number | null;
  unit: 'trades' | 'ratio' | '%' | 'pp' | 'bps';
  /** the threshold its warning uses, in `unit` */
  threshold: number;
  /** the threshold in words, e.g. "≥ 30 trades" */
  wants: string;
  reason?: string;
}

export interface QualityScore {
  /** 0–100, one decimal; null when no part has data */
  score: number | null;
  /** which parts the score rests on, in words */
  basedOn: string;
  components: QualityComponent[];
  warnings: string[];
}

const clamp = (value: number) => Math.min(100, Math.max(0, value));
const figure = (value: number, digits = 1) => String(Number(value.toFixed(digits)));

type Part = Omit<QualityComponent, 'weight' | 'name'>;

const noData = (part: Omit<Part, 'score' | 'raw' | 'reason'>, reason: string, raw: number | null = null): Part => ({
  ...part,
  score: null,
  raw,
  reason,
});

export function qualityScore(input: QualityInput): QualityScore {
  const warnings: string[] = [];
  const parts: Record<QualityComponentName, Part> = {
    trades: tradesPart(input.backtest, warnings),
    sharpe: sharpePart(input.backtest, warnings),
    drawdown: drawdownPart(input.backtest, warnings),
    degradation: degradationPart(input.walkForward, warnings),
    ...liveParts(input.live, warnings),
  };
  const components = (Object.keys(QUALITY_WEIGHTS) as QualityComponentName[]).map((name) => ({
    name,
    weight: QUALITY_WEIGHTS[name],
    ...parts[name],
  }));
  const scored = components.filter((c) => c.score !== null);
  const weight = scored.reduce((sum, c) => sum + c.weight, 0);
  let score = weight > 0 ? scored.reduce((sum, c) => sum + c.weight * c.score!, 0) / weight : null;
  // caps, lowest first: agreement and a large sample only make a loss more certain, never better
  const caps: { cap: number; why: string }[] = [];
  const sharpe = scoredFigure(components, 'sharpe');
  if (sharpe !== null && sharpe <= 0)
    caps.push({ cap: LOSING_SCORE_CAP, why: `capped at ${LOSING_SCORE_CAP}: the backtest lost money` });
  if (input.backtest !== undefined && input.backtest.trades < FEW_TRADES)
    caps.push({ cap: FEW_TRADES_SCORE_CAP, why: `capped at ${FEW_TRADES_SCORE_CAP} below ${FEW_TRADES} trades` });
  const cap = caps.sort((a, b) => a.cap - b.cap)[0];
  const capped = score !== null && cap !== undefined && score > cap.cap;
  if (capped) score = cap.cap;
  const missing = components.filter((c) => c.score === null);
  const basedOn =
    score === null
      ? 'no score: not enough data for any part'
      : `based on ${scored.map((c) => c.label).join(', ')} (weight ${weight} of 100)` +
        (missing.length ? `; not enough data: ${missing.map((c) => c.label).join(', ')}` : '') +
        (capped ? `; ${cap.why}` : '');
  return { score: score === null ? null : Number(score.toFixed(1)), basedOn, components, warnings };
}

/** The raw figure of a part that has a score, else null. */
function scoredFigure(components: readonly QualityComponent[], name: QualityComponentName): number | null {
  const c = components.find((x) => x.name === name);
  return c && c.score !== null ? c.raw : null;
}

function tradesPart(backtest: QualityBacktestFigures | undefined, warnings: string[]): Part {
  const part = {
    label: 'trade count',
    unit: 'trades',
    threshold: FEW_TRADES,
    wants: `≥ ${FEW_TRADES} trades (${TRUSTED_TRADES} for full marks)`,
  } as const;
  if (!backtest) return noData(part, 'no backtest');
  const n = backtest.trades;
  if (n === 0) warnings.push('no trades in the backtest: nothing to judge the strategy on');
  else if (n < FEW_TRADES)
    warnings.push(`only ${n} trade${n === 1 ? '' : 's'}: too few to judge (want ≥ ${FEW_TRADES})`);
  return { ...part, raw: n, score: clamp((n / TRUSTED_TRADES) * 100) };
}

function sharpePart(backtest: QualityBacktestFigures | undefined, warnings: string[]): Part {
  const part = {
    label: 'Sharpe',
    unit: 'ratio',
    threshold: MIN_SHARPE,
    wants: `≥ ${MIN_SHARPE} (${GOOD_SHARPE} for full marks)`,
  } as const;
  if (!backtest) return noData(part, 'no backtest');
  if (backtest.trades === 0) return noData(part, 'the backtest made no trade');
  const sharpe = backtest.sharpe;
  if (!Number.isFinite(sharpe)) return noData(part, 'the backtest has no finite Sharpe');
  if (sharpe < MIN_SHARPE)
    warnings.push(
      `backtest Sharpe ${figure(sharpe, 2)} is below ${MIN_SHARPE}: ${sharpe <= 0 ? 'the strategy lost money over the window' : 'its returns barely pay for their swings'}`,
    );
  return { ...part, raw: sharpe, score: clamp((sharpe / GOOD_SHARPE) * 100) };
}

function drawdownPart(backtest: QualityBacktestFigures | undefined, warnings: string[]): Part {
  const part = {
    label: 'max drawdown',
    unit: '%',
    threshold: MAX_DRAWDOWN_PCT,
    wants: `≤ ${MAX_DRAWDOWN_PCT} %`,
  } as const;
  if (!backtest) return noData(part, 'no backtest');
  if (backtest.trades === 0) return noData(part, 'the backtest made no trade');
  const dd = backtest.maxDrawdownPct;
  if (!Number.isFinite(dd)) return noData(part, 'the backtest has no finite drawdown');
  if (dd > MAX_DRAWDOWN_PCT)
    warnings.push(`the backtest fell ${figure(dd)} % from a peak: deeper than ${MAX_DRAWDOWN_PCT} %`);
  return { ...part, raw: dd, score: clamp((1 - dd / DRAWDOWN_ZERO_PCT) * 100) };
}

function degradationPart(wf: QualityWalkForwardFigures | undefined, warnings: string[]): Part {
  const part = {
    label: 'out-of-sample degradation',
    unit: '%',
    threshold: MAX_DEGRADATION_PCT,
    wants: `out-of-sample return ≤ ${MAX_DEGRADATION_PCT} % below in-sample`,
  } as const;
  if (!wf || wf.windows === 0) return noData(part, 'no walk-forward window fits in the window');
  if (!Number.isFinite(wf.inSampleReturnPct) || !Number.isFinite(wf.outOfSampleReturnPct))
    return noData(part, 'the walk-forward has no finite return');
  if (!(wf.inSampleReturnPct > 0)) {
    // a result, not a missing figure: even the best parameters in sample made nothing, so no edge holds out of sample
    warnings.push(
      `the walk-forward's best parameters made no in-sample return (${figure(wf.inSampleReturnPct)} % a year): no edge to keep out of sample`,
    );
    return { ...part, raw: null, score: 0 };
  }
  // percent of the in-sample return lost out of sample: 0 = kept all of it, 100 = nothing left, more = a loss
  const degradation = ((wf.inSampleReturnPct - wf.outOfSampleReturnPct) / wf.inSampleReturnPct) * 100;
  if (degradation > MAX_DEGRADATION_PCT)
    warnings.push(
      degradation >= 100
        ? `out-of-sample return is ${figure(degradation, 0)} % below in-sample (it made ${wf.outOfSampleReturnPct < 0 ? 'a loss' : 'nothing'} out of sample): likely over-fitted`
        : `out-of-sample return is ${figure(degradation, 0)} % below in-sample: likely over-fitted`,
    );
  return { ...part, raw: degradation, score: clamp(100 - degradation) };
}

/** A gap scores 100 at 0, 50 at its threshold and 0 at twice it. */
const gapScore = (gap: number, threshold: number) => clamp((1 - gap / (2 * threshold)) * 100);

function liveParts(
  live: QualityLiveFigures | undefined,
  warnings: string[],
): Pick<Record<QualityComponentName, Part>, 'liveReturn' | 'liveTrades' | 'liveWinRate' | 'liveSlippage'> {
  const parts = {
    liveReturn: {
      label: 'live return vs backtest',
      unit: 'pp',
      threshold: LIVE_RETURN_GAP_PP,
      wants: `within ${LIVE_RETURN_GAP_PP} pp`,
    },
    liveTrades: {
      label: 'live trade count vs backtest',
      unit: '%',
      threshold: LIVE_TRADE_GAP_PCT,
      wants: `within ${LIVE_TRADE_GAP_PCT} %`,
    },
    liveWinRate: {
      label: 'live win rate vs backtest',
      unit: 'pp',
      threshold: LIVE_WIN_RATE_GAP_PP,
      wants: `within ${LIVE_WIN_RATE_GAP_PP} pp`,
    },
    liveSlippage: {
      label: 'live slippage per trade',
      unit: 'bps',
      threshold: LIVE_SLIPPAGE_BPS,
      wants: `≤ ${LIVE_SLIPPAGE_BPS} bps per round trip`,
    },
  } as const;
  const accountTrades = live?.accountTrades ?? 0;
  if (!live || accountTrades < MIN_LIVE_TRADES) {
    const reason =
      accountTrades === 0
        ? 'no closed trade of the account in the window yet'
        : `only ${accountTrades} closed trade${accountTrades === 1 ? '' : 's'} of the account in the window (want ≥ ${MIN_LIVE_TRADES})`;
    return {
      liveReturn: noData(parts.liveReturn, reason),
      liveTrades: noData(parts.liveTrades, reason),
      liveWinRate: noData(parts.liveWinRate, reason),
      liveSlippage: noData(parts.liveSlippage, reason),
    };
  }

  const returnGap = Math.abs(live.accountReturnPct - live.backtestReturnPct);
  if (returnGap > LIVE_RETURN_GAP_PP)
    warnings.push(
      `live trades diverge from the backtest by ${figure(returnGap)} points of return (account ${figure(live.accountReturnPct)} %, backtest ${figure(live.backtestReturnPct)} %; want within ${LIVE_RETURN_GAP_PP})`,
    );

  // against the backtest's count; a backtest without closed trades makes every account trade a divergence
  const tradeGap = (Math.abs(live.accountTrades - live.backtestTrades) / Math.max(live.backtestTrades, 1)) * 100;
  if (tradeGap > LIVE_TRADE_GAP_PCT)
    warnings.push(
      `the account closed ${live.accountTrades} trades where the backtest closed ${live.backtestTrades}: ${figure(tradeGap, 0)} % apart (want within ${LIVE_TRADE_GAP_PCT} %)`,
    );

  const winGap = Math.abs(live.accountWinRatePct - live.backtestWinRatePct);
  if (winGap > LIVE_WIN_RATE_GAP_PP)
    warnings.push(
      `live win rate ${figure(live.accountWinRatePct)} % against the backtest's ${figure(live.backtestWinRatePct)} %: ${figure(winGap)} points apart (want within ${LIVE_WIN_RATE_GAP_PP})`,
    );

  let slippage: Part;
  if (live.pairs === 0) slippage = noData(parts.liveSlippage, 'no account trade paired with a backtest trade');
  else {
    const perTrade = live.avgEntrySlippageBps + live.avgExitSlippageBps;
    if (perTrade > LIVE_SLIPPAGE_BPS)
      warnings.push(
        `the account filled ${figure(perTrade)} bps worse than the backtest per round trip (want ≤ ${LIVE_SLIPPAGE_BPS}): the backtest's costs are too low`,
      );
    // filling better than the backtest is no divergence to penalise
    slippage = { ...parts.liveSlippage, raw: perTrade, score: gapScore(Math.max(0, perTrade), LIVE_SLIPPAGE_BPS) };
  }
  const gapPart = (part: Omit<Part, 'score' | 'raw' | 'reason'>, gap: number): Part =>
    Number.isFinite(gap)
      ? { ...part, raw: gap, score: gapScore(gap, part.threshold) }
      : noData(part, 'no finite figure');
  return {
    liveReturn: gapPart(parts.liveReturn, returnGap),
    liveTrades: gapPart(parts.liveTrades, tradeGap),
    liveWinRate: gapPart(parts.liveWinRate, winGap),
    liveSlippage: Number.isFinite(slippage.raw ?? 0) ? slippage : noData(parts.liveSlippage, 'no finite figure'),
  };
}
