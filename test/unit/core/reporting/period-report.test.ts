// computePeriodReport and renderReportText on the two-day fixture account (fixture.ts: the trade
// table and the equity curve are in its header), every number worked out by hand beside its
// expectation; then the edges: the window's bounds, open trades, the buy-and-hold symbols, an
// empty period, rounding, other accounts.
import { drawdowns } from '../../../../shared/core/backtest/metrics';
import {
  computePeriodReport,
  MANUAL_STRATEGY,
  renderReportText,
  type PeriodReportInput,
} from '../../../../shared/core/reporting/period-report';
import {
  ACCOUNT,
  BTC,
  closeHour,
  equityAt,
  ETH,
  FROM,
  HOLD_PRICES,
  HOUR,
  INPUT,
  PERIOD_SNAPSHOTS,
  PERIOD_TRADES,
  snapshot,
  SOL,
  TO,
  trade,
  XRP,
} from './fixture';

const DAY = 24 * HOUR;

describe('computePeriodReport: the fixture account, by hand', () => {
  const report = computePeriodReport(INPUT);

  it('labels the period with its days in the account zone', () => {
    // FROM = 2024-05-10T15:00Z = 2024-05-11 00:00 KST; TO − 1 ms = 2024-05-12 23:59:59.999 KST
    expect(report).toMatchObject({
      accountId: ACCOUNT,
      from: FROM,
      to: TO,
      timeZone: 'Asia/Seoul',
      fromDay: '2024-05-11',
      toDay: '2024-05-12',
      quote: 'USDT',
    });
  });

  it('equity: first and last snapshot inside [from, to], their change and the return', () => {
    // The snapshots an hour before (9,000) and after (20,000) and acc-2's (50,000) are ignored.
    // start = equity at h 0 = 10,000; end = equity at h 48 = 10,285 + 10 × 8 = 10,365
    expect(report.startEquity).toBe('10000');
    expect(report.endEquity).toBe('10365');
    // 10,365 − 10,000 = 365
    expect(report.equityChange).toBe('365');
    // (10,365 / 10,000 − 1) × 100 = 3.65 %
    expect(report.returnPct).toBeCloseTo(3.65, 10);
    // the last snapshot's unrealized P&L
    expect(report.unrealizedPnl).toBe('25.45');
  });

  it('realized P&L: the 11 trades closed in [from, to), excluded ones left out', () => {
    // +120.50 − 35.25 = 85.25; + 80.00 = 165.25; − 60.10 = 105.15; + 15.75 = 120.90;
    // + 42.30 = 163.20; − 110.00 = 53.20; + 0 = 53.20; − 12.40 = 40.80; + 95.15 = 135.95;
    // + 28.60 = 164.55. (x01 +500 closed before, x02 −300 closed at `to`, x03 +40 open, x04 other
    // account: none of them.)
    expect(report.trades).toBe(11);
    expect(report.realizedPnl).toBe('164.55');
  });

  it('fees and funding of those trades, summed exactly', () => {
    // fees: 2.10 + 1.05 = 3.15; + 1.60 = 4.75; + 1.20 = 5.95; + 0.10 = 6.05; + 0.95 = 7.00;
    // + 2.20 = 9.20; + 0.20 = 9.40; + 0.60 = 10.00; + 1.90 = 11.90; + 0.70 = 12.60
    expect(report.fees).toBe('12.6');
    // funding: 0.40 − 0.20 = 0.20; + 0 = 0.20; + 0.35 = 0.55; + 0.05 = 0.60; − 0.10 = 0.50;
    // + 0.60 = 1.10; + 0 = 1.10; + 0 = 1.10; − 0.25 = 0.85; + 0.10 = 0.95 (paid)
    expect(report.funding).toBe('0.95');
  });

  it('wins, losses and win rate (a 0 P&L trade is neither)', () => {
    // wins t01 t03 t05 t06 t10 t11 = 6; losses t02 t04 t07 t09 = 4; t08 (0.00) neither
    expect(report.wins).toBe(6);
    expect(report.losses).toBe(4);
    // 6 / 11 × 100 = 54.5454… %
    expect(report.winRatePct).toBeCloseTo((6 / 11) * 100, 10);
  });

  it('best and worst trade by realized P&L', () => {
    // largest: t01 +120.50 (BTC, ROI +6.10 %); smallest: t07 −110.00 (BTC, ROI −5.50 %)
    expect(report.best).toEqual({
      tradeId: 't01',
      symbol: BTC,
      side: 'long',
      strategy: 'trend',
      pnl: '120.5',
      roiPct: 6.1,
      closedAt: FROM + closeHour(0) * HOUR,
      exitReason: 'signal',
    });
    expect(report.worst).toEqual({
      tradeId: 't07',
      symbol: BTC,
      side: 'long',
      strategy: 'trend',
      pnl: '-110',
      roiPct: -5.5,
      closedAt: FROM + closeHour(6) * HOUR,
      exitReason: 'signal',
    });
  });

  it('per strategy: trades, wins, losses, win rate and realized P&L, highest P&L first', () => {
    // trend:   t01 +120.50, t03 +80.00, t04 −60.10, t07 −110.00, t10 +95.15
    //          120.50 + 80.00 = 200.50; − 60.10 = 140.40; − 110.00 = 30.40; + 95.15 = 125.55
    //          3 wins (t01 t03 t10), 2 losses → 60 %
    // meanrev: t02 −35.25, t05 +15.75, t06 +42.30, t09 −12.40, t11 +28.60
    //          −35.25 + 15.75 = −19.50; + 42.30 = 22.80; − 12.40 = 10.40; + 28.60 = 39.00
    //          3 wins (t05 t06 t11), 2 losses → 60 %
    // manual:  t08 0.00, no win, no loss → 0 %
    // check: 125.55 + 39.00 + 0 = 164.55 = realized
    expect(report.byStrategy).toEqual([
      { strategy: 'trend', trades: 5, wins: 3, losses: 2, winRatePct: 60, realizedPnl: '125.55' },
      { strategy: 'meanrev', trades: 5, wins: 3, losses: 2, winRatePct: 60, realizedPnl: '39' },
      { strategy: MANUAL_STRATEGY, trades: 1, wins: 0, losses: 0, winRatePct: 0, realizedPnl: '0' },
    ]);
    expect(MANUAL_STRATEGY).toBe('manual signals');
  });

  it('max drawdown: the deepest fall in percent, with its amount (not the larger-amount later fall)', () => {
    // fall 1: 10,400 (h 8) → 10,088 (h 14) = 312 → 312 / 10,400 = 3.0000 %
    // fall 2: 10,600 (h 30) → 10,285 (h 40) = 315 → 315 / 10,600 = 2.9717 % (more USDT, less %)
    expect(report.maxDrawdown.pct).toBeCloseTo(3, 10);
    expect(report.maxDrawdown.amount).toBe('312');
    expect(report.maxDrawdown.peak).toEqual({ at: FROM + 8 * HOUR, equity: '10400' });
    expect(report.maxDrawdown.trough).toEqual({ at: FROM + 14 * HOUR, equity: '10088' });
  });

  it('buy & hold: the symbols held in the period, their mean, the account against it', () => {
    // held: BTC, ETH (closed trades), XRP (x03, opened in the period, still open); not SOL (x01
    // closed before `from`) even though its prices are given.
    // BTC 61,800 / 60,000 − 1 = +3 %; ETH 2,940 / 3,000 − 1 = −2 %; XRP 0.52 / 0.50 − 1 = +4 %
    // mean (3 − 2 + 4) / 3 = 5/3 = 1.6667 %; account 3.65 − 1.6667 = 1.9833 points ahead
    const { symbols, missing, averagePct, excessPct } = report.hold;
    expect(symbols.map((s) => s.symbol)).toEqual([BTC, ETH, XRP]);
    expect(symbols[0]).toMatchObject({ fromPrice: 60_000, toPrice: 61_800 });
    expect(symbols[0]!.returnPct).toBeCloseTo(3, 10);
    expect(symbols[1]!.returnPct).toBeCloseTo(-2, 10);
    expect(symbols[2]!.returnPct).toBeCloseTo(4, 10);
    expect(missing).toEqual([]);
    expect(averagePct).toBeCloseTo(5 / 3, 10);
    expect(excessPct).toBeCloseTo(3.65 - 5 / 3, 10);
  });

  it('the chart data: the 49 hourly points in order and the 11 exits', () => {
    expect(report.equityCurve).toHaveLength(49);
    expect(report.equityCurve[0]).toEqual({ at: FROM, equity: '10000' });
    expect(report.equityCurve[48]).toEqual({ at: TO, equity: '10365' });
    expect(report.equityCurve.map((p) => p.equity)).toEqual(Array.from({ length: 49 }, (_, h) => String(equityAt(h))));
    expect(report.exits).toEqual(PERIOD_TRADES.map((t, k) => ({ at: FROM + closeHour(k) * HOUR, pnl: t.realizedPnl })));
  });

  it('the text: title and one fact per line, signed, with units', () => {
    const text = renderReportText(report, 'weekly');
    expect(text.title).toBe('Weekly report acc-1 2024-05-11 → 2024-05-12: +365.00 USDT (+3.65 %)');
    expect(text.lines).toEqual([
      'Equity 10,000.00 → 10,365.00 USDT (+365.00 USDT, +3.65 %)',
      'Realized +164.55 USDT · unrealized +25.45 USDT',
      'Fees 12.60 USDT · funding paid 0.95 USDT',
      'Trades 11: 6 won, 4 lost, 1 even (54.5 % win rate)',
      'Best: BTC/USDT:USDT long +120.50 USDT (+6.10 %)',
      'Worst: BTC/USDT:USDT long -110.00 USDT (-5.50 %)',
      'Max drawdown -3.00 % (-312.00 USDT)',
      'Buy & hold: BTC/USDT:USDT +3.00 %, ETH/USDT:USDT -2.00 %, XRP/USDT:USDT +4.00 %',
      'Hold average +1.67 % vs account +3.65 %',
      'trend: 5 trades, 60.0 % won, +125.55 USDT',
      'meanrev: 5 trades, 60.0 % won, +39.00 USDT',
      'manual signals: 1 trade, 0.0 % won, 0.00 USDT',
    ]);
  });

  it('the same numbers whatever the order of the inputs', () => {
    const shuffled = computePeriodReport({
      ...INPUT,
      trades: [...INPUT.trades].reverse(),
      snapshots: [...INPUT.snapshots].sort((a, b) => (a.at % 7) - (b.at % 7)),
    });
    expect(shuffled).toEqual(report);
  });
});

describe('computePeriodReport: the window and the trades that count', () => {
  const base: PeriodReportInput = {
    accountId: ACCOUNT,
    from: FROM,
    to: FROM + DAY,
    timeZone: 'UTC',
    trades: [],
    snapshots: [],
    holdPrices: {},
  };

  it('closedAt = from counts, closedAt = to does not, one ms before from does not', () => {
    const trades = [
      trade({ tradeId: 'a', symbol: BTC, realizedPnl: 1, closedAt: FROM }),
      trade({ tradeId: 'b', symbol: BTC, realizedPnl: 10, closedAt: FROM + DAY - 1 }),
      trade({ tradeId: 'c', symbol: BTC, realizedPnl: 100, closedAt: FROM + DAY }),
      trade({ tradeId: 'd', symbol: BTC, realizedPnl: 1000, closedAt: FROM - 1 }),
    ];
    const report = computePeriodReport({ ...base, trades });
    // a + b = 1 + 10
    expect(report.trades).toBe(2);
    expect(report.realizedPnl).toBe('11');
    expect(report.exits.map((e) => e.at)).toEqual([FROM, FROM + DAY - 1]);
  });

  it('open trades count nowhere in the trade figures, even with a partial exit booked', () => {
    const open = trade({
      tradeId: 'o',
      symbol: ETH,
      status: 'open',
      realizedPnl: 55,
      fees: 3,
      funding: 1,
      closedAt: undefined,
      openedAt: FROM + HOUR,
    });
    // an open record that somehow carries a closedAt in the window still is not closed
    const odd = trade({ tradeId: 'p', symbol: ETH, status: 'open', realizedPnl: 7, closedAt: FROM + 2 * HOUR });
    const report = computePeriodReport({ ...base, trades: [open, odd] });
    expect(report).toMatchObject({
      trades: 0,
      wins: 0,
      losses: 0,
      winRatePct: 0,
      realizedPnl: '0',
      fees: '0',
      funding: '0',
      byStrategy: [],
      exits: [],
    });
    expect(report.best).toBeUndefined();
    expect(report.worst).toBeUndefined();
    // …but the account was exposed to ETH: it is compared against holding it (no price → missing)
    expect(report.hold).toEqual({ symbols: [], missing: [ETH] });
  });

  it('snapshots: both bounds included; outside ones and other accounts ignored', () => {
    const snapshots = [
      snapshot(FROM - 1, 1),
      snapshot(FROM, 100),
      snapshot(FROM + HOUR, 90, { accountId: 'acc-2' }),
      snapshot(FROM + DAY, 110),
      snapshot(FROM + DAY + 1, 1),
    ];
    const report = computePeriodReport({ ...base, snapshots });
    expect(report.equityCurve).toEqual([
      { at: FROM, equity: '100' },
      { at: FROM + DAY, equity: '110' },
    ]);
    // (110 / 100 − 1) × 100 = 10 %
    expect(report.returnPct).toBeCloseTo(10, 10);
  });

  it('another account’s trades are ignored', () => {
    const report = computePeriodReport({
      ...base,
      trades: [trade({ tradeId: 'z', symbol: BTC, accountId: 'acc-2', realizedPnl: 5, closedAt: FROM + HOUR })],
    });
    expect(report.trades).toBe(0);
    expect(report.hold.missing).toEqual([]);
  });

  it('one trade: best and worst are the same, the text does not repeat it', () => {
    const only = trade({
      tradeId: 'q',
      symbol: SOL,
      side: 'short',
      realizedPnl: -4.2,
      roiPct: undefined,
      closedAt: FROM + HOUR,
      exitReason: 'stop_loss',
    });
    const report = computePeriodReport({ ...base, trades: [only] });
    expect(report.best).toEqual(report.worst);
    expect(report.best).toEqual({
      tradeId: 'q',
      symbol: SOL,
      side: 'short',
      strategy: MANUAL_STRATEGY,
      pnl: '-4.2',
      closedAt: FROM + HOUR,
      exitReason: 'stop_loss',
    });
    const lines = renderReportText(report, 'daily').lines;
    expect(lines).toContain('Best: SOL/USDT:USDT short -4.20 USDT');
    expect(lines.some((l) => l.startsWith('Worst'))).toBe(false);
    expect(lines).toContain('Trades 1: 0 won, 1 lost (0.0 % win rate)');
  });

  it('equal P&L: the earliest closed is best and worst', () => {
    const trades = [
      trade({ tradeId: 'late', symbol: BTC, realizedPnl: 5, closedAt: FROM + 2 * HOUR }),
      trade({ tradeId: 'early', symbol: ETH, realizedPnl: 5, closedAt: FROM + HOUR }),
    ];
    const report = computePeriodReport({ ...base, trades });
    expect(report.best?.tradeId).toBe('early');
    expect(report.worst?.tradeId).toBe('early');
  });

  it('rejects an empty or reversed window, and an unknown zone', () => {
    expect(() => computePeriodReport({ ...base, to: FROM })).toThrow('from < to');
    expect(() => computePeriodReport({ ...base, to: FROM - 1 })).toThrow('from < to');
    expect(() => computePeriodReport({ ...base, timeZone: 'Mars/Olympus' })).toThrow('Unknown time zone');
  });
});

describe('computePeriodReport: buy & hold', () => {
  const base: PeriodReportInput = {
    accountId: ACCOUNT,
    from: FROM,
    to: FROM + DAY,
    timeZone: 'UTC',
    trades: [],
    snapshots: [snapshot(FROM, 1_000), snapshot(FROM + DAY, 1_010)],
    holdPrices: {},
  };

  it('a position held through the whole period counts; one closed before or opened after does not', () => {
    const trades = [
      trade({ tradeId: 'through', symbol: BTC, status: 'open', openedAt: FROM - 3 * DAY, closedAt: undefined }),
      trade({ tradeId: 'before', symbol: ETH, openedAt: FROM - 2 * DAY, closedAt: FROM - HOUR }),
      trade({ tradeId: 'after', symbol: SOL, status: 'open', openedAt: FROM + DAY, closedAt: undefined }),
      trade({ tradeId: 'across-end', symbol: XRP, openedAt: FROM + 20 * HOUR, closedAt: FROM + DAY + HOUR }),
    ];
    const holdPrices = {
      [BTC]: { from: 100, to: 110 },
      [ETH]: { from: 10, to: 5 },
      [SOL]: { from: 10, to: 20 },
      [XRP]: { from: 2, to: 1.9 },
    };
    const report = computePeriodReport({ ...base, trades, holdPrices });
    // BTC 110 / 100 − 1 = +10 %; XRP 1.9 / 2 − 1 = −5 %; mean (10 − 5) / 2 = 2.5 %
    // account (1,010 / 1,000 − 1) × 100 = 1 % → 1 − 2.5 = −1.5 points
    expect(report.hold.symbols.map((s) => [s.symbol, Number(s.returnPct.toFixed(10))])).toEqual([
      [BTC, 10],
      [XRP, -5],
    ]);
    expect(report.hold.averagePct).toBeCloseTo(2.5, 10);
    expect(report.hold.excessPct).toBeCloseTo(-1.5, 10);
    expect(renderReportText(report, 'daily').lines).toEqual(
      expect.arrayContaining([
        'Buy & hold: BTC/USDT:USDT +10.00 %, XRP/USDT:USDT -5.00 %',
        'Hold average +2.50 % vs account +1.00 %',
      ]),
    );
  });

  it('symbols without a usable price are listed as missing and left out of the mean', () => {
    const trades = [BTC, ETH, SOL, XRP].map((symbol, i) => trade({ tradeId: `t${i}`, symbol, closedAt: FROM + HOUR }));
    // ETH: no entry; SOL: from 0; XRP: to not finite. 'toString' is not a symbol to look up.
    const holdPrices = { [BTC]: { from: 50, to: 40 }, [SOL]: { from: 0, to: 5 }, [XRP]: { from: 1, to: NaN } };
    const report = computePeriodReport({
      ...base,
      trades: [...trades, trade({ tradeId: 'proto', symbol: 'toString', closedAt: FROM + HOUR })],
      holdPrices,
    });
    // BTC 40 / 50 − 1 = −20 %: the only one, so the mean
    expect(report.hold.symbols.map((s) => s.symbol)).toEqual([BTC]);
    expect(report.hold.averagePct).toBeCloseTo(-20, 10);
    expect(report.hold.missing).toEqual([ETH, SOL, XRP, 'toString']);
    expect(renderReportText(report, 'daily').lines).toContain(`No hold prices for ${ETH}, ${SOL}, ${XRP}, toString`);
  });

  it('no account return (no snapshots): the mean is there, the excess is not', () => {
    const report = computePeriodReport({
      ...base,
      snapshots: [],
      trades: [trade({ tradeId: 'b', symbol: BTC, closedAt: FROM + HOUR })],
      holdPrices: { [BTC]: { from: 100, to: 101 } },
    });
    expect(report.hold.averagePct).toBeCloseTo(1, 10);
    expect(report.hold.excessPct).toBeUndefined();
    expect(renderReportText(report, 'daily').lines).toContain('Hold average +1.00 %');
  });
});

describe('computePeriodReport: an empty period', () => {
  const report = computePeriodReport({
    accountId: ACCOUNT,
    from: FROM,
    to: FROM + DAY,
    timeZone: 'Asia/Seoul',
    trades: [],
    snapshots: [],
    holdPrices: HOLD_PRICES,
  });

  it('has zeros for the sums and nothing for what needs data', () => {
    expect(report).toEqual({
      accountId: ACCOUNT,
      from: FROM,
      to: FROM + DAY,
      timeZone: 'Asia/Seoul',
      fromDay: '2024-05-11',
      toDay: '2024-05-11',
      quote: 'USDT',
      realizedPnl: '0',
      fees: '0',
      funding: '0',
      trades: 0,
      wins: 0,
      losses: 0,
      winRatePct: 0,
      byStrategy: [],
      maxDrawdown: { pct: 0, amount: '0' },
      hold: { symbols: [], missing: [] },
      equityCurve: [],
      exits: [],
      regimes: [],
    });
  });

  it('reads as such', () => {
    expect(renderReportText(report, 'daily')).toEqual({
      title: 'Daily report acc-1 2024-05-11: realized 0.00 USDT',
      lines: [
        'Equity: no snapshot in the period',
        'Realized 0.00 USDT',
        'Fees 0.00 USDT · funding 0.00 USDT',
        'Trades: none closed',
        'Max drawdown 0.00 %',
      ],
    });
  });
});

describe('computePeriodReport: money to 1e-8', () => {
  it('sums exactly in decimals, then rounds half up to 8 places; snapshots are rounded as read', () => {
    // float: 0.1 + 0.2 = 0.30000000000000004; decimal: 0.3
    // realized 0.123456784 + 0.000000001 = 0.123456785 → 0.12345679 (half up)
    const trades = [
      trade({ tradeId: 'a', symbol: BTC, realizedPnl: 0.123456784, fees: 0.1, funding: 0.1, closedAt: FROM + HOUR }),
      trade({
        tradeId: 'b',
        symbol: BTC,
        realizedPnl: 0.000000001,
        fees: 0.2,
        funding: 0.2,
        closedAt: FROM + 2 * HOUR,
      }),
    ];
    const snapshots = [
      snapshot(FROM, 1000.000000004, { unrealizedPnl: 1 }),
      snapshot(FROM + HOUR, 999.123456789, { unrealizedPnl: -0.333333333333 }),
    ];
    const report = computePeriodReport({
      accountId: ACCOUNT,
      from: FROM,
      to: FROM + DAY,
      timeZone: 'UTC',
      trades,
      snapshots,
      holdPrices: {},
    });
    expect(report.fees).toBe('0.3');
    expect(report.funding).toBe('0.3');
    expect(report.realizedPnl).toBe('0.12345679');
    expect(report.startEquity).toBe('1000');
    expect(report.endEquity).toBe('999.12345679');
    // the change and the fall are between the rounded readings, so that start + change = end:
    // 999.12345679 − 1000 = −0.87654321 (unrounded it would be −0.876543215 → −0.87654322)
    expect(report.equityChange).toBe('-0.87654321');
    expect(report.maxDrawdown.amount).toBe('0.87654321');
    expect(report.unrealizedPnl).toBe('-0.33333333');
  });
});

describe('maxDrawdown of the report curve', () => {
  const curve = (values: number[]) => values.map((v, h) => snapshot(FROM + h * HOUR, v));
  const report = (values: number[]) =>
    computePeriodReport({
      accountId: ACCOUNT,
      from: FROM,
      to: FROM + DAY,
      timeZone: 'UTC',
      trades: [],
      snapshots: curve(values),
      holdPrices: {},
    });

  it('known peak and trough: 100 → 120 → 90 → 130 → 117 → 140', () => {
    // falls: 120 → 90 = 30 = 25 % of 120; 130 → 117 = 13 = 10 %. Deepest: the first.
    const { maxDrawdown: dd } = report([100, 120, 90, 130, 117, 140]);
    expect(dd.pct).toBeCloseTo(25, 10);
    expect(dd.amount).toBe('30');
    expect(dd.peak).toEqual({ at: FROM + HOUR, equity: '120' });
    expect(dd.trough).toEqual({ at: FROM + 2 * HOUR, equity: '90' });
  });

  it('the trough is the lowest point before recovery, not the first dip', () => {
    // 200 → 190 → 195 → 150 → 199 → 201: one fall from 200 to 150 = 50 = 25 %
    const { maxDrawdown: dd } = report([200, 190, 195, 150, 199, 201]);
    expect(dd).toMatchObject({ amount: '50', peak: { equity: '200' }, trough: { equity: '150' } });
    expect(dd.pct).toBeCloseTo(25, 10);
  });

  it('never falling: 0, no ends', () => {
    expect(report([100, 100, 101, 105]).maxDrawdown).toEqual({ pct: 0, amount: '0' });
  });

  it('agrees in percent with the backtest metric on the fixture curve', () => {
    const values = PERIOD_SNAPSHOTS.map((s) => Number(s.equity)); // the backtest's metric takes floats
    const time = Float64Array.from(PERIOD_SNAPSHOTS.map((s) => s.at));
    const backtest = drawdowns(time, Float64Array.from(values), values[0]!);
    expect(computePeriodReport(INPUT).maxDrawdown.pct).toBeCloseTo(backtest.maxPct, 12);
  });

  it('the text writes the fall as negative', () => {
    expect(renderReportText(report([100, 120, 90, 130]), 'daily').lines).toContain(
      'Max drawdown -25.00 % (-30.00 USDT)',
    );
  });
});

describe('renderReportText: kinds and signs', () => {
  const base: PeriodReportInput = {
    accountId: ACCOUNT,
    from: FROM,
    to: FROM + DAY,
    timeZone: 'Asia/Seoul',
    trades: [],
    snapshots: [snapshot(FROM, 10_000), snapshot(FROM + DAY, 9_876.4, { unrealizedPnl: -12.3456 })],
    holdPrices: {},
  };

  it('daily: one day in the title; a loss carries a minus, funding received reads as such', () => {
    const trades = [
      trade({
        tradeId: 'f',
        symbol: ETH,
        strategy: 'grid',
        realizedPnl: 1_234.5,
        fees: 1.5,
        funding: -2.25,
        roiPct: 12.346,
        closedAt: FROM + HOUR,
      }),
    ];
    const text = renderReportText(computePeriodReport({ ...base, trades }), 'daily');
    // 9,876.40 − 10,000 = −123.60; (9,876.4 / 10,000 − 1) × 100 = −1.236 % → "-1.24 %"
    expect(text.title).toBe('Daily report acc-1 2024-05-11: -123.60 USDT (-1.24 %)');
    expect(text.lines).toEqual([
      'Equity 10,000.00 → 9,876.40 USDT (-123.60 USDT, -1.24 %)',
      'Realized +1,234.50 USDT · unrealized -12.35 USDT',
      'Fees 1.50 USDT · funding received 2.25 USDT',
      'Trades 1: 1 won, 0 lost (100.0 % win rate)',
      'Best: ETH/USDT:USDT long +1,234.50 USDT (+12.35 %)',
      // one fall, 10,000 → 9,876.40: 123.60 = 1.236 %
      'Max drawdown -1.24 % (-123.60 USDT)',
      'No hold prices for ETH/USDT:USDT',
      'grid: 1 trade, 100.0 % won, +1,234.50 USDT',
    ]);
  });

  it('weekly over one day names the day once; a custom quote is used throughout', () => {
    const text = renderReportText(computePeriodReport({ ...base, quote: 'USDC' }), 'weekly');
    expect(text.title).toBe('Weekly report acc-1 2024-05-11: -123.60 USDC (-1.24 %)');
    expect(text.lines[0]).toBe('Equity 10,000.00 → 9,876.40 USDC (-123.60 USDC, -1.24 %)');
  });

  it('a value that rounds to zero has no sign', () => {
    const report = computePeriodReport({
      ...base,
      snapshots: [snapshot(FROM, 100), snapshot(FROM + HOUR, 100.001, { unrealizedPnl: -0.004 })],
    });
    const lines = renderReportText(report, 'daily').lines;
    expect(lines[0]).toBe('Equity 100.00 → 100.00 USDT (0.00 USDT, 0.00 %)');
    expect(lines[1]).toBe('Realized 0.00 USDT · unrealized 0.00 USDT');
  });
});

describe('regimes in the report', () => {
  it('one line per symbol, by name, with the label, its probability and what named it', () => {
    const report = computePeriodReport({
      ...INPUT,
      regimes: {
        [ETH]: undefined,
        [SOL]: { label: 'SIDEWAYS', source: 'rules', asOf: TO, probability: 1 },
        [BTC]: { label: 'BULL', source: 'hmm', asOf: TO, probability: 0.8734 },
      },
    });
    expect(report.regimes.map((r) => r.symbol)).toEqual([BTC, ETH, SOL]);
    const lines = renderReportText(report, 'daily').lines;
    expect(lines.filter((line) => line.startsWith('Regime '))).toEqual([
      `Regime ${BTC}: BULL, p 0.87 (HMM)`,
      `Regime ${ETH}: unknown (no reading: candles unavailable or still warming up)`,
      `Regime ${SOL}: SIDEWAYS, p 1.00 (ADX/ATR rules)`,
    ]);
    // the regime lines are the last: the figures above them are unchanged
    expect(lines.slice(0, -3)).toEqual(renderReportText(computePeriodReport(INPUT), 'daily').lines);
  });

  it('no regime source: no regime lines', () => {
    const report = computePeriodReport(INPUT);
    expect(report.regimes).toEqual([]);
    expect(renderReportText(report, 'daily').lines.some((line) => line.startsWith('Regime'))).toBe(false);
  });
});

describe('funding rates in the report', () => {
  it('one line per held symbol, by name, after the regime lines; the figures above are unchanged', () => {
    const next = TO + HOUR;
    const report = computePeriodReport({
      ...INPUT,
      regimes: { [BTC]: { label: 'BULL', source: 'hmm', asOf: TO, probability: 0.8734 } },
      fundingRates: {
        [ETH]: undefined,
        [BTC]: { symbol: BTC, rate: '0.0001', nextFundingTime: next, intervalMs: 8 * HOUR },
      },
    });
    expect(report.fundingRates?.map((f) => f.symbol)).toEqual([BTC, ETH]);
    const lines = renderReportText(report, 'daily').lines;
    expect(lines.slice(-3)).toEqual([
      `Regime ${BTC}: BULL, p 0.87 (HMM)`,
      `Funding rate ${BTC}: +1.00 bp per 8h (+10.95 % a year), next 2024-05-13 01:00 Asia/Seoul`,
      `Funding rate ${ETH}: unknown (no reading from the exchange)`,
    ]);
    expect(lines.slice(0, -3)).toEqual(renderReportText(computePeriodReport(INPUT), 'daily').lines);
  });

  it('not read (paper, spot, no source): no funding-rate field and no lines', () => {
    const report = computePeriodReport(INPUT);
    expect(report).not.toHaveProperty('fundingRates');
    expect(renderReportText(report, 'daily').lines.some((line) => line.startsWith('Funding rate'))).toBe(false);
  });
});
