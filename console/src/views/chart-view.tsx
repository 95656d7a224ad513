// A candle chart per symbol with our entries, exits, stops and targets drawn on it: TradingView's
// lightweight-charts (candlestick series, series markers, price lines). This module is loaded only
// when the chart is opened, so the first screen does not wait for the library (most of the JS).
import {
  type AutoscaleInfo,
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Candles } from '../api-types';
import { AsOf } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatTime } from '../format';

const TIMEFRAMES = ['15m', '1h', '4h', '1d'];
const COLORS = { entry: '#2962ff', exit: '#8e24aa', stop: '#d32f2f', target: '#2e7d32' } as const;

export default function ChartView({ params }: { params: URLSearchParams }) {
  const { api } = useApp();
  const [account, setAccount] = useState(params.get('account') ?? '');
  const [symbol, setSymbol] = useState(params.get('symbol') ?? 'BTC/USDT:USDT');
  const [timeframe, setTimeframe] = useState(params.get('timeframe') ?? '1h');
  const candles = usePoll(
    () =>
      symbol
        ? api.get<Candles>('/candles', { account: account || undefined, symbol, timeframe })
        : Promise.resolve(undefined),
    [api, account, symbol, timeframe],
  );
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<
    | {
        chart: IChartApi;
        series: ISeriesApi<'Candlestick'>;
        lines: IPriceLine[];
        markers: ISeriesMarkersPluginApi<Time>;
      }
    | undefined
  >(undefined);

  useEffect(() => {
    if (!box.current) return;
    const created = createChart(box.current, {
      autoSize: true,
      // the library's logo injects a <style> element, which the console's CSP (style-src 'self')
      // blocks: the attribution its licence asks for is the link under the chart instead
      layout: { background: { color: '#ffffff' }, textColor: '#222', attributionLogo: false },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    const series = created.addSeries(CandlestickSeries, {});
    chart.current = { chart: created, series, lines: [], markers: createSeriesMarkers(series, []) };
    return () => {
      created.remove();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    const data = candles.data;
    if (!c || !data) return;
    c.series.setData(
      data.candles.map((k) => ({ time: toTime(k.time), open: k.open, high: k.high, low: k.low, close: k.close })),
    );
    const markers: SeriesMarker<Time>[] = data.markers
      .map(
        (m) =>
          ({
            // on its candle: a marker between bars would not be drawn
            time: toTime(m.candleTime ?? m.time),
            position:
              m.kind === 'entry'
                ? m.side === 'short'
                  ? 'aboveBar'
                  : 'belowBar'
                : m.side === 'short'
                  ? 'belowBar'
                  : 'aboveBar',
            shape: m.kind === 'entry' ? (m.side === 'short' ? 'arrowDown' : 'arrowUp') : 'circle',
            color: COLORS[m.kind],
            text: m.label,
          }) as SeriesMarker<Time>,
      )
      .sort((a, b) => (a.time as number) - (b.time as number));
    c.markers.setMarkers(markers);
    // the stop and targets stay in view even when the candles never came near them
    const levelPrices = data.levels
      .filter((l) => l.to === undefined)
      .map((l) => Number(l.price))
      .filter(Number.isFinite);
    c.series.applyOptions({
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const range = original();
        if (!range?.priceRange || !levelPrices.length) return range;
        return {
          ...range,
          priceRange: {
            minValue: Math.min(range.priceRange.minValue, ...levelPrices),
            maxValue: Math.max(range.priceRange.maxValue, ...levelPrices),
          },
        };
      },
    });
    for (const line of c.lines) c.series.removePriceLine(line);
    // the levels still in force (no `to`) are drawn across the chart
    c.lines = data.levels
      .filter((l) => l.to === undefined)
      .map((l) =>
        c.series.createPriceLine({
          price: Number(l.price),
          color: COLORS[l.kind],
          lineWidth: 2,
          lineStyle: l.kind === 'entry' ? 0 : 2,
          axisLabelVisible: true,
          title: `${l.kind} ${l.price}`,
        }),
      );
  }, [candles.data]);

  return (
    <section>
      <h1>Chart</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Account
          <input name="account" value={account} onChange={(e) => setAccount(e.currentTarget.value)} />
        </label>
        <label>
          Symbol
          <input name="symbol" value={symbol} onChange={(e) => setSymbol(e.currentTarget.value)} />
        </label>
        <label>
          Timeframe
          <select name="timeframe" value={timeframe} onChange={(e) => setTimeframe(e.currentTarget.value)}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </form>
      <AsOf asOf={candles.data?.asOf} error={candles.error} />
      <div class="candles" ref={box} data-testid="candle-chart" />
      {candles.data && !candles.data.candles.length ? (
        // no candles (a source without history for this symbol): our trades still read as a list
        <div data-testid="chart-no-candles">
          <p class="notice">
            No candles for {symbol} {timeframe} from this stage yet: our marks and levels are below.
          </p>
          <ul class="plain legend">
            {candles.data.markers.map((m) => (
              <li key={`${m.tradeId}:${m.kind}:${m.time}`}>
                <span class={m.kind}>{m.kind}</span> {m.label} @ {m.price} · {formatTime(m.time)}
              </li>
            ))}
            {candles.data.levels
              .filter((l) => l.to === undefined && l.kind !== 'entry')
              .map((l) => (
                <li key={`${l.kind}:${l.price}:${l.from}`}>
                  <span class={l.kind}>{l.kind}</span> at {l.price} (resting)
                </li>
              ))}
          </ul>
        </div>
      ) : null}
      <p class="legend">
        <span class="entry">▲ entry</span> <span class="exit">● exit</span> <span class="stop">— stop</span>{' '}
        <span class="target">— target</span>{' '}
        <span class="muted">
          · charts by{' '}
          <a href="https://www.tradingview.com/" target="_blank" rel="noopener noreferrer">
            TradingView
          </a>
        </span>
      </p>
    </section>
  );
}

/** the API's epoch ms as the chart's UTC seconds */
const toTime = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;
