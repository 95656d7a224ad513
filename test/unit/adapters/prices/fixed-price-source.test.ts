import { FixedPriceSource } from '../../../../shared/adapters/prices/fixed-price-source';

describe('FixedPriceSource', () => {
  it('returns the price a test set, stamped with the clock', async () => {
    const source = new FixedPriceSource({ 'BTC/USDT:USDT': 50_000 }, { now: () => 42 });

    source.set('ETH/USDT:USDT', '3000.5');

    expect(await source.getPrice('BTC/USDT:USDT')).toEqual({ symbol: 'BTC/USDT:USDT', last: 50_000, timestamp: 42 });
    expect((await source.getPrice('ETH/USDT:USDT')).last).toBe(3_000.5);
  });

  it('refuses a symbol without a price and a price that is not positive', async () => {
    const source = new FixedPriceSource();

    await expect(source.getPrice('SOL/USDT:USDT')).rejects.toThrow('no price set for SOL/USDT:USDT');
    expect(() => source.set('SOL/USDT:USDT', 0)).toThrow('positive');
    expect(() => source.set('SOL/USDT:USDT', 'abc')).toThrow('positive');
  });
});
