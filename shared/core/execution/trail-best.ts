// The best price an emulated trailing stop follows (docs/RISK.md, docs/WATCHER.md): both movers of
// an emulated trail, the price watcher on each tick and the risk-check job every minute, seed it the
// same way, so a trail never jumps back when the other one moves it next.
import type { PositionSide } from '../domain/trade';
import type { TrailMark } from '../risk/state';

/** The better of two prices for the side: the higher for a long, the lower for a short. */
export const betterPrice = (side: PositionSide, a: number, b: number): number =>
  side === 'long' ? Math.max(a, b) : Math.min(a, b);

/**
 * Where the trail's best starts: the stored best when it belongs to this same trade (a mark left
 * by a previous trade on the symbol is not this trade's), else the position's entry price.
 */
export function trailSeed(
  stored: TrailMark | undefined,
  position: { tradeId?: string | undefined; entryPrice: string },
): number {
  return stored && stored.tradeId === position.tradeId ? stored.best : Number(position.entryPrice);
}

/** The best after seeing `price`: the seed (trailSeed) or the price, whichever is better for the side. */
export function trailBest(
  side: PositionSide,
  stored: TrailMark | undefined,
  position: { tradeId?: string | undefined; entryPrice: string },
  price: number,
): number {
  return betterPrice(side, trailSeed(stored, position), price);
}
