// Regime model costs on seeded synthetic series (CPU time on this machine; figures, not assertions):
// one HMM fit (3 states, n returns, the default starts), one GARCH(1,1) fit, the RegimeStream per
// bar with its refits, and the forward filter alone between refits.
// Run: node --import tsx bench/regimes.ts
import { mulberry32 } from '../shared/core/backtest/prng';
import { fitGarch, fitHmm, HmmFilter, regimeSeries } from '../shared/core/regimes/index';

function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Three-regime returns (the recovery test's parameters). */
function returns(n: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const means = [-0.003, 0, 0.002];
  const sds = [0.03, 0.006, 0.012];
  const stay = [0.95, 0.97, 0.96];
  const x = new Float64Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) {
    if (random() > stay[s]!) s = (s + 1 + Math.floor(random() * 2)) % 3;
    x[t] = means[s]! + sds[s]! * normal(random);
  }
  return x;
}

/** Median CPU milliseconds of `runs` calls. */
function cpuMs(runs: number, f: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const rows: [string, string][] = [];
for (const n of [500, 2000, 5000]) {
  const x = returns(n, 1);
  rows.push([`fitHmm, 3 states, ${n} returns`, `${cpuMs(5, () => fitHmm(x)).toFixed(1)} ms`]);
}
for (const n of [1000, 5000]) {
  const x = returns(n, 2);
  rows.push([`fitGarch, ${n} returns`, `${cpuMs(5, () => fitGarch(x)).toFixed(1)} ms`]);
}
{
  const x = returns(5000, 3);
  const close = new Float64Array(x.length + 1);
  close[0] = 100;
  for (let t = 1; t < close.length; t++) close[t] = close[t - 1]! * Math.exp(x[t - 1]!);
  const candles = { high: close.map((c) => c * 1.002), low: close.map((c) => c * 0.998), close };
  const ms = cpuMs(3, () => regimeSeries(candles));
  rows.push([
    'RegimeStream, 5,001 bars (window 500, refit every 50)',
    `${ms.toFixed(0)} ms = ${((ms * 1000) / close.length).toFixed(1)} µs/bar with refits`,
  ]);
  const model = fitHmm(x.subarray(0, 500)).model;
  const filterMs = cpuMs(5, () => {
    const filter = new HmmFilter(model);
    for (const r of x) filter.next(r);
  });
  rows.push(['HmmFilter.next (between refits)', `${((filterMs * 1e6) / x.length).toFixed(0)} ns/bar`]);
}
for (const [name, figure] of rows) console.log(`${name.padEnd(58)} ${figure}`);
