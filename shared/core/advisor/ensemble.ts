// The ensemble vote (docs/AI-ensemble.md): N models, each through its own Advisor, vote long /
// short / out on an entry signal given its indicator context; the entry proceeds only when at
// least K of them agree with its side. A model that refuses, answers out of shape or does not
// answer in time abstains, and an abstention never counts as agreement: the vote fails closed.
// Every vote leaves ONE 'signal.vote' audit event with each ballot. A model's answer can only hold
// an entry back; it never sizes, places or changes an order (this folder never imports execution).
import * as z from 'zod/mini';
import { ConfigError } from '../errors';
import type { EnsembleBallot } from '../domain/audit';
import type { StrategyTimeframe } from '../domain/strategy-subscription';
import { atr, ema, rsi, sma } from '../indicators';
import type { Candles } from '../backtest/types';
import type { AuditLog, Clock } from './ports';
import type { Advisor, StructuredAnswer } from './types';

/** One configured model and the advisor that asks it. */
export interface Voter {
  /** how ballots name it: provider:model, as ENSEMBLE_MODELS lists it */
  model: string;
  advisor: Advisor;
}

/** The side an entry opens. */
export type EntrySide = 'long' | 'short';

/** What the models see of the market: the symbol's last candles on the signal's timeframe, summed up. */
export interface IndicatorContext {
  timeframe: StrategyTimeframe;
  /** closed candles the figures were computed from */
  candles: number;
  close: number;
  sma20?: number;
  ema50?: number;
  rsi14?: number;
  atr14?: number;
  /** percent change of the close over the last 24 candles (fewer when fewer are known) */
  changePct?: number;
  /** the last closes, oldest first */
  recentCloses: number[];
}

export interface VoteRequest {
  accountId: string;
  signalId: string;
  symbol: string;
  intent: 'enter_long' | 'enter_short';
  /** K: agreeing ballots needed to proceed (validated with ensembleRequired) */
  required: number;
  /** the market as the models see it; a string says why there is none (no one is then asked) */
  context: IndicatorContext | string;
}

export interface VoteOutcome {
  decision: 'proceed' | 'block';
  required: number;
  agreeing: number;
  ballots: EnsembleBallot[];
}

export interface EnsembleVoteDeps {
  voters: readonly Voter[];
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** each model's time to answer, ms; the vote answers within this plus `graceMs` */
  timeoutMs: number;
  /** what a voter that overruns its own timeout is given on top before it is counted abstaining */
  graceMs?: number;
}

/** The ballot's shape: the provider gets its JSON Schema and the answer must parse with it. */
export const BALLOT_SCHEMA = z.object({
  vote: z.enum(['long', 'short', 'out']),
  reason: z.string().check(z.maxLength(300)),
});
export type BallotAnswer = z.infer<typeof BALLOT_SCHEMA>;

export const DEFAULT_REQUIRED = 2;
const DEFAULT_GRACE_MS = 250;
/** how much of a refusal's detail a ballot keeps (the audit event stays small) */
const REASON_CHARS = 200;

const SYSTEM = [
  'You are one of several independent reviewers of an automated crypto-futures trading signal.',
  'Given the market context, vote "long" if a long position is justified now, "short" if a short one is,',
  'or "out" if neither is. Give a one-sentence reason. You cannot place, size or change orders:',
  'your vote can only let the signal proceed or hold it back. Answer with JSON matching the schema only.',
].join(' ');

/** K validated against N: 1 ≤ K ≤ N, an integer; otherwise a ConfigError naming the field and the bound. */
export function ensembleRequired(required: unknown, models: number): number {
  if (models < 1) throw new ConfigError('ensemble: no models configured (ENSEMBLE_MODELS is empty)');
  if (typeof required !== 'number' || !Number.isInteger(required) || required < 1 || required > models)
    throw new ConfigError(
      `ensemble.required must be an integer from 1 to ${models} (the number of models in ENSEMBLE_MODELS), got ${String(required)}`,
    );
  return required;
}

/** The figures the models vote on, or undefined when there is not even one candle. */
export function indicatorContext(candles: Candles, timeframe: StrategyTimeframe): IndicatorContext | undefined {
  const n = candles.close.length;
  if (n === 0) return undefined;
  const last = (series: Float64Array): number | undefined => {
    const v = series[n - 1];
    return v !== undefined && Number.isFinite(v) ? round(v) : undefined;
  };
  const close = candles.close[n - 1] as number;
  const back = candles.close[Math.max(0, n - 25)] as number;
  const context: IndicatorContext = {
    timeframe,
    candles: n,
    close,
    recentCloses: Array.from(candles.close.subarray(Math.max(0, n - 10))),
  };
  const put = (key: 'sma20' | 'ema50' | 'rsi14' | 'atr14', value: number | undefined) => {
    if (value !== undefined) context[key] = value;
  };
  if (n >= 20) put('sma20', last(sma(candles.close, 20)));
  if (n >= 50) put('ema50', last(ema(candles.close, 50)));
  if (n > 14) {
    put('rsi14', last(rsi(candles.close, 14)));
    put('atr14', last(atr(candles.high, candles.low, candles.close, 14)));
  }
  if (n > 1 && back > 0) context.changePct = round(((close - back) / back) * 100);
  return context;
}

/** The question one model is asked: the symbol, the side the signal wants, the figures. */
export function votePrompt(symbol: string, side: EntrySide, context: IndicatorContext): string {
  const figures = [
    `close ${context.close}`,
    context.sma20 !== undefined ? `SMA(20) ${context.sma20}` : undefined,
    context.ema50 !== undefined ? `EMA(50) ${context.ema50}` : undefined,
    context.rsi14 !== undefined ? `RSI(14) ${context.rsi14}` : undefined,
    context.atr14 !== undefined ? `ATR(14) ${context.atr14}` : undefined,
    context.changePct !== undefined
      ? `change over the last ${Math.min(24, context.candles - 1)} candles ${context.changePct} %`
      : undefined,
  ].filter((f): f is string => f !== undefined);
  return [
    `Signal: open a ${side} position on ${symbol}.`,
    `Market on the ${context.timeframe} timeframe (${context.candles} closed candles): ${figures.join(', ')}.`,
    `Last closes, oldest first: ${context.recentCloses.join(', ')}.`,
    'Vote long, short or out.',
  ].join('\n');
}

export class EnsembleVote {
  private readonly graceMs: number;

  constructor(private readonly deps: EnsembleVoteDeps) {
    if (deps.voters.length === 0) throw new ConfigError('ensemble: no models configured (ENSEMBLE_MODELS is empty)');
    this.graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  }

  get models(): number {
    return this.deps.voters.length;
  }

  /**
   * Asks every model at once and counts; writes the one 'signal.vote' event (an audit write that
   * fails goes up: the vote must not go unrecorded). Answers within timeoutMs + graceMs whatever
   * the advisors do.
   */
  async decide(request: VoteRequest): Promise<VoteOutcome> {
    const required = ensembleRequired(request.required, this.models);
    const side: EntrySide = request.intent === 'enter_long' ? 'long' : 'short';
    const { context } = request;
    const ballots =
      typeof context === 'string'
        ? this.deps.voters.map((v): EnsembleBallot => ({
            model: v.model,
            vote: 'abstain',
            reason: `not asked: ${context}`,
          }))
        : await Promise.all(
            this.deps.voters.map((v) => this.ballot(v, request, votePrompt(request.symbol, side, context))),
          );
    const agreeing = ballots.filter((b) => b.vote === side).length;
    const decision = agreeing >= required ? 'proceed' : 'block';
    await this.deps.audit.append({
      accountId: request.accountId,
      type: 'signal.vote',
      at: this.deps.clock.now(),
      signalId: request.signalId,
      message: `ensemble: ${agreeing} of ${ballots.length} models agree with ${side} (${required} needed): ${decision}`,
      data: { symbol: request.symbol, intent: request.intent, decision, required, agreeing, ballots },
    });
    return { decision, required, agreeing, ballots };
  }

  private async ballot(voter: Voter, request: VoteRequest, prompt: string): Promise<EnsembleBallot> {
    const asked = voter.advisor
      .ask({
        accountId: request.accountId,
        purpose: 'ensemble-vote',
        system: SYSTEM,
        prompt,
        schema: BALLOT_SCHEMA,
        schemaName: 'ensemble_vote',
        maxOutputTokens: 200,
        timeoutMs: this.deps.timeoutMs,
      })
      // The contract says an advisor never throws; one that does abstains like any other failure.
      .catch((error: unknown): StructuredAnswer<BallotAnswer> => ({
        ok: false,
        reason: 'provider-error',
        detail: error instanceof Error ? error.message : String(error),
      }));
    const answer = await withDeadline(asked, this.deps.timeoutMs + this.graceMs);
    if (answer === undefined)
      return { model: voter.model, vote: 'abstain', reason: `timeout: no answer within ${this.deps.timeoutMs} ms` };
    if (!answer.ok) return { model: voter.model, vote: 'abstain', reason: clip(`${answer.reason}: ${answer.detail}`) };
    return { model: voter.model, vote: answer.value.vote, reason: clip(answer.value.reason) };
  }
}

/** The promise's value, or undefined once `ms` have passed (the promise is left to settle unseen). */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const clip = (text: string): string => (text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text);

/** Six significant digits: what a model needs, and a prompt that does not carry float noise. */
const round = (value: number): number => Number(value.toPrecision(6));
