// CachedRegimes: the regime of the last closed candle, as the regime stream reads it, cached per
// symbol for the TTL; a failed candle read is remembered briefly and gives no regime.
import type { Candles } from '../../../../shared/core/backtest/types';
import type { CandleSource } from '../../../../shared/core/risk/ports';
import { CachedRegimes } from '../../../../shared/core/risk/regime-source';
import { REGIME_LABELS, regimeSeries } from '../../../../shared/core/regimes';
import { TransientError } from '../../../../shared/core/errors';
import { candlesFromReturns, sampleHmm } from '../regimes/synthetic';

const DAY = 86_400_000;

function dailyCandles(n: number): Candles {
  const { x } = sampleHmm(
    {
      means: [-0.004, 0, 0.003],
      sds: [0.03, 0.006, 0.012],
      transition: [
        [0.95, 0.03, 0.02],
        [0.02, 0.97, 0.01],
        [0.02, 0.02, 0.96],
      ],
    },
    n - 1,
    8,
  );
  const { high, low, close } = candlesFromReturns(x);
  return {
    time: Float64Array.from(close, (_, i) => i * DAY),
    open: close,
    high,
    low,
    close,
    volume: new Float64Array(n),
  };
}

function source(candles: Candles | Error): CandleSource & { closedCandles: jest.Mock } {
  return {
    closedCandles: jest.fn(async () => {
      if (candles instanceof Error) throw candles;
      return candles;
    }),
    spanMs: () => DAY,
  };
}

describe('CachedRegimes', () => {
  const candles = dailyCandles(400);
  const now = 400 * DAY;

  it('reads 400 daily candles and names the last bar’s regime as the regime stream does', async () => {
    const candleSource = source(candles);
    const regimes = new CachedRegimes({ candles: candleSource });
    const view = await regimes.get('BTC/USDT:USDT', now);
    const expected = regimeSeries(candles, { window: 365, minReturns: 365, refitEvery: 400 }).at(-1)!;
    expect(expected.label).toBeDefined();
    // the label's filtered probability rides along (the reports print it)
    const probability = expected.probabilities[REGIME_LABELS.indexOf(expected.label!)]!;
    expect(probability).toBeGreaterThan(0);
    expect(view).toEqual({ label: expected.label, source: 'hmm', asOf: 400 * DAY, probability });
    expect(candleSource.closedCandles).toHaveBeenCalledWith('BTC/USDT:USDT', '1d', 400, now);
    expect(regimes.peek('BTC/USDT:USDT')).toEqual(view);
  }, 30_000);

  it('keeps it for the TTL, then reads again', async () => {
    const candleSource = source(candles);
    const regimes = new CachedRegimes({ candles: candleSource, ttlMs: 3_600_000 });
    await regimes.get('BTC/USDT:USDT', now);
    await regimes.get('BTC/USDT:USDT', now + 3_599_999);
    expect(candleSource.closedCandles).toHaveBeenCalledTimes(1);
    await regimes.get('BTC/USDT:USDT', now + 3_600_000);
    expect(candleSource.closedCandles).toHaveBeenCalledTimes(2);
  }, 30_000);

  it('a failed read gives no regime, remembered for the failure TTL only', async () => {
    const candleSource = source(new TransientError('candles unavailable'));
    const regimes = new CachedRegimes({ candles: candleSource, failureTtlMs: 60_000 });
    expect(await regimes.get('BTC/USDT:USDT', now)).toBeUndefined();
    expect(await regimes.get('BTC/USDT:USDT', now + 59_999)).toBeUndefined();
    expect(candleSource.closedCandles).toHaveBeenCalledTimes(1);
    await regimes.get('BTC/USDT:USDT', now + 60_000);
    expect(candleSource.closedCandles).toHaveBeenCalledTimes(2);
  });

  it('too few candles for a fit: the rules name it, or nothing during their warm-up', async () => {
    const few = new CachedRegimes({ candles: source(dailyCandles(30)) });
    expect(await few.get('BTC/USDT:USDT', now)).toBeUndefined();
    const some = new CachedRegimes({ candles: source(dailyCandles(120)) });
    expect(await some.get('BTC/USDT:USDT', now)).toMatchObject({ source: 'rules', probability: 1 });
  });
});
