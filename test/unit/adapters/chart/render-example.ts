// Renders the report fixture's equity chart to docs/img/report-equity.png (the example in the docs)
// and times the rendering: `node --import tsx test/unit/adapters/chart/render-example.ts [runs]`
// from the project root. Not a test (jest only runs *.test.ts).
import { writeFileSync } from 'node:fs';
import { renderEquityChartPng } from '../../../../shared/adapters/chart/equity-chart';
import { computePeriodReport, renderReportText } from '../../../../shared/core/reporting/period-report';
import { INPUT } from '../../core/reporting/fixture';

const runs = Number(process.argv[2] ?? 20);
// The fixture's snapshots are a shape chosen for the drawdown figures, not made from its trades:
// drawn under them, won and lost exits sit on moves of the other direction. The picture shows what
// an account's snapshots show instead: the equity moved by each exit's P&L when it closes (the
// fixture's hourly readings, flat between exits), and the report made from those snapshots.
const fixture = computePeriodReport(INPUT);
const start = Number(fixture.equityCurve[0]!.equity);
const snapshots = INPUT.snapshots.map((s) => ({
  ...s,
  equity: String(fixture.exits.filter((e) => e.at <= s.at).reduce((sum, e) => sum + Number(e.pnl), start)),
  unrealizedPnl: '0',
}));
const report = computePeriodReport({ ...INPUT, snapshots });
const text = renderReportText(report, 'weekly');
const options = { title: text.title, timeZone: report.timeZone, quote: report.quote, trades: report.exits };
const curve = report.equityCurve;

const first = performance.now();
const png = await renderEquityChartPng(curve, options);
const firstMs = performance.now() - first;
writeFileSync('docs/img/report-equity.png', png);

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  await renderEquityChartPng(curve, options);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times.length ? (times[(times.length - 1) >> 1]! + times[times.length >> 1]!) / 2 : NaN;
console.log([text.title, ...text.lines].join('\n'));
console.log(
  `\ndocs/img/report-equity.png: ${png.byteLength} bytes; first render (font load included) ${firstMs.toFixed(1)} ms; median of ${runs}: ${median.toFixed(1)} ms (min ${times[0]?.toFixed(1)}, max ${times[times.length - 1]?.toFixed(1)})`,
);
