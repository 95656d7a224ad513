// The port's market view on OKX, Bybit, Bitget and Upbit: markets parsed by ccxt from the exchanges'
// own instrument payloads, every size converted to base units (contracts × contract size).
import { contractSize, marketInfo, pointAtBaseUrl } from '../../../../shared/adapters/exchange/ccxt-exchange';
import { createCcxtExchange, type CcxtMarket } from '../../../../shared/adapters/exchange/ccxt-lib';
import { DIALECTS } from '../../../../shared/adapters/exchange/dialects';
import { SignalRejectedError } from '../../../../shared/core/errors';
import { ccxtWithMarkets, offlineAdapter } from './offline-exchange';

describe('marketInfo on OKX (contracts of ctVal coins)', () => {
  it('BTC-USDT-SWAP: lotSz 0.01 contracts of 0.01 BTC is a 0.0001 BTC step', async () => {
    const { adapter, requested } = offlineAdapter('okx');

    const info = await adapter.loadMarket('BTC/USDT:USDT');

    expect(info).toEqual({
      symbol: 'BTC/USDT:USDT',
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      contractSize: '0.01',
      amountStep: '0.0001',
      priceStep: '0.1',
      minAmount: '0.0001',
      minNotional: '0',
      // maxSz 100,000,000 contracts × 0.01 BTC
      maxAmount: '1000000',
      maxLeverage: 100,
    });
    // The dialect loads swaps only: one instruments request, nothing else.
    expect(requested).toEqual(['/api/v5/public/instruments?instType=SWAP']);
  });

  it('ETH-USDT-SWAP: 0.01 contracts of 0.1 ETH is a 0.001 ETH step and minimum', async () => {
    const { adapter } = offlineAdapter('okx');

    const info = await adapter.loadMarket('ETH/USDT:USDT');

    expect(info).toMatchObject({
      contractSize: '0.1',
      amountStep: '0.001',
      minAmount: '0.001',
      priceStep: '0.01',
      maxLeverage: 100,
    });
  });
});

describe('marketInfo on Bybit (linear: one contract is one coin)', () => {
  it('BTCUSDT: qtyStep, minOrderQty, tickSize, minNotionalValue and maxLeverage', async () => {
    const { adapter, requested } = offlineAdapter('bybit');

    const info = await adapter.loadMarket('BTC/USDT:USDT');

    expect(info).toEqual({
      symbol: 'BTC/USDT:USDT',
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      contractSize: '1',
      amountStep: '0.001',
      priceStep: '0.1',
      minAmount: '0.001',
      minNotional: '5',
      // maxOrderQty 1,190 BTC
      maxAmount: '1190',
      maxLeverage: 100,
    });
    expect(requested).toEqual([
      '/v5/market/instruments-info?category=linear&limit=1000',
      '/v5/market/instruments-info?category=linear&limit=1000&status=PreLaunch',
    ]);
  });

  it('ETHUSDT: 0.01 ETH steps', async () => {
    const { adapter } = offlineAdapter('bybit');

    expect(await adapter.loadMarket('ETH/USDT:USDT')).toMatchObject({
      amountStep: '0.01',
      minAmount: '0.01',
      priceStep: '0.01',
      minNotional: '5',
    });
  });

  it('a pre-launch instrument is listed but not tradable: UNKNOWN_SYMBOL', async () => {
    const { adapter, ex } = offlineAdapter('bybit');

    await expect(adapter.loadMarket('NEW/USDT:USDT')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect(ex.markets?.['NEW/USDT:USDT']?.active).toBe(false);
  });
});

describe('marketInfo on Bitget (sizeMultiplier / volumePlace / pricePlace)', () => {
  it('BTCUSDT: 0.0001 BTC steps, 0.1 tick, minTradeUSDT 5, maxLever 125', async () => {
    const { adapter } = offlineAdapter('bitget');

    const info = await adapter.loadMarket('BTC/USDT:USDT');

    expect(info).toEqual({
      symbol: 'BTC/USDT:USDT',
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      contractSize: '1',
      amountStep: '0.0001',
      priceStep: '0.1',
      minAmount: '0.0001',
      minNotional: '5',
      maxLeverage: 125,
    });
  });

  it('ETHUSDT: volumePlace 2 and pricePlace 2 give 0.01 steps', async () => {
    const { adapter } = offlineAdapter('bitget');

    expect(await adapter.loadMarket('ETH/USDT:USDT')).toMatchObject({
      amountStep: '0.01',
      minAmount: '0.01',
      priceStep: '0.01',
      maxLeverage: 100,
    });
  });
});

describe('marketInfo on Upbit (KRW spot)', () => {
  it('BTC/KRW: the 5,000 KRW minimum order, leverage 1, whatever the settle suffix of the signal', async () => {
    const { adapter, requested } = offlineAdapter('upbit');

    const info = await adapter.loadMarket('BTC/KRW:KRW');

    expect(info).toEqual({
      symbol: 'BTC/KRW',
      base: 'BTC',
      quote: 'KRW',
      settle: 'KRW',
      contractSize: '1',
      amountStep: '0.00000001',
      priceStep: '0.00000001',
      minAmount: '0.00000001',
      minNotional: '5000',
      maxLeverage: 1,
    });
    expect(requested).toEqual(['/v1/market/all']);
  });

  it('an instrument Upbit does not list is a terminal UNKNOWN_SYMBOL', async () => {
    const { adapter } = offlineAdapter('upbit');

    const error = await adapter.loadMarket('DOGE/KRW').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SignalRejectedError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SYMBOL', details: { symbol: 'DOGE/KRW', exchange: 'upbit' } });
  });
});

describe('contractSize and marketInfo edge cases', () => {
  it('a spot market never scales by a contract size, a contract without one counts 1', async () => {
    const okx = await ccxtWithMarkets('okx');
    const swap = okx.market('BTC/USDT:USDT') as CcxtMarket;

    expect(contractSize(swap).toString()).toBe('0.01');
    expect(contractSize({ ...swap, contract: false }).toString()).toBe('1');
    expect(contractSize({ ...swap, contractSize: undefined }).toString()).toBe('1');
  });

  it('without a minimum amount the minimum is one step; leverage defaults to 125 on derivatives', async () => {
    const bybit = await ccxtWithMarkets('bybit');
    const btc = bybit.market('BTC/USDT:USDT') as CcxtMarket;
    const bare: CcxtMarket = {
      ...btc,
      limits: {
        ...btc.limits,
        amount: { min: undefined, max: undefined },
        leverage: { min: undefined, max: undefined },
      },
    };

    const info = marketInfo(bare, DIALECTS.bybit);

    expect(info.minAmount).toBe(info.amountStep);
    expect(info.maxLeverage).toBe(125);
  });
});

describe('pointAtBaseUrl (a local stand-in for the exchange)', () => {
  it('sends every request to the base URL with the exchange path kept', async () => {
    const { adapter, ex } = offlineAdapter('okx', { apiUrl: 'http://127.0.0.1:4010/' });

    await adapter.loadMarket('BTC/USDT:USDT');

    expect(jest.mocked(ex.fetch).mock.calls.map((call) => call[0])).toEqual([
      'http://127.0.0.1:4010/api/v5/public/instruments?instType=SWAP',
    ]);
  });

  it('rewrites templated hosts too (Bybit api.{hostname})', () => {
    const ex = createCcxtExchange('bybit');

    pointAtBaseUrl(ex, 'http://127.0.0.1:4011');

    expect(Object.values(ex.urls.api as Record<string, string>).every((url) => url === 'http://127.0.0.1:4011')).toBe(
      true,
    );
  });
});
