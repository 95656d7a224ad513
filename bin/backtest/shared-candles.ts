// Candles in one SharedArrayBuffer: a worker thread receives the buffer once and reads the same
// memory, instead of a copy of every column with every task.
import type { Candles } from '../../shared/core/backtest/types';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface SharedCandles {
  buffer: SharedArrayBuffer;
  length: number;
}

/** Copies the columns into shared memory (once per pool, not per task). */
export function shareCandles(candles: Candles): SharedCandles {
  const length = candles.time.length;
  const buffer = new SharedArrayBuffer(COLUMNS.length * length * Float64Array.BYTES_PER_ELEMENT);
  COLUMNS.forEach((column, c) =>
    new Float64Array(buffer, c * length * Float64Array.BYTES_PER_ELEMENT, length).set(candles[column]),
  );
  return { buffer, length };
}

/** Float64Array views over the shared buffer: no copy. */
export function candlesFromShared({ buffer, length }: SharedCandles): Candles {
  const view = (c: number) => new Float64Array(buffer, c * length * Float64Array.BYTES_PER_ELEMENT, length);
  return { time: view(0), open: view(1), high: view(2), low: view(3), close: view(4), volume: view(5) };
}
