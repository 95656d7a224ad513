// The equity chart PNG: a valid file of the asked size (signature, IHDR, decoded back through
// pureimage's pngjs decoder), something drawn where the line runs, the drawdown shade and the exit
// markers only when there is something to show, the no-data chart, the axes' ticks, and where the
// font is looked for.
import path from 'node:path';
import { Readable } from 'node:stream';
import type * as Vm from 'node:vm';
import * as PImage from 'pureimage';
import {
  equityAxis,
  fontCandidates,
  FONT_FILE,
  renderEquityChartPng,
  resolveFontPath,
  timeTicks,
} from '../../../../shared/adapters/chart/equity-chart';

// pureimage reads Math and other globals in its per-pixel loops (text, PNG filters), and a global
// read inside jest's module sandbox (a vm context) costs ≈ 150 ns against ≈ 1 ns in plain node: a
// chart took 0.4–5 s here against 5–90 ms in node or Lambda, and this file 18 s (20 s under load).
// So pureimage is loaded by node itself, outside the sandbox, as Lambda loads it: the same package
// (bundled, built-in modules only), nothing of it replaced; the chart code under test still runs in
// jest. Without a main module to load it through (jest started as ESM), jest loads it: slower, same.
jest.mock('pureimage', () => {
  const realProcess = jest.requireActual<typeof Vm>('node:vm').runInThisContext('process') as NodeJS.Process;
  const resolved = require.resolve('pureimage');
  return realProcess.mainModule
    ? (realProcess.mainModule.require(resolved) as unknown)
    : jest.requireActual('pureimage');
});

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 10, 15); // 2024-05-11 00:00 in Asia/Seoul
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

type Bitmap = Awaited<ReturnType<typeof PImage.decodePNGFromStream>>;

const decode = (png: Uint8Array): Promise<Bitmap> => PImage.decodePNGFromStream(Readable.from([Buffer.from(png)]));

type RGB = [number, number, number];

function rgbAt(bitmap: Bitmap, x: number, y: number): RGB {
  const i = (y * bitmap.width + x) * 4;
  return [bitmap.data[i]!, bitmap.data[i + 1]!, bitmap.data[i + 2]!];
}

/** Pixels matching `test`, as [x, y]. */
function pixels(bitmap: Bitmap, test: (rgb: RGB) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let y = 0; y < bitmap.height; y++)
    for (let x = 0; x < bitmap.width; x++) if (test(rgbAt(bitmap, x, y))) out.push([x, y]);
  return out;
}

// The colours of the chart, loosely: the line #2563eb, the shade red at 20 % over white
// (≈ #f8d4d4), exit markers #16a34a / #dc2626.
const isLine = ([r, g, b]: RGB) => b > 200 && r < 90 && g < 140;
const isShade = ([r, g, b]: RGB) => r > 240 && g > 195 && g < 225 && Math.abs(g - b) < 12;
/** Shade pixels inside a shaded area (right and lower neighbours shaded too): not the pink rim a red marker's anti-aliasing leaves. */
function shadeArea(bitmap: Bitmap): Array<[number, number]> {
  return pixels(bitmap, isShade).filter(
    ([x, y]) =>
      y >= 44 &&
      x + 1 < bitmap.width &&
      y + 1 < bitmap.height &&
      isShade(rgbAt(bitmap, x + 1, y)) &&
      isShade(rgbAt(bitmap, x, y + 1)),
  );
}
const isWin = ([r, g, b]: RGB) => g > 140 && r < 60 && b < 100;
const isLoss = ([r, g, b]: RGB) => r > 200 && g < 60 && b < 60;

const hourly = (values: number[]) => values.map((equity, h) => ({ at: T0 + h * HOUR, equity }));
/** a chart region away from the title and legend rows (y ≥ 44) */
const inPlotRows = ([, y]: [number, number]) => y >= 44;

// The default chart is drawn once for its group, the others small: the size is what they do not test.

describe('renderEquityChartPng: the default chart (800 × 400, a rising curve, two exits)', () => {
  let png: Uint8Array;
  let bitmap: Bitmap;
  beforeAll(async () => {
    const points = hourly(Array.from({ length: 25 }, (_, h) => 1_000 + 10 * h));
    png = await renderEquityChartPng(points, {
      title: 'rising',
      timeZone: 'Asia/Seoul',
      trades: [
        { at: T0 + 6 * HOUR, pnl: 5 },
        { at: T0 + 18 * HOUR + HOUR / 2, pnl: -2 },
      ],
    });
    bitmap = await decode(png);
  });

  it('is a PNG: signature, IHDR with 800 × 400, and decodes (pngjs, through pureimage)', () => {
    expect(png).toBeInstanceOf(Uint8Array);
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    // first chunk: length 13, type IHDR, width, height (big-endian)
    expect(view.getUint32(8)).toBe(13);
    expect(Buffer.from(png.subarray(12, 16)).toString('ascii')).toBe('IHDR');
    expect(view.getUint32(16)).toBe(800);
    expect(view.getUint32(20)).toBe(400);
    expect([bitmap.width, bitmap.height]).toEqual([800, 400]);
  });

  it('draws the line along its path: climbing from left to right, inside the plot', () => {
    const line = pixels(bitmap, isLine).filter(inPlotRows);
    expect(line.length).toBeGreaterThan(500);
    // Every sampled column from a quarter to three quarters of the width has the line, and the
    // line's mean height there rises (y falls) from column to column.
    const meanY = (x: number) => {
      const ys = line.filter(([px]) => px === x).map(([, y]) => y);
      return ys.reduce((sum, y) => sum + y, 0) / ys.length;
    };
    const columns = [200, 300, 400, 500, 600];
    for (const x of columns) expect(line.some(([px]) => px === x)).toBe(true);
    const heights = columns.map(meanY);
    for (let i = 1; i < heights.length; i++) expect(heights[i]!).toBeLessThan(heights[i - 1]!);
    // The line stays inside the frame: above the date labels, right of the equity labels.
    expect(Math.max(...line.map(([, y]) => y))).toBeLessThan(400 - 28);
    expect(Math.min(...line.map(([x]) => x))).toBeGreaterThan(40);
    expect(Math.max(...line.map(([x]) => x))).toBeLessThan(800 - 14);
  });

  it('marks the winning exit green and the losing one red, on the line', () => {
    const wins = pixels(bitmap, isWin).filter(inPlotRows);
    const losses = pixels(bitmap, isLoss).filter(inPlotRows);
    expect(wins.length).toBeGreaterThan(20);
    expect(losses.length).toBeGreaterThan(20);
    // the win at hour 6 of 24 lies left of and below the loss at hour 18.5 (the curve rises)
    const centre = (ps: Array<[number, number]>) => [
      ps.reduce((s, [x]) => s + x, 0) / ps.length,
      ps.reduce((s, [, y]) => s + y, 0) / ps.length,
    ];
    const [wx, wy] = centre(wins);
    const [lx, ly] = centre(losses);
    expect(wx).toBeLessThan(lx!);
    expect(wy).toBeGreaterThan(ly!);
  });

  it('has no drawdown shade (the curve never falls)', () => {
    expect(shadeArea(bitmap)).toHaveLength(0);
  });
});

describe('renderEquityChartPng: smaller charts', () => {
  const small = { width: 400, height: 200 };

  it('takes another size', async () => {
    const png = await renderEquityChartPng(hourly([100, 101, 99, 102]), { title: 'small', width: 320, height: 160 });
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([320, 160]);
    const bitmap = await decode(png);
    expect([bitmap.width, bitmap.height]).toEqual([320, 160]);
  });

  it('refuses a size too small to hold the axes', async () => {
    await expect(renderEquityChartPng([], { title: 'x', width: 100, height: 50 })).rejects.toThrow('too small');
  });

  it('is the same bytes for the same input, whatever the order of the points', async () => {
    const points = hourly([100, 104, 97, 103, 110]);
    const a = await renderEquityChartPng(points, { title: 'same', timeZone: 'Asia/Seoul', width: 200, height: 120 });
    const b = await renderEquityChartPng([...points].reverse(), {
      title: 'same',
      timeZone: 'Asia/Seoul',
      width: 200,
      height: 120,
    });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('puts each exit where its P&L moved the equity: a win on the top of its rise, a loss at the foot of its fall', async () => {
    // Readings every hour; the equity steps by each exit's P&L from the reading at its close.
    const steps = hourly([...Array(6).fill(1_000), ...Array(12).fill(1_100), ...Array(7).fill(1_050)]);
    const trades = [
      { at: T0 + 6 * HOUR, pnl: 100 },
      { at: T0 + 18 * HOUR, pnl: -50 },
    ];
    const bitmap = await decode(await renderEquityChartPng(steps, { title: 'steps', ...small, trades }));
    const centre = (ps: Array<[number, number]>): [number, number] => [
      ps.reduce((sum, [x]) => sum + x, 0) / ps.length,
      ps.reduce((sum, [, y]) => sum + y, 0) / ps.length,
    ];
    const line = pixels(bitmap, isLine).filter(inPlotRows);
    const lineY = (x: number) => centre(line.filter(([px]) => Math.abs(px - x) <= 1))[1];
    const [wx, wy] = centre(pixels(bitmap, isWin).filter(inPlotRows));
    const [lx, ly] = centre(pixels(bitmap, isLoss).filter(inPlotRows));
    expect(wx).toBeLessThan(lx);
    // the won dot is on the level after the rise (the flat stretch to its right), above the one before it
    expect(Math.abs(wy - lineY(wx + 20))).toBeLessThan(3);
    expect(wy).toBeLessThan(lineY(wx - 20) - 10);
    // the lost dot is on the level after the fall, below the one before it
    expect(Math.abs(ly - lineY(lx + 20))).toBeLessThan(3);
    expect(ly).toBeGreaterThan(lineY(lx - 20) + 5);
  });

  it('shades a fall from its peak on; exits outside the curve are not marked', async () => {
    // peak at hour 1 of 4 (a quarter of the plot), then down and back up without recovering
    const trades = [
      { at: T0 - HOUR, pnl: 5 },
      { at: T0 + 9 * HOUR, pnl: -5 },
    ];
    const bitmap = await decode(
      await renderEquityChartPng(hourly([100, 110, 90, 95, 105]), { title: 'fall', ...small, trades }),
    );
    const shade = shadeArea(bitmap);
    expect(shade.length).toBeGreaterThan(300);
    expect(Math.min(...shade.map(([x]) => x))).toBeGreaterThan(100);
    // only the legend's dots, above the plot
    expect(pixels(bitmap, isWin).filter(inPlotRows)).toHaveLength(0);
    expect(pixels(bitmap, isLoss).filter(inPlotRows)).toHaveLength(0);
  });

  it('draws a flat curve as a line', async () => {
    const bitmap = await decode(await renderEquityChartPng(hourly([50, 50, 50]), { title: 'flat', ...small }));
    expect(pixels(bitmap, isLine).filter(inPlotRows).length).toBeGreaterThan(200);
  });

  it('thins a long curve and still draws it (a week of minutes)', async () => {
    const points = Array.from({ length: 7 * 1440 + 1 }, (_, i) => ({
      at: T0 + i * 60_000,
      equity: 10_000 + 100 * Math.sin(i / 300),
    }));
    const bitmap = await decode(
      await renderEquityChartPng(points, { title: 'week', timeZone: 'Asia/Seoul', ...small }),
    );
    expect(pixels(bitmap, isLine).filter(inPlotRows).length).toBeGreaterThan(300);
  });
});

describe('renderEquityChartPng: no data', () => {
  const size = { width: 400, height: 200 };
  /** dark text pixels in the middle band, where the message is */
  const message = (b: Bitmap) =>
    pixels(b, ([r, g, bl]) => r < 140 && g < 140 && bl < 160).filter(
      ([x, y]) => x > 120 && x < 280 && y > 90 && y < 118,
    ).length;
  /** any ink on the line under the message */
  const secondLine = (b: Bitmap) =>
    pixels(b, ([r]) => r < 220).filter(([x, y]) => x > 20 && x < 380 && y > 118 && y < 138).length;

  it.each([
    ['no point', [], false],
    ['one point', [{ at: T0, equity: 1_234.5 }], true],
    [
      'points at one instant (the last is told)',
      [
        { at: T0, equity: 1 },
        { at: T0, equity: 2 },
      ],
      true,
    ],
    [
      'only non-finite points',
      [
        { at: T0, equity: NaN },
        { at: T0 + HOUR, equity: Infinity },
      ],
      false,
    ],
  ])('%s: a valid PNG with the message and no line', async (_label, points, reading) => {
    const png = await renderEquityChartPng(points, { title: 'empty', timeZone: 'Asia/Seoul', ...size });
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    const bitmap = await decode(png);
    expect([bitmap.width, bitmap.height]).toEqual([400, 200]);
    expect(pixels(bitmap, isLine)).toHaveLength(0);
    expect(message(bitmap)).toBeGreaterThan(30);
    // a reading is told on a second line; otherwise there is none
    if (reading) expect(secondLine(bitmap)).toBeGreaterThan(30);
    else expect(secondLine(bitmap)).toBe(0);
  });
});

describe('equityAxis: 4 or 5 round ticks inside the padded range', () => {
  it.each([
    [10_000, 10_600],
    [9_876.4, 10_000],
    [0.0123, 0.0123],
    [0, 0],
    [-50, 30],
    [250_000, 263_000],
    [99.99, 100.01],
    [1, 1_000_000],
  ])('%p … %p', (min, max) => {
    const { ticks, low, high, decimals } = equityAxis(min, max);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(5);
    expect(low).toBeLessThanOrEqual(min);
    expect(high).toBeGreaterThanOrEqual(max);
    for (const t of ticks) expect(t >= low - 1e-9 && t <= high + 1e-9).toBe(true);
    // evenly spaced by a round step (1, 2, 2.5 or 5 × 10^k) that `decimals` tells apart
    const step = ticks[1]! - ticks[0]!;
    const unit = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
    expect([1, 2, 2.5, 5, 10].some((u) => Math.abs(unit - u) < 1e-6)).toBe(true);
    expect(Number(step.toFixed(decimals))).toBeCloseTo(step, 12);
  });

  it('the fixture curve: 10,000 … 10,600 → 10,000 10,200 10,400 10,600', () => {
    expect(equityAxis(10_000, 10_600).ticks).toEqual([10_000, 10_200, 10_400, 10_600]);
  });
});

describe('timeTicks: in the account zone', () => {
  it('one day in Seoul: every 3 h on the local hour, HH:MM', () => {
    const ticks = timeTicks(T0, T0 + 24 * HOUR, 'Asia/Seoul');
    expect(ticks.map((t) => t.label)).toEqual([
      '00:00',
      '03:00',
      '06:00',
      '09:00',
      '12:00',
      '15:00',
      '18:00',
      '21:00',
      '00:00',
    ]);
    expect(ticks[0]!.at).toBe(T0);
  });

  it('a half-hour zone finds its round hours (India, UTC+5:30)', () => {
    const ticks = timeTicks(Date.UTC(2024, 4, 10, 0), Date.UTC(2024, 4, 11, 0), 'Asia/Kolkata');
    // 00:00 UTC is 05:30 IST: the first 3-hour tick is 06:00 IST = 00:30 UTC
    expect(ticks[0]).toEqual({ at: Date.UTC(2024, 4, 10, 0, 30), label: '06:00' });
  });

  it('two days: midnights as MM-DD between the hours', () => {
    const labels = timeTicks(T0, T0 + 48 * HOUR, 'Asia/Seoul').map((t) => t.label);
    expect(labels).toEqual(['05-11', '06:00', '12:00', '18:00', '05-12', '06:00', '12:00', '18:00', '05-13']);
  });

  it('a week across the New York DST change: local midnights (23 h apart on the short day)', () => {
    const start = Date.UTC(2024, 2, 6, 5); // 2024-03-06 00:00 EST
    const ticks = timeTicks(start, start + 7 * 24 * HOUR - HOUR, 'America/New_York');
    expect(ticks.map((t) => t.label)).toEqual(['03-06', '03-07', '03-08', '03-09', '03-10', '03-11', '03-12', '03-13']);
    // 03-10 00:00 EST → 03-11 00:00 EDT is 23 hours
    expect(ticks[5]!.at - ticks[4]!.at).toBe(23 * HOUR);
  });
});

describe('the font', () => {
  const root = process.cwd();
  const shipped = path.join(root, 'assets', 'fonts', FONT_FILE);
  const saved = process.env.LAMBDA_TASK_ROOT;
  afterEach(() => {
    jest.restoreAllMocks();
    if (saved === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = saved;
  });

  it('is looked for under the working directory, then under LAMBDA_TASK_ROOT (folder, then beside the bundle)', () => {
    expect(fontCandidates('/work/app', undefined)).toEqual([`/work/app/assets/fonts/${FONT_FILE}`]);
    expect(fontCandidates('/tmp', '/var/task')).toEqual([
      `/tmp/assets/fonts/${FONT_FILE}`,
      `/var/task/assets/fonts/${FONT_FILE}`,
      `/var/task/${FONT_FILE}`,
    ]);
    // Lambda starts in the task root: no duplicate
    expect(fontCandidates('/var/task', '/var/task')).toEqual([
      `/var/task/assets/fonts/${FONT_FILE}`,
      `/var/task/${FONT_FILE}`,
    ]);
  });

  it('is found from the sources (the project root)', () => {
    delete process.env.LAMBDA_TASK_ROOT;
    expect(resolveFontPath()).toBe(shipped);
  });

  it('is found beside a bundle in LAMBDA_TASK_ROOT when the working directory has none', () => {
    jest.spyOn(process, 'cwd').mockReturnValue('/nonexistent-dir');
    process.env.LAMBDA_TASK_ROOT = path.join(root, 'assets', 'fonts');
    expect(resolveFontPath()).toBe(shipped);
  });

  it('missing everywhere: an error that says where it looked', () => {
    jest.spyOn(process, 'cwd').mockReturnValue('/nonexistent-dir');
    process.env.LAMBDA_TASK_ROOT = '/also-nonexistent';
    expect(() => resolveFontPath()).toThrow(
      `/nonexistent-dir/assets/fonts/${FONT_FILE}, /also-nonexistent/assets/fonts/${FONT_FILE}, /also-nonexistent/${FONT_FILE}`,
    );
  });

  it('an explicit fontPath must exist; a good one is used', async () => {
    expect(() => resolveFontPath('/nonexistent/font.ttf')).toThrow('font file not found at /nonexistent/font.ttf');
    await expect(
      renderEquityChartPng([], { title: 'x', fontPath: '/nonexistent/font.ttf', width: 200, height: 120 }),
    ).rejects.toThrow('font file not found');
    jest.spyOn(process, 'cwd').mockReturnValue('/nonexistent-dir');
    const png = await renderEquityChartPng(hourly([1, 2]), { title: 'x', fontPath: shipped, width: 200, height: 120 });
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
  });
});
