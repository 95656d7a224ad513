import { PAPER_MARKETS, StaticMarketCatalog, paperMarkets } from '../../../../shared/adapters/paper/markets';
import { num } from '../../../../shared/core/domain/money';

describe('paper market catalog', () => {
  it('lists the seven Binance USDⓈ-M-like perpetuals', () => {
    const symbols = paperMarkets.list().map((m) => m.symbol);

    expect(symbols).toEqual(['BTC', 'ETH', 'SOL', 'XRP', 'BNB', 'DOGE', 'ADA'].map((b) => `${b}/USDT:USDT`));
  });

  it('has Binance-like specs: linear contracts of one base unit, BTC minimum notional 100', () => {
    const btc = paperMarkets.get('BTC/USDT:USDT');
    const xrp = paperMarkets.get('XRP/USDT:USDT');

    expect(btc).toMatchObject({
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      contractSize: '1',
      amountStep: '0.001',
      priceStep: '0.1',
      minNotional: '100',
      maxLeverage: 125,
    });
    expect(xrp).toMatchObject({ amountStep: '0.1', priceStep: '0.0001', minAmount: '0.1', minNotional: '5' });
  });

  it('gives every market a consistent spec and a reference price on its tick', () => {
    for (const m of PAPER_MARKETS) {
      expect(num(m.minAmount).mod(m.amountStep).eq(0)).toBe(true);
      expect(num(m.referencePrice).mod(m.priceStep).eq(0)).toBe(true);
      expect(num(m.referencePrice).gt(0)).toBe(true);
      expect(m.maxLeverage).toBeGreaterThanOrEqual(1);
    }
  });

  it('does not know other symbols', () => {
    expect(paperMarkets.get('PEPE/USDT:USDT')).toBeUndefined();
    expect(paperMarkets.get('BTCUSDT')).toBeUndefined();
  });

  it('hands out copies and accepts a custom list', () => {
    const catalog = new StaticMarketCatalog([{ ...PAPER_MARKETS[0]!, maxLeverage: 10 }]);

    const m = catalog.get('BTC/USDT:USDT')!;
    m.maxLeverage = 99;

    expect(catalog.get('BTC/USDT:USDT')?.maxLeverage).toBe(10);
    expect(catalog.list()).toHaveLength(1);
  });
});
