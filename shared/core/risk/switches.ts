// Kill switches: the account-wide brakes that stop new entries (and, for the drawdown, close
// everything) whatever the signals say. runScheduledSwitches is the minute job's pass over fresh
// equity, closed trades, prices and exchange-call health; it trips, expires and records. entryBlock
// is the executor's cheap question before each entry: it reads the tripped switches and repeats the
// live checks, so a loss or a price shock between two job runs still blocks.
//
// A limit of zero or less turns its check off (a 0 % daily loss limit would otherwise trip at the
// first tick of every day). Percent thresholds are reached at equality: a tiny tolerance keeps a
// loss of exactly 5 % from slipping under a 5 % limit through floating-point rounding.
import { Big, type Decimal } from '../domain/money';
import type { TradeRecord } from '../domain/trade';
import type { CircuitTier, KillSwitchConfig } from './config';
import {
  SWITCH_NAMES,
  type ExchangeCall,
  type PriceSample,
  type RiskState,
  type SwitchName,
  type SwitchState,
} from './state';
import { tradingDay } from './trading-day';

type Numbers = Record<string, number | string>;

export interface SwitchEvent {
  switch: SwitchName;
  kind: 'tripped' | 'reset' | 'expired';
  at: number;
  reason: string;
  numbers: Numbers;
}

export interface ScheduledInputs {
  config: KillSwitchConfig;
  state: RiskState;
  now: number;
  /** equity just read from the exchange (wallet + unrealized), quote currency; undefined when the read failed */
  equity?: Decimal;
  /** closed trades, any order (the streak is computed by closedAt) */
  closedTrades: readonly TradeRecord[];
  /** current price per traded symbol (open positions and recently traded), for the circuit breaker */
  prices: Record<string, number>;
  /**
   * The market time of each price (the quote's timestamp), when it differs from `now`: price
   * windows are measured in market time, so a replayed market running faster than the wall clock
   * (the local stack) is judged by its own minutes. Pauses are wall-clock time from `now`.
   */
  priceTimes?: Record<string, number>;
  /** bid/ask spread per symbol in bps, when known */
  spreadsBps?: Record<string, number>;
  /** the exchange calls made by this run (latency, success) */
  calls: readonly ExchangeCall[];
  /**
   * The exchange's own volatility index per traded symbol (its base coin's reading), where the
   * exchange exposes one: the volatility trigger reads the larger of it and the realized index.
   */
  exchangeVolatility?: Record<string, ExchangeVolatility>;
}

/** An exchange's volatility index reading, as the breaker weighs it. */
export interface ExchangeVolatility {
  /** annualised, percent */
  pct: number;
  /** what it is ("Bybit options 7-day historical volatility") */
  source: string;
  base: string;
  /** when the exchange computed it, epoch ms */
  time: number;
}

export interface ScheduledOutcome {
  state: RiskState;
  events: SwitchEvent[];
  /** close every position: true on every run while the drawdown switch is tripped (a close may have failed) */
  flattenAll: boolean;
  /** disable the account: true only on the run that trips the drawdown switch */
  disableAccount: boolean;
}

export interface EntryBlock {
  switch: SwitchName;
  code: string;
  reason: string;
  until?: number;
  numbers: Numbers;
}

const MINUTE = 60_000;
const TOLERANCE = 1e-9;

const reached = (value: number, limit: number): boolean => limit > 0 && value >= limit - TOLERANCE;
/**
 * How far `value` sits below `base`, percent of `base`: the amounts are subtracted exactly, and the
 * percentage (a ratio compared with the configured limit, not money) becomes a number here.
 */
const dropPct = (base: Decimal, value: Decimal): number =>
  Number(new Big(base).minus(value).times(100).div(base).toString());
const movePct = (price: number, reference: number): number => (Math.abs(price - reference) * 100) / reference;
const round = (x: number, decimals = 4): number => Math.round(x * 10 ** decimals) / 10 ** decimals;
const show = (x: number): string => String(round(x, 2));
/** an amount for a reason text, to the cent */
const showMoney = (x: Decimal): string => new Big(x).round(2, Big.roundHalfUp).toString();
/** a stored or read equity that is a finite amount (an unreadable one skips the equity switches) */
const isMoney = (x: Decimal | undefined): x is Decimal =>
  typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x));
const positive = (x: Decimal): boolean => new Big(x).gt(0);
const showTime = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const isUsable = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const isPrice = (x: number | undefined): x is number => isUsable(x) && x > 0;
const isActive = (sw: SwitchState | undefined, now: number): sw is SwitchState =>
  sw?.tripped === true && (sw.until === undefined || sw.until > now);

const LABELS: Record<SwitchName, string> = {
  daily_loss: 'Daily loss limit',
  drawdown: 'Drawdown kill switch',
  loss_streak: 'Loss-streak cooldown',
  circuit_breaker: 'Circuit breaker',
};

// ---------------------------------------------------------------------------------------------
// State transitions. Each returns a new state; the input is never touched.

interface Step {
  state: RiskState;
  events: SwitchEvent[];
}

const withSwitch = (state: RiskState, name: SwitchName, sw: SwitchState): RiskState => ({
  ...state,
  switches: { ...state.switches, [name]: sw },
});

/** A trip: the previous trip's `until` goes (a drawdown trip has none), the reset history stays. */
function trip(state: RiskState, name: SwitchName, now: number, reason: string, numbers: Numbers, until?: number): Step {
  const last: SwitchState = state.switches[name] ?? { tripped: false, trips: 0 };
  const { until: _previousUntil, ...previous } = last;
  const sw: SwitchState = {
    ...previous,
    tripped: true,
    trippedAt: now,
    reason,
    numbers,
    trips: previous.trips + 1,
    ...(until === undefined ? {} : { until }),
  };
  return { state: withSwitch(state, name, sw), events: [{ switch: name, kind: 'tripped', at: now, reason, numbers }] };
}

const unchanged = (state: RiskState): Step => ({ state, events: [] });

/** Switches whose pause has run out are released; the last trip's figures stay as history. */
function expire(state: RiskState, now: number): Step {
  let next = state;
  const events: SwitchEvent[] = [];
  for (const name of SWITCH_NAMES) {
    const sw = next.switches[name];
    if (!sw?.tripped || sw.until === undefined || sw.until > now) continue;
    next = withSwitch(next, name, { ...sw, tripped: false });
    events.push({
      switch: name,
      kind: 'expired',
      at: now,
      reason: `${LABELS[name]} pause ended at ${showTime(sw.until)}: entries allowed again`,
      numbers: { trippedAt: sw.trippedAt ?? 0, until: sw.until },
    });
  }
  return { state: next, events };
}

/**
 * Day rollover, peak and last equity. The day's base is the first successful equity read of the
 * day, so a failed read at midnight only delays it. The peak is frozen while the drawdown switch is
 * tripped: a recovery must not hide the fall the owner has to look at.
 */
function recordEquity(state: RiskState, config: KillSwitchConfig, now: number, equity: Decimal): RiskState {
  const day = tradingDay(now, config.timeZone).day;
  const rollover = state.day === day ? {} : { day, dayStartEquity: equity, dayStartAt: now };
  const frozen = state.switches.drawdown?.tripped === true;
  const newPeak = state.peakEquity === undefined || (!frozen && new Big(equity).gt(state.peakEquity));
  return {
    ...state,
    ...rollover,
    ...(newPeak ? { peakEquity: equity, peakAt: now } : {}),
    lastEquity: equity,
    lastEquityAt: now,
  };
}

function dailyLossNumbers(
  config: KillSwitchConfig,
  start: Decimal,
  equity: Decimal,
  day: string,
  until: number,
): Numbers {
  return {
    lossPct: round(dropPct(start, equity)),
    limitPct: config.dailyLossPct,
    equity,
    dayStartEquity: start,
    day,
    until,
  };
}

function checkDailyLoss(state: RiskState, config: KillSwitchConfig, now: number, equity: Decimal): Step {
  const start = state.dayStartEquity;
  if (start === undefined || !positive(start) || isActive(state.switches.daily_loss, now)) return unchanged(state);
  const loss = dropPct(start, equity);
  if (!reached(loss, config.dailyLossPct)) return unchanged(state);
  const { day, next } = tradingDay(now, config.timeZone);
  const reason =
    `Daily loss ${show(loss)}% (equity ${showMoney(equity)} vs ${showMoney(start)} at the start of ${day}) reached the ${config.dailyLossPct}% limit: ` +
    `new entries blocked until the next trading day starts at ${showTime(next)} (${config.timeZone} midnight); open positions are kept`;
  return trip(state, 'daily_loss', now, reason, dailyLossNumbers(config, start, equity, day, next), next);
}

function drawdownNumbers(config: KillSwitchConfig, state: RiskState, peak: Decimal, equity: Decimal): Numbers {
  return {
    drawdownPct: round(dropPct(peak, equity)),
    limitPct: config.maxDrawdownPct,
    equity,
    peakEquity: peak,
    ...(state.peakAt === undefined ? {} : { peakAt: state.peakAt }),
    ...(state.dayStartEquity === undefined ? {} : { dayStartEquity: state.dayStartEquity }),
  };
}

function checkDrawdown(state: RiskState, config: KillSwitchConfig, now: number, equity: Decimal): Step {
  const peak = state.peakEquity;
  if (peak === undefined || !positive(peak) || state.switches.drawdown?.tripped) return unchanged(state);
  const drawdown = dropPct(peak, equity);
  if (!reached(drawdown, config.maxDrawdownPct)) return unchanged(state);
  const reason =
    `Drawdown ${show(drawdown)}% from the equity peak (${showMoney(equity)} vs peak ${showMoney(peak)}) reached the ${config.maxDrawdownPct}% limit: ` +
    `closing every position and disabling the account until the owner resets the switch`;
  return trip(state, 'drawdown', now, reason, drawdownNumbers(config, state, peak, equity));
}

/**
 * The losing trades closed since the last non-losing one (realizedPnl ≥ 0 ends a streak). Linear,
 * no sort, no allocation: the executor calls it on every entry. On equal closedAt a loss counts
 * (the cautious reading of a tie).
 */
export function lossStreak(closedTrades: readonly TradeRecord[]): { count: number; lastLossAt?: number } {
  let lastNonLossAt = -Infinity;
  for (const trade of closedTrades) {
    if (trade.status === 'closed' && trade.closedAt !== undefined && new Big(trade.realizedPnl).gte(0))
      lastNonLossAt = Math.max(lastNonLossAt, trade.closedAt);
  }
  let count = 0;
  let lastLossAt: number | undefined;
  for (const trade of closedTrades) {
    if (
      trade.status !== 'closed' ||
      trade.closedAt === undefined ||
      !new Big(trade.realizedPnl).lt(0) ||
      trade.closedAt < lastNonLossAt
    )
      continue;
    count += 1;
    lastLossAt = Math.max(lastLossAt ?? -Infinity, trade.closedAt);
  }
  return lastLossAt === undefined ? { count } : { count, lastLossAt };
}

interface StreakBlock {
  count: number;
  lastLossAt: number;
  until: number;
}

/**
 * The cooldown a streak calls for, if any. A trip is keyed on its streak's last loss: once that
 * streak has tripped (then expired or been reset), only a further loss can trip again.
 */
function streakCooldown(
  config: KillSwitchConfig,
  state: RiskState,
  now: number,
  closedTrades: readonly TradeRecord[],
): StreakBlock | undefined {
  if (config.lossStreak <= 0) return undefined;
  const { count, lastLossAt } = lossStreak(closedTrades);
  if (count < config.lossStreak || lastLossAt === undefined) return undefined;
  const until = lastLossAt + config.cooldownMinutes * MINUTE;
  if (until <= now || state.switches.loss_streak?.numbers?.lastLossAt === lastLossAt) return undefined;
  return { count, lastLossAt, until };
}

function streakNumbers(config: KillSwitchConfig, streak: StreakBlock): Numbers {
  return {
    count: streak.count,
    limit: config.lossStreak,
    lastLossAt: streak.lastLossAt,
    cooldownMinutes: config.cooldownMinutes,
    until: streak.until,
  };
}

const streakReason = (config: KillSwitchConfig, streak: StreakBlock): string =>
  `${streak.count} losing trades in a row (limit ${config.lossStreak}): new entries paused for ${config.cooldownMinutes} min after the last loss, until ${showTime(streak.until)}`;

function checkLossStreak(
  state: RiskState,
  config: KillSwitchConfig,
  now: number,
  closedTrades: readonly TradeRecord[],
): Step {
  const streak = streakCooldown(config, state, now, closedTrades);
  if (!streak) return unchanged(state);
  return trip(state, 'loss_streak', now, streakReason(config, streak), streakNumbers(config, streak), streak.until);
}

// ---------------------------------------------------------------------------------------------
// Circuit breaker: price shocks and exchange anomalies.

/** A reason to pause entries. `cause` tells a new trip from more evidence of the one in force. */
interface Pause {
  cause: string;
  until: number;
  reason: string;
  numbers: Numbers;
}

interface Move {
  movePct: number;
  reference: PriceSample;
}

/** The largest move of `price` against the samples taken within `windowMinutes` of now (inclusive). */
function largestMove(
  samples: readonly PriceSample[],
  price: number,
  now: number,
  windowMinutes: number,
): Move | undefined {
  const from = now - windowMinutes * MINUTE;
  let best: Move | undefined;
  for (const sample of samples) {
    if (sample.at < from || sample.at > now || !isPrice(sample.price)) continue;
    const move = movePct(price, sample.price);
    if (!best || move > best.movePct) best = { movePct: move, reference: sample };
  }
  return best;
}

/** The tier a price move trips: the largest move threshold reached (then the longest pause). */
function tierTripped(
  tiers: readonly CircuitTier[],
  samples: readonly PriceSample[],
  price: number,
  now: number,
): { tier: CircuitTier; move: Move } | undefined {
  let found: { tier: CircuitTier; move: Move } | undefined;
  for (const tier of tiers) {
    if (
      found &&
      (tier.movePct < found.tier.movePct ||
        (tier.movePct === found.tier.movePct && tier.pauseMinutes <= found.tier.pauseMinutes))
    )
      continue;
    const move = largestMove(samples, price, now, tier.windowMinutes);
    if (move && reached(move.movePct, tier.movePct)) found = { tier, move };
  }
  return found;
}

function movePause(symbol: string, price: number, now: number, tier: CircuitTier, move: Move): Pause {
  const until = now + tier.pauseMinutes * MINUTE;
  return {
    cause: `move:${symbol}:${tier.movePct}%/${tier.windowMinutes}m`,
    until,
    reason:
      `${symbol} moved ${show(move.movePct)}% within ${tier.windowMinutes} min (${show(move.reference.price)} → ${show(price)}), ` +
      `reaching the ${tier.movePct}% circuit-breaker tier: new entries paused ${tier.pauseMinutes} min, until ${showTime(until)}`,
    numbers: {
      symbol,
      movePct: round(move.movePct),
      limitPct: tier.movePct,
      windowMinutes: tier.windowMinutes,
      pauseMinutes: tier.pauseMinutes,
      price,
      referencePrice: move.reference.price,
      referenceAt: move.reference.at,
      until,
    },
  };
}

/**
 * Samples older than the longest tier window, or the volatility index's when it is on (+1 minute
 * of slack for job jitter), are dropped.
 */
function recordPrices(
  state: RiskState,
  config: KillSwitchConfig,
  now: number,
  prices: Record<string, number>,
  times: Record<string, number>,
): Record<string, PriceSample[]> {
  const longest = Math.max(
    config.volatilityPct > 0 ? VOLATILITY_WINDOW_MINUTES : 0,
    ...config.circuitBreaker.map((tier) => tier.windowMinutes),
  );
  const kept: Record<string, PriceSample[]> = {};
  for (const [symbol, samples] of Object.entries(state.priceSamples)) {
    const keepFrom = (times[symbol] ?? now) - (longest + 1) * MINUTE;
    const recent = samples.filter((sample) => sample.at >= keepFrom && sample.at <= (times[symbol] ?? now));
    if (recent.length > 0) kept[symbol] = recent;
  }
  // A zero, negative or missing price is a bad read, not a crash: it neither trips nor is kept.
  for (const [symbol, price] of Object.entries(prices)) {
    if (isPrice(price)) kept[symbol] = [...(kept[symbol] ?? []), { at: times[symbol] ?? now, price }];
  }
  return kept;
}

function pricePauses(
  config: KillSwitchConfig,
  samples: Record<string, PriceSample[]>,
  prices: Record<string, number>,
  now: number,
  times: Record<string, number>,
): Pause[] {
  const pauses: Pause[] = [];
  for (const [symbol, price] of Object.entries(prices)) {
    if (!isPrice(price)) continue;
    const hit = tierTripped(config.circuitBreaker, samples[symbol] ?? [], price, times[symbol] ?? now);
    if (hit) pauses.push(movePause(symbol, price, now, hit.tier, hit.move));
  }
  return pauses;
}

// The volatility index: realized volatility of the price samples the breaker keeps anyway, so it
// costs no exchange read (the job's prices) and nothing on the executor's path (a trip is read
// there like any other).

/** the span of samples the index reads */
export const VOLATILITY_WINDOW_MINUTES = 60;
/** fewer returns than this say too little about volatility: no reading */
export const MIN_VOLATILITY_RETURNS = 10;
const YEAR_MS = 365 * 24 * 60 * MINUTE;

export interface VolatilityReading {
  /** annualised, percent (80 = 80 %) */
  pct: number;
  returns: number;
  fromAt: number;
  toAt: number;
}

/**
 * Realized volatility of the samples within `windowMinutes` before `at` (inclusive), annualised
 * to a 365-day year (crypto trades every day), percent: √(Σ r² · year / elapsed) with r the log
 * return between consecutive samples. The job's samples are not evenly spaced (jitter, a missed
 * run), so the squared returns are scaled by the time they span rather than counted as bars; the
 * mean return is taken as zero (over an hour of minute returns it is noise: realized variance's
 * usual convention). Undefined with fewer than MIN_VOLATILITY_RETURNS returns.
 */
export function realizedVolatilityPct(
  samples: readonly PriceSample[],
  at: number,
  windowMinutes = VOLATILITY_WINDOW_MINUTES,
): VolatilityReading | undefined {
  const from = at - windowMinutes * MINUTE;
  const recent = samples
    .filter((sample) => sample.at >= from && sample.at <= at && isPrice(sample.price))
    .sort((a, b) => a.at - b.at);
  if (recent.length < MIN_VOLATILITY_RETURNS + 1) return undefined;
  const first = recent[0]!;
  const last = recent[recent.length - 1]!;
  const elapsed = last.at - first.at;
  if (elapsed <= 0) return undefined;
  let squares = 0;
  for (let i = 1; i < recent.length; i++) squares += Math.log(recent[i]!.price / recent[i - 1]!.price) ** 2;
  return {
    pct: Math.sqrt((squares * YEAR_MS) / elapsed) * 100,
    returns: recent.length - 1,
    fromAt: first.at,
    toAt: last.at,
  };
}

/**
 * The volatility index of each priced symbol is the larger of the realized one (its samples) and
 * the exchange's own (its base coin's reading, where the exchange exposes one); the pause names
 * the source that reached the bound and its figure.
 */
function volatilityPauses(
  config: KillSwitchConfig,
  samples: Record<string, PriceSample[]>,
  prices: Record<string, number>,
  now: number,
  times: Record<string, number>,
  exchangeIndex: Record<string, ExchangeVolatility>,
): Pause[] {
  if (config.volatilityPct <= 0) return [];
  const { pauseMinutes } = config.anomalies;
  const until = now + pauseMinutes * MINUTE;
  const pauses: Pause[] = [];
  const tail = `reached the ${config.volatilityPct}% limit: new entries paused ${pauseMinutes} min, until ${showTime(until)}`;
  for (const [symbol, price] of Object.entries(prices)) {
    if (!isPrice(price)) continue;
    const reading = realizedVolatilityPct(samples[symbol] ?? [], times[symbol] ?? now);
    const exchange = exchangeIndex[symbol];
    const exchangePct = exchange && Number.isFinite(exchange.pct) ? exchange.pct : undefined;
    if (exchange && exchangePct !== undefined && (!reading || exchangePct > reading.pct)) {
      if (!reached(exchangePct, config.volatilityPct)) continue;
      pauses.push({
        cause: `volatility:${symbol}`,
        until,
        reason: `${symbol} volatility ${show(exchangePct)}% (${exchange.source}, ${exchange.base}) ${tail}`,
        numbers: {
          symbol,
          source: exchange.source,
          base: exchange.base,
          volatilityPct: round(exchangePct),
          ...(reading ? { realizedPct: round(reading.pct) } : {}),
          readingAt: exchange.time,
          limitPct: config.volatilityPct,
          pauseMinutes,
          until,
        },
      });
      continue;
    }
    if (!reading || !reached(reading.pct, config.volatilityPct)) continue;
    const minutes = round((reading.toAt - reading.fromAt) / MINUTE, 1);
    pauses.push({
      cause: `volatility:${symbol}`,
      until,
      reason:
        `${symbol} realized volatility ${show(reading.pct)}% annualised (${reading.returns} returns over ${minutes} min) ` +
        tail,
      numbers: {
        symbol,
        source: 'realized',
        volatilityPct: round(reading.pct),
        ...(exchangePct !== undefined ? { exchangePct: round(exchangePct) } : {}),
        limitPct: config.volatilityPct,
        returns: reading.returns,
        windowMinutes: minutes,
        pauseMinutes,
        until,
      },
    });
  }
  return pauses;
}

function anomalyPauses(
  config: KillSwitchConfig,
  now: number,
  calls: readonly ExchangeCall[],
  window: readonly ExchangeCall[],
  spreadsBps: Record<string, number>,
): Pause[] {
  const { maxLatencyMs, maxErrorRatePct, errorWindow, maxSpreadBps, pauseMinutes } = config.anomalies;
  const until = now + pauseMinutes * MINUTE;
  const pause = (cause: string, what: string, numbers: Numbers): Pause => ({
    cause,
    until,
    reason: `${what}: new entries paused ${pauseMinutes} min, until ${showTime(until)}`,
    numbers: { ...numbers, pauseMinutes, until },
  });
  const pauses: Pause[] = [];

  const slowest = calls.reduce<ExchangeCall | undefined>(
    (worst, call) => (!worst || call.ms > worst.ms ? call : worst),
    undefined,
  );
  if (maxLatencyMs > 0 && slowest && slowest.ms > maxLatencyMs) {
    pauses.push(
      pause('latency', `Exchange call took ${slowest.ms} ms (limit ${maxLatencyMs} ms)`, {
        latencyMs: slowest.ms,
        maxLatencyMs,
      }),
    );
  }

  // A rate over a handful of calls says little: wait for half a window.
  if (errorWindow > 0 && maxErrorRatePct > 0 && window.length >= errorWindow / 2) {
    const failed = window.filter((call) => !call.ok).length;
    const rate = (failed * 100) / window.length;
    if (rate > maxErrorRatePct) {
      pauses.push(
        pause(
          'error_rate',
          `${failed} of the last ${window.length} exchange calls failed (${show(rate)}%, limit ${maxErrorRatePct}%)`,
          {
            errorRatePct: round(rate),
            maxErrorRatePct,
            failed,
            calls: window.length,
          },
        ),
      );
    }
  }

  if (maxSpreadBps > 0) {
    for (const [symbol, spread] of Object.entries(spreadsBps)) {
      if (isUsable(spread) && spread > maxSpreadBps) {
        pauses.push(
          pause(`spread:${symbol}`, `${symbol} bid/ask spread ${show(spread)} bps (limit ${maxSpreadBps} bps)`, {
            symbol,
            spreadBps: spread,
            maxSpreadBps,
          }),
        );
      }
    }
  }
  return pauses;
}

/**
 * The longest pause wins. While the breaker is on, a longer pause for the same cause (the move is
 * still inside its window, the exchange is still slow) quietly pushes `until` out, so the pause
 * ends `pauseMinutes` after the condition was last seen; a new cause with a longer pause is a new
 * trip with its own event. A shorter pause never shortens the one in force.
 */
function applyPause(state: RiskState, now: number, pauses: readonly Pause[]): Step {
  const longest = pauses.reduce<Pause | undefined>(
    (best, pause) => (!best || pause.until > best.until ? pause : best),
    undefined,
  );
  if (!longest) return unchanged(state);
  const current = state.switches.circuit_breaker;
  if (isActive(current, now)) {
    if (current.until === undefined || longest.until <= current.until) return unchanged(state);
    if (current.numbers?.cause === longest.cause) {
      return unchanged(
        withSwitch(state, 'circuit_breaker', {
          ...current,
          until: longest.until,
          numbers: { ...current.numbers, until: longest.until },
        }),
      );
    }
  }
  return trip(
    state,
    'circuit_breaker',
    now,
    longest.reason,
    { cause: longest.cause, ...longest.numbers },
    longest.until,
  );
}

function checkCircuitBreaker(state: RiskState, inputs: ScheduledInputs): Step {
  const { config, now } = inputs;
  const times = inputs.priceTimes ?? {};
  const priceSamples = recordPrices(state, config, now, inputs.prices, times);
  const window =
    config.anomalies.errorWindow > 0
      ? [...state.exchangeCalls, ...inputs.calls].slice(-config.anomalies.errorWindow)
      : [];
  const pauses = [
    ...pricePauses(config, priceSamples, inputs.prices, now, times),
    ...anomalyPauses(config, now, inputs.calls, window, inputs.spreadsBps ?? {}),
    ...volatilityPauses(config, priceSamples, inputs.prices, now, times, inputs.exchangeVolatility ?? {}),
  ];
  return applyPause({ ...state, priceSamples, exchangeCalls: window }, now, pauses);
}

/**
 * The circuit breaker on streamed prices (the price watcher, shared/core/watcher): the job's own
 * price tiers and volatility index on prices that arrive between its runs, so a crash trips the
 * breaker within a second instead of a minute. Switches past their pause expire first, as in the
 * job. Neither the equity switches (no balance here) nor the exchange anomalies (no calls made) are
 * judged. `record` keeps the prices as samples (the watcher keeps one every few seconds per
 * symbol: the stream is far denser than the job's samples, and the state is one item); without it
 * the prices are only judged against the samples already kept.
 */
export function checkStreamedPrices(inputs: {
  config: KillSwitchConfig;
  state: RiskState;
  now: number;
  prices: Record<string, number>;
  priceTimes?: Record<string, number>;
  record: boolean;
}): { state: RiskState; events: SwitchEvent[] } {
  const { config, now, prices } = inputs;
  const times = inputs.priceTimes ?? {};
  const expired = expire(inputs.state, now);
  const priceSamples = inputs.record
    ? recordPrices(expired.state, config, now, prices, times)
    : expired.state.priceSamples;
  const pauses = [
    ...pricePauses(config, priceSamples, prices, now, times),
    // The exchange's index is the job's to read (a daily-ish figure, minutes apart): a pause it set
    // holds between runs, the stream only adds the realized one.
    ...(inputs.record ? volatilityPauses(config, priceSamples, prices, now, times, {}) : []),
  ];
  const step = applyPause({ ...expired.state, priceSamples }, now, pauses);
  return { state: step.state, events: [...expired.events, ...step.events] };
}

// ---------------------------------------------------------------------------------------------
// The minute job.

/**
 * One pass of the risk-check job: expire, record equity, then check each switch. An undefined
 * equity (failed read) skips the equity-based switches; the calls of this run, the failed one
 * included, still feed the anomaly checks.
 */
export function runScheduledSwitches(inputs: ScheduledInputs): ScheduledOutcome {
  const { config, now } = inputs;
  const equity = isMoney(inputs.equity) ? inputs.equity : undefined;
  const events: SwitchEvent[] = [];
  const collect = (step: Step): RiskState => {
    events.push(...step.events);
    return step.state;
  };

  let state = collect(expire({ ...inputs.state, updatedAt: now }, now));
  let disableAccount = false;
  if (equity !== undefined) {
    state = recordEquity(state, config, now, equity);
    state = collect(checkDailyLoss(state, config, now, equity));
    const drawdown = checkDrawdown(state, config, now, equity);
    disableAccount = drawdown.events.length > 0;
    state = collect(drawdown);
  }
  state = collect(checkLossStreak(state, config, now, inputs.closedTrades));
  state = collect(checkCircuitBreaker(state, inputs));
  return { state, events, flattenAll: state.switches.drawdown?.tripped === true, disableAccount };
}

// ---------------------------------------------------------------------------------------------
// The executor's question before each entry.

export interface EntryInputs {
  config: KillSwitchConfig;
  state: RiskState;
  now: number;
  equity?: Decimal;
  price?: {
    symbol: string;
    last: number;
    /** market time of the quote (see ScheduledInputs.priceTimes) */ at?: number;
  };
  closedTrades?: readonly TradeRecord[];
}

function fromSwitch(name: SwitchName, code: string, sw: SwitchState, what: string): EntryBlock {
  const since = sw.trippedAt === undefined ? '' : ` since ${showTime(sw.trippedAt)}`;
  const until = sw.until === undefined ? 'until the owner resets it' : `until ${showTime(sw.until)}`;
  return {
    switch: name,
    code,
    reason: `${what} is on${since}, entries blocked ${until}${sw.reason ? `: ${sw.reason}` : ''}`,
    ...(sw.until === undefined ? {} : { until: sw.until }),
    numbers: sw.numbers ?? {},
  };
}

function liveDailyLoss({ config, state, now }: EntryInputs, equity: Decimal): EntryBlock | undefined {
  const start = state.dayStartEquity;
  if (start === undefined || !positive(start) || state.day === undefined) return undefined;
  const loss = dropPct(start, equity);
  if (!reached(loss, config.dailyLossPct)) return undefined;
  // Only today's base counts: a base from an earlier day would compare against a stale start.
  const { day, next } = tradingDay(now, config.timeZone);
  if (day !== state.day) return undefined;
  return {
    switch: 'daily_loss',
    code: 'KILL_SWITCH_DAILY_LOSS',
    reason: `Equity ${showMoney(equity)} is ${show(loss)}% below today's start of ${showMoney(start)} (limit ${config.dailyLossPct}%): no new entries until the next trading day starts at ${showTime(next)}`,
    until: next,
    numbers: dailyLossNumbers(config, start, equity, day, next),
  };
}

function liveDrawdown({ config, state }: EntryInputs, equity: Decimal): EntryBlock | undefined {
  const peak = state.peakEquity;
  if (peak === undefined || !positive(peak)) return undefined;
  const drawdown = dropPct(peak, equity);
  if (!reached(drawdown, config.maxDrawdownPct)) return undefined;
  return {
    switch: 'drawdown',
    code: 'KILL_SWITCH_DRAWDOWN',
    reason: `Equity ${showMoney(equity)} is ${show(drawdown)}% below its peak of ${showMoney(peak)} (limit ${config.maxDrawdownPct}%): no new entries`,
    numbers: drawdownNumbers(config, state, peak, equity),
  };
}

function liveStreak({ config, state, now, closedTrades }: EntryInputs): EntryBlock | undefined {
  const streak = closedTrades && streakCooldown(config, state, now, closedTrades);
  if (!streak) return undefined;
  return {
    switch: 'loss_streak',
    code: 'LOSS_STREAK_COOLDOWN',
    reason: streakReason(config, streak),
    until: streak.until,
    numbers: streakNumbers(config, streak),
  };
}

function livePriceMove({ config, state, now, price }: EntryInputs): EntryBlock | undefined {
  if (!price || !isPrice(price.last)) return undefined;
  const samples = state.priceSamples[price.symbol];
  if (!samples || samples.length === 0) return undefined;
  const hit = tierTripped(config.circuitBreaker, samples, price.last, price.at ?? now);
  if (!hit) return undefined;
  const pause = movePause(price.symbol, price.last, now, hit.tier, hit.move);
  return {
    switch: 'circuit_breaker',
    code: 'CIRCUIT_BREAKER',
    reason: pause.reason,
    until: pause.until,
    numbers: pause.numbers,
  };
}

/**
 * Why a new entry must not be placed now, or undefined when it may. The first reason wins, in
 * order: drawdown, daily loss, loss streak, circuit breaker, each as tripped by the job, then as
 * computed live from the given equity, trades and price.
 */
export function entryBlock(inputs: EntryInputs): EntryBlock | undefined {
  const { state, now } = inputs;
  const { drawdown, daily_loss: dailyLoss, loss_streak: streak, circuit_breaker: breaker } = state.switches;
  const equity = isMoney(inputs.equity) ? inputs.equity : undefined;
  return (
    (drawdown?.tripped ? fromSwitch('drawdown', 'KILL_SWITCH_DRAWDOWN', drawdown, LABELS.drawdown) : undefined) ??
    (isActive(dailyLoss, now)
      ? fromSwitch('daily_loss', 'KILL_SWITCH_DAILY_LOSS', dailyLoss, LABELS.daily_loss)
      : undefined) ??
    (equity === undefined ? undefined : (liveDailyLoss(inputs, equity) ?? liveDrawdown(inputs, equity))) ??
    (isActive(streak, now)
      ? fromSwitch('loss_streak', 'LOSS_STREAK_COOLDOWN', streak, LABELS.loss_streak)
      : undefined) ??
    liveStreak(inputs) ??
    (isActive(breaker, now)
      ? fromSwitch('circuit_breaker', 'CIRCUIT_BREAKER', breaker, LABELS.circuit_breaker)
      : undefined) ??
    livePriceMove(inputs)
  );
}

// ---------------------------------------------------------------------------------------------
// The owner's reset.

/**
 * Releases a tripped switch (a switch that is not tripped is left as is, with no event). A reset
 * also moves the base the switch measures from, otherwise the next run would trip it again at once:
 *  - drawdown: the peak becomes `equity`; without one the peak is cleared and the next equity
 *    read becomes the new peak;
 *  - daily_loss: the day's start becomes `equity` (the day's loss counts from the reset); without
 *    one the day is cleared and the next equity read starts it;
 *  - loss_streak: the trip stays keyed on its last loss, so only a further loss trips again;
 *  - circuit_breaker: the price samples and the call window are cleared, so the shock or the
 *    anomaly that tripped it is not seen again.
 */
export function resetSwitch(
  state: RiskState,
  name: SwitchName,
  now: number,
  reason: string,
  equity?: Decimal,
): { state: RiskState; event?: SwitchEvent } {
  const sw = state.switches[name];
  if (!sw?.tripped) return { state };
  const base = isMoney(equity) ? equity : undefined;
  let next = withSwitch({ ...state, updatedAt: now }, name, {
    ...sw,
    tripped: false,
    resetAt: now,
    resetReason: reason,
  });
  const numbers: Numbers = { trippedAt: sw.trippedAt ?? 0, trips: sw.trips };

  if (name === 'drawdown') {
    const { peakEquity: _peak, peakAt: _peakAt, ...rest } = next;
    next = base === undefined ? rest : { ...rest, peakEquity: base, peakAt: now };
    if (base !== undefined) numbers.peakEquity = base;
  } else if (name === 'daily_loss') {
    const { day: _day, dayStartEquity: _start, dayStartAt: _startAt, ...rest } = next;
    next = base === undefined ? rest : { ...next, dayStartEquity: base, dayStartAt: now };
    if (base !== undefined) numbers.dayStartEquity = base;
  } else if (name === 'circuit_breaker') {
    next = { ...next, priceSamples: {}, exchangeCalls: [] };
  }
  if (base !== undefined) numbers.equity = base;
  return {
    state: next,
    event: { switch: name, kind: 'reset', at: now, reason: `${LABELS[name]} reset by the owner: ${reason}`, numbers },
  };
}
