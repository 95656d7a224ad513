// Which price a position is marked at in the console: the price watcher's live tick when it is
// fresher than the risk-check job's mark, the job's mark otherwise (docs/WATCHER-CLOUD.md "Live
// prices"). Both times are this deployment's own clock (the tick's `receivedAt`, the snapshot's
// `at`), so an exchange clock ahead or behind cannot make a stale price look fresh. A tick from
// the future beyond a small skew is ignored: it says more about a clock than about the price.
import { Big, type Decimal } from '../domain/money';
import type { PositionMark, PriceTick } from './ports';

/** `live`: the watcher's tick; `snapshot`: the risk-check job's reading (as of its snapshot). */
export type MarkSource = 'live' | 'snapshot';

export interface ChosenMark {
  markPrice: Decimal;
  /** epoch ms at which this deployment had the price */
  markAt: number;
  markSource: MarkSource;
  /** the job's liquidation price (a live tick carries none) */
  liquidationPrice?: Decimal;
}

/** How far ahead of the reader's clock a tick's `receivedAt` may be (two processes' clocks). */
export const LIVE_CLOCK_SKEW_MS = 5_000;

/**
 * The mark of one position. `snapshotMark` and `snapshotAt` are the job's (absent before its
 * first run); `live` the watcher's latest tick of the symbol (absent when no watcher runs).
 */
export function chooseMark(
  snapshotMark: PositionMark | undefined,
  snapshotAt: number | undefined,
  live: Pick<PriceTick, 'last' | 'receivedAt'> | undefined,
  now: number,
): ChosenMark | undefined {
  const liquidation =
    snapshotMark?.liquidationPrice !== undefined ? { liquidationPrice: snapshotMark.liquidationPrice } : {};
  const usable =
    live !== undefined &&
    Number.isFinite(live.last) &&
    live.last > 0 &&
    Number.isFinite(live.receivedAt) &&
    live.receivedAt <= now + LIVE_CLOCK_SKEW_MS;
  const snapshot = snapshotMark && snapshotAt !== undefined ? { mark: snapshotMark, at: snapshotAt } : undefined;
  if (usable && (snapshot === undefined || live.receivedAt > snapshot.at))
    return {
      // the tick's number as its shortest decimal text: exact from here on (big.js)
      markPrice: new Big(String(live.last)).toString(),
      markAt: live.receivedAt,
      markSource: 'live',
      ...liquidation,
    };
  if (snapshot)
    return { markPrice: snapshot.mark.markPrice, markAt: snapshot.at, markSource: 'snapshot', ...liquidation };
  return undefined;
}
