// Two tiny charts drawn as SVG without a library, so the first screen does not wait for
// lightweight-charts (the candle view loads it lazily). Floats are fine here: they only draw.

export function Sparkline({ points, label }: { points: { at: number; value: number }[]; label: string }) {
  if (points.length < 2) return <p class="muted">{label}: not enough data yet</p>;
  const width = 600;
  const height = 140;
  const xs = points.map((p) => p.at);
  const ys = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => ((x - x0) / (x1 - x0 || 1)) * width;
  const sy = (y: number) => height - 4 - ((y - y0) / (y1 - y0 || 1)) * (height - 8);
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.at).toFixed(1)},${sy(p.value).toFixed(1)}`).join('');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
        <path d={d} class="line" />
      </svg>
      <figcaption>
        {label}: {y0.toFixed(2)} – {y1.toFixed(2)}
      </figcaption>
    </figure>
  );
}

export function Bars({ bars, label }: { bars: { key: string; value: number }[]; label: string }) {
  if (!bars.length) return <p class="muted">{label}: no data yet</p>;
  const width = 600;
  const height = 160;
  const max = Math.max(...bars.map((b) => Math.abs(b.value)), 1e-9);
  // at least 30 slots wide: one day's bar on a new account is a bar, not a wall
  const band = width / Math.max(bars.length, 30);
  const mid = height / 2;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
        <line x1="0" x2={width} y1={mid} y2={mid} class="axis" />
        {bars.map((b, i) => {
          const h = (Math.abs(b.value) / max) * (mid - 4);
          return (
            <rect
              key={b.key}
              x={i * band + band * 0.15}
              width={band * 0.7}
              y={b.value >= 0 ? mid - h : mid}
              height={Math.max(h, 0.5)}
              class={b.value >= 0 ? 'bar up' : 'bar down'}
            >
              <title>
                {b.key}: {b.value}
              </title>
            </rect>
          );
        })}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
