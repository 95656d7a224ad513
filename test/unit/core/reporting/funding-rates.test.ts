// The funding-rate lines of the report: basis points per interval, annualised by hand (365 days of
// intervals, simple), the next settlement in the report's zone, and "unknown" for no reading or a
// rate that is not a number (never a crash).
import { fundingRateLine, symbolFundingRates } from '../../../../shared/core/reporting/funding-rates';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const SOL = 'SOL/USDT:USDT';
const EIGHT_HOURS = 8 * 3_600_000;
// Bybit's captured settlement (ccxt static fixture): 2024-11-04T16:00Z = 2024-11-05 01:00 in Seoul.
const NEXT = 1_730_736_000_000;

describe('symbolFundingRates', () => {
  it('one entry per symbol, by name, with bp per interval and the simple annual rate', () => {
    const views = symbolFundingRates({
      [SOL]: undefined,
      [BTC]: { symbol: BTC, rate: '0.0001', nextFundingTime: NEXT, intervalMs: EIGHT_HOURS },
      [ETH]: { symbol: ETH, rate: '-0.000014', nextFundingTime: undefined, intervalMs: 4 * 3_600_000 },
    });
    expect(views.map((v) => v.symbol)).toEqual([BTC, ETH, SOL]);
    // 0.0001 × 10,000 = 1 bp; 365 × 24 / 8 = 1,095 intervals a year: 0.0001 × 1,095 × 100 = 10.95 %.
    expect(views[0]).toEqual({
      symbol: BTC,
      rate: '0.0001',
      bpsPerInterval: 1,
      annualisedPct: 10.95,
      intervalMs: EIGHT_HOURS,
      nextFundingTime: NEXT,
    });
    // −0.000014 × 10,000 = −0.14 bp; every 4 h: 2,190 a year → −0.000014 × 2,190 × 100 = −3.066 %.
    expect(views[1]).toEqual({
      symbol: ETH,
      rate: '-0.000014',
      bpsPerInterval: -0.14,
      annualisedPct: -3.066,
      intervalMs: 4 * 3_600_000,
    });
    expect(views[2]).toEqual({ symbol: SOL });
  });

  it('a rate that is not a number is no reading; an interval that is not positive is unknown', () => {
    const views = symbolFundingRates({
      [BTC]: { symbol: BTC, rate: 'NaN', nextFundingTime: NEXT },
      [ETH]: { symbol: ETH, rate: '0.0002', nextFundingTime: Number.NaN, intervalMs: 0 },
    });
    expect(views).toEqual([{ symbol: BTC }, { symbol: ETH, rate: '0.0002', bpsPerInterval: 2 }]);
  });
});

describe('fundingRateLine', () => {
  it('names the rate, its interval, the annual rate and the next settlement in the zone', () => {
    const [btc] = symbolFundingRates({
      [BTC]: { symbol: BTC, rate: '0.0001', nextFundingTime: NEXT, intervalMs: EIGHT_HOURS },
    });
    expect(fundingRateLine(btc!, 'Asia/Seoul')).toBe(
      `Funding rate ${BTC}: +1.00 bp per 8h (+10.95 % a year), next 2024-11-05 01:00 Asia/Seoul`,
    );
    expect(fundingRateLine(btc!, 'UTC')).toBe(
      `Funding rate ${BTC}: +1.00 bp per 8h (+10.95 % a year), next 2024-11-04 16:00 UTC`,
    );
  });

  it('without an interval: not annualised; without a settlement time: none shown', () => {
    const [eth] = symbolFundingRates({ [ETH]: { symbol: ETH, rate: '-0.000014', nextFundingTime: undefined } });
    expect(fundingRateLine(eth!, 'UTC')).toBe(
      `Funding rate ${ETH}: -0.14 bp per interval (interval unknown: not annualised)`,
    );
  });

  it('no reading', () => {
    expect(fundingRateLine({ symbol: SOL }, 'UTC')).toBe(`Funding rate ${SOL}: unknown (no reading from the exchange)`);
  });
});
