// A position's funding in the console: the next payment signed for this position (a long pays a
// positive rate, a short receives it; the other way round when negative), exact on big.js; the
// figures as the reports compute them; stale past 15 minutes or past its settlement; and the
// console's positions read it by the account's exchange and network, never for paper.
import { ConsoleReads } from '../../../../shared/core/performance/console-reads';
import { FUNDING_STALE_MS, fundingPayment, fundingView } from '../../../../shared/core/performance/position-funding';
import type { FundingReading, StoredFunding } from '../../../../shared/core/ports/funding-rates';
import { symbolFundingRates } from '../../../../shared/core/reporting/funding-rates';
import { NOW, world } from './fixtures';

const BTC = 'BTC/USDT:USDT';
const HOUR = 3_600_000;
const reading = (patch: Partial<FundingReading> = {}): FundingReading => ({
  symbol: BTC,
  rate: '0.0001',
  nextFundingTime: NOW + 2 * HOUR,
  intervalMs: 8 * HOUR,
  asOf: NOW - 60_000,
  ...patch,
});

describe('fundingPayment', () => {
  it('a long pays a positive rate, a short receives it: quantity × mark × rate', () => {
    expect(fundingPayment('long', '0.5', '41000', '0.0001').toString()).toBe('-2.05');
    expect(fundingPayment('short', '0.5', '41000', '0.0001').toString()).toBe('2.05');
  });
  it('a negative rate turns it round: the long receives, the short pays', () => {
    expect(fundingPayment('long', '0.5', '41000', '-0.000025').toString()).toBe('0.5125');
    expect(fundingPayment('short', '0.5', '41000', '-0.000025').toString()).toBe('-0.5125');
  });
  it('is exact where floats are not', () => {
    // 3 × 0.1 × 0.0001 as floats is 0.000030000000000000008
    expect(fundingPayment('short', '3', '0.1', '0.0001').toString()).toBe('0.00003');
    expect(fundingPayment('long', '123.456789', '0.00012345', '0.00037512').toString()).toBe(
      '-0.000005717106614640996', // Python's decimal, 60 digits: 0.0000057171066146409960
    );
  });
});

describe('fundingView', () => {
  it('carries the report’s figures and this position’s next payment', () => {
    const view = fundingView(reading(), 'long', '0.5', '41000', NOW);
    const [reported] = symbolFundingRates({ [BTC]: reading() });
    expect(view).toEqual({
      rate: '0.0001',
      bpsPerInterval: 1,
      annualPct: reported!.annualisedPct, // 0.0001 × 1,095 intervals × 100
      nextFundingTime: NOW + 2 * HOUR,
      intervalMs: 8 * HOUR,
      asOf: NOW - 60_000,
      stale: false,
      nextPayment: '-2.05',
    });
    expect(view!.annualPct).toBeCloseTo(10.95, 10);
  });

  it('without an interval: not annualised; without a mark: no payment; without a reading: null', () => {
    const { intervalMs: _omit, ...noInterval } = reading();
    const view = fundingView(noInterval, 'short', '0.5', undefined, NOW);
    expect(view).not.toHaveProperty('annualPct');
    expect(view).not.toHaveProperty('intervalMs');
    expect(view).not.toHaveProperty('nextPayment');
    expect(fundingView(undefined, 'short', '0.5', '41000', NOW)).toBeNull();
  });

  it('is stale once older than 15 minutes, or once its next settlement has passed', () => {
    expect(fundingView(reading({ asOf: NOW - FUNDING_STALE_MS }), 'long', '1', '1', NOW)!.stale).toBe(false);
    expect(fundingView(reading({ asOf: NOW - FUNDING_STALE_MS - 1 }), 'long', '1', '1', NOW)!.stale).toBe(true);
    expect(fundingView(reading({ nextFundingTime: NOW }), 'long', '1', '1', NOW)!.stale).toBe(true);
  });
});

describe('ConsoleReads.positions with recorded funding', () => {
  const store = (rows: Record<string, StoredFunding[]>) => {
    const asked: string[] = [];
    return {
      asked,
      read: async (source: string, symbols: readonly string[]) => {
        asked.push(`${source} ${[...symbols].join(',')}`);
        return (rows[source] ?? []).filter((r) => symbols.includes(r.symbol));
      },
    };
  };

  it('a live account’s position carries its market’s reading, keyed by exchange and network', async () => {
    const w = await world();
    w.accounts.rows.get('acc-a')!.exchange = 'binanceusdm';
    w.accounts.rows.get('acc-a')!.testnet = true;
    const funding = store({
      binanceusdm: [{ symbol: BTC, reading: reading({ rate: '0.05' }), triedAt: NOW }],
      'binanceusdm-testnet': [{ symbol: BTC, reading: reading(), triedAt: NOW }],
    });
    const p = await new ConsoleReads({ ...w, funding }).positions({ limit: 100 });
    expect(funding.asked).toEqual([`binanceusdm-testnet ${BTC}`]);
    // the fixture's long 0.5 BTC marked at 41,000 by the job's snapshot
    expect(p.items[0]).toMatchObject({ mode: 'live', funding: { rate: '0.0001', nextPayment: '-2.05', stale: false } });
  });

  it('paper: no funding and no read; a live market never read, or a failing store: null', async () => {
    const w = await world();
    const funding = store({ paper: [{ symbol: BTC, reading: reading(), triedAt: NOW }] });
    const paper = await new ConsoleReads({ ...w, funding }).positions({ limit: 100 });
    expect(paper.items[0]).toMatchObject({ mode: 'paper', funding: null });
    expect(funding.asked).toEqual([]);

    w.accounts.rows.get('acc-a')!.exchange = 'bybit';
    const never = await new ConsoleReads({ ...w, funding }).positions({ limit: 100 });
    expect(never.items[0]).toMatchObject({ mode: 'live', funding: null });
    const failing = { read: () => Promise.reject(new Error('table unreachable')) };
    const down = await new ConsoleReads({ ...w, funding: failing }).positions({ limit: 100 });
    expect(down.items[0]).toMatchObject({ mode: 'live', funding: null, markPrice: '41000' });
  });
});
