// How the report and the CLI's human output write numbers, durations and sizes.
import { DEFAULT_PARTICIPATION_PCT } from '../../shared/core/backtest/slicing';
import type { BacktestConfig, SizingMode } from '../../shared/core/backtest/types';
import type { AlgoSpec } from '../../shared/core/signal/algo';
import { formatDuration } from './algo-options';

/** Fixed decimals with thousands separators; ∞ and — for the non-finite cases metrics can yield. */
export function fmt(v: number, decimals = 2): string {
  if (Number.isNaN(v)) return '—';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  return v
    .toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    .replace(/^-/, '−');
}

/** Enough significant digits for a price of any size (0.00001234 or 64,123.5). */
export function fmtPrice(v: number): string {
  if (!Number.isFinite(v)) return fmt(v);
  const abs = Math.abs(v);
  const decimals = abs >= 1000 ? 2 : abs >= 1 ? 4 : Math.min(10, 3 - Math.floor(Math.log10(abs || 1)) + 1);
  return fmt(v, decimals);
}

/** 3d 4h, 5h 30m, 45m. */
export function fmtDuration(ms: number): string {
  if (!(ms > 0)) return '0m';
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

/** `2024-01-05 13:00` (UTC). */
export function fmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function describeSize(size: SizingMode): string {
  switch (size.kind) {
    case 'percent':
      return `${size.value}% of equity as margin`;
    case 'quote':
      return `${size.value} quote as margin`;
    case 'contracts':
      return `${size.value} base units`;
    case 'risk':
      return `${size.value}% of equity at risk`;
  }
}

/** `entries twap over 4h every 1h`; adaptive adds its model's caps. */
export function describeAlgo(algo: AlgoSpec, participationPct = DEFAULT_PARTICIPATION_PCT): string {
  const every = `entries ${algo.kind} over ${formatDuration(algo.horizonMs)} every ${formatDuration(algo.intervalMs)}`;
  if (algo.kind !== 'adaptive') return every;
  const bps = algo.maxSlippageBps !== undefined ? `, ≤ ${algo.maxSlippageBps} bps volume slippage` : '';
  return `${every} (≤ ${participationPct}% of a candle's volume a slice${bps})`;
}

/** One line: cash, costs, sizing, leverage, fills. */
export function describeConfig(c: BacktestConfig): string {
  return [
    `cash ${fmt(c.cash)}`,
    `fee ${fmt(c.takerFee * 100, 3)}% taker / ${fmt(c.makerFee * 100, 3)}% maker`,
    `slippage ${c.slippageBps} bps`,
    `size ${describeSize(c.size)}`,
    `leverage ${c.leverage}×`,
    `lot ${c.lotStep}`,
    `fill at ${c.fillOn === 'close' ? 'signal close' : 'next open'}`,
    ...(c.longOnly ? ['long only'] : []),
    ...(c.trailingPct ? [`trailing stop ${c.trailingPct}%`] : []),
    ...(c.funding ? [`funding ${c.funding.time.length} rates`] : []),
    ...(c.algo ? [describeAlgo(c.algo, c.participationPct)] : []),
    ...(c.sliceAboveQuote !== undefined ? [`sliced above ${fmt(c.sliceAboveQuote)} notional`] : []),
    `maintenance margin ${fmt(c.maintenanceMarginRate * 100, 2)}%`,
  ].join(' · ');
}
