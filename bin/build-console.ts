// Builds the owner's web console (console/) into dist/console: index.html, hashed JS and CSS under
// assets/ (the chart view and lightweight-charts in their own chunk, loaded when the chart opens),
// manifest.webmanifest, icons, and sw.js (the service worker, told this build's shell files). The
// build is made in a fresh folder and swapped in, so a server never serves half of it. Prints each
// file's gzipped size: the JS must stay within 250 KB gzipped (checked here: over it, the build fails).
//   node --import tsx bin/build-console.ts        (npm run build:console)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CONSOLE_DIST = 'dist/console';
/** what bin/local/launcher.mjs reads to tell whether the build is older than its sources */
export const CONSOLE_MANIFEST = 'build.json';
export const JS_GZIP_BUDGET = 250 * 1024;

const THEME = '#1d2230';

export interface ConsoleBuild {
  dir: string;
  files: { path: string; bytes: number; gzip: number }[];
  jsGzip: number;
  /** the JS the first screen needs (the entry and the chunks it imports statically), gzipped */
  firstScreenJsGzip: number;
  ms: number;
}

export async function buildConsole(options: { root?: string; quiet?: boolean } = {}): Promise<ConsoleBuild> {
  const root = options.root ?? PROJECT_ROOT;
  const started = Date.now();
  const buildId = `${started.toString(36)}-${randomBytes(3).toString('hex')}`;
  const finalDir = join(root, CONSOLE_DIST);
  const work = join(root, 'dist', `.console-${buildId}`);
  mkdirSync(work, { recursive: true });
  try {
    const app = await build({
      absWorkingDir: root,
      entryPoints: { main: 'console/src/main.tsx' },
      outdir: join(work, 'assets'),
      publicPath: '/assets',
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: ['chrome109', 'firefox115', 'safari15'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      metafile: true,
      tsconfig: 'console/tsconfig.json',
      logLevel: options.quiet ? 'silent' : 'warning',
    });
    const outputs = app.metafile.outputs;
    const entry = Object.entries(outputs).find(([, o]) => o.entryPoint === 'console/src/main.tsx');
    if (!entry) throw new Error('the console build made no entry file');
    const [entryPath, entryOutput] = entry;
    const urlOf = (path: string) => `/${relative(work, resolve(root, path)).split('\\').join('/')}`;
    const css = entryOutput.cssBundle ? urlOf(entryOutput.cssBundle) : undefined;
    const firstScreen = [
      entryPath,
      ...entryOutput.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
    ];

    writeIcons(work);
    writeFileSync(join(work, 'manifest.webmanifest'), JSON.stringify(manifest(), null, 1));
    writeFileSync(join(work, 'index.html'), indexHtml(urlOf(entryPath), css));
    const shell = [
      '/',
      '/index.html',
      '/manifest.webmanifest',
      '/icon.svg',
      '/icon-192.png',
      '/icon-512.png',
      ...Object.keys(outputs).map(urlOf),
    ];
    await build({
      absWorkingDir: root,
      entryPoints: ['console/src/sw.ts'],
      outfile: join(work, 'sw.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['chrome109', 'firefox115', 'safari15'],
      minify: true,
      define: { __SHELL__: JSON.stringify(shell), __BUILD__: JSON.stringify(buildId) },
      tsconfig: 'console/tsconfig.json',
      logLevel: options.quiet ? 'silent' : 'warning',
    });
    const inputs = [
      ...new Set([
        ...Object.keys(app.metafile.inputs).filter((f) => !f.includes('node_modules/')),
        'console/src/sw.ts',
        'bin/build-console.ts',
        ...(existsSync(join(root, 'node_modules/.package-lock.json')) ? ['node_modules/.package-lock.json'] : []),
      ]),
    ].sort();
    writeFileSync(
      join(work, CONSOLE_MANIFEST),
      `${JSON.stringify({ version: 1, buildId, builtAt: started, inputs }, null, 1)}\n`,
    );

    const files = listFiles(work).map((path) => {
      const body = readFileSync(join(work, path));
      return { path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
    });
    const jsGzip = files
      .filter((f) => f.path.endsWith('.js') && f.path.startsWith('assets/'))
      .reduce((s, f) => s + f.gzip, 0);
    const firstScreenJsGzip = files
      .filter((f) => firstScreen.some((p) => urlOf(p) === `/${f.path}`))
      .reduce((s, f) => s + f.gzip, 0);
    if (jsGzip > JS_GZIP_BUDGET)
      throw new Error(`the console's JS is ${kb(jsGzip)} gzipped, over its budget of ${kb(JS_GZIP_BUDGET)}`);

    // swap the new build in: the old folder is moved aside first, then removed. Two builds at once
    // (npm start and a test) made the same files from the same sources: when the other one's
    // landed first, it is kept and this one dropped.
    const old = join(root, 'dist', `.console-old-${buildId}`);
    try {
      if (existsSync(finalDir)) renameSync(finalDir, old);
    } catch {
      // moved aside by the other build
    }
    try {
      renameSync(work, finalDir);
    } catch (error) {
      if (!existsSync(join(finalDir, 'index.html'))) throw error;
      rmSync(work, { recursive: true, force: true });
    }
    rmSync(old, { recursive: true, force: true });
    return { dir: finalDir, files, jsGzip, firstScreenJsGzip, ms: Date.now() - started };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

// No inline script or style anywhere: the CSP (bin/local/console-files.ts) allows only 'self'.
function indexHtml(script: string, css: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="${THEME}">
<meta name="referrer" content="no-referrer">
<title>Trading console</title>
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/icon-192.png">
${css ? `<link rel="stylesheet" href="${css}">\n` : ''}<script type="module" src="${script}"></script>
</head>
<body>
<div id="app">Loading the console…</div>
<noscript>The console needs JavaScript.</noscript>
</body>
</html>
`;
}

function manifest() {
  return {
    name: 'tv-futures trading console',
    short_name: 'Trading',
    start_url: '/#/overview',
    scope: '/',
    display: 'standalone',
    background_color: '#f6f7f9',
    theme_color: THEME,
    icons: [
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  };
}

/** The icon: three candles on the theme colour, as SVG and as PNGs drawn here pixel by pixel. */
const CANDLES = [
  { x: 0.2, top: 0.3, bottom: 0.62, wickTop: 0.22, wickBottom: 0.7, up: false },
  { x: 0.43, top: 0.4, bottom: 0.72, wickTop: 0.32, wickBottom: 0.8, up: true },
  { x: 0.66, top: 0.18, bottom: 0.5, wickTop: 0.12, wickBottom: 0.58, up: true },
];
const BODY_WIDTH = 0.14;
const RED = [0xef, 0x53, 0x50];
const GREEN = [0x26, 0xa6, 0x9a];

function writeIcons(dir: string): void {
  const rects = CANDLES.map((c) => {
    const fill = `rgb(${(c.up ? GREEN : RED).join(',')})`;
    const cx = (c.x + BODY_WIDTH / 2) * 100;
    return `<rect x="${cx - 1}" y="${c.wickTop * 100}" width="2" height="${(c.wickBottom - c.wickTop) * 100}" fill="${fill}"/><rect x="${c.x * 100}" y="${c.top * 100}" width="${BODY_WIDTH * 100}" height="${(c.bottom - c.top) * 100}" fill="${fill}"/>`;
  }).join('');
  writeFileSync(
    join(dir, 'icon.svg'),
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="18" fill="${THEME}"/>${rects}</svg>\n`,
  );
  for (const size of [192, 512]) writeFileSync(join(dir, `icon-${size}.png`), iconPng(size));
}

function iconPng(size: number): Buffer {
  const theme = [0x1d, 0x22, 0x30];
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then RGB
    for (let x = 0; x < size; x++) {
      const fx = x / size;
      const fy = y / size;
      let color = theme;
      for (const c of CANDLES) {
        const inBody = fx >= c.x && fx < c.x + BODY_WIDTH && fy >= c.top && fy < c.bottom;
        const inWick = Math.abs(fx - (c.x + BODY_WIDTH / 2)) < 0.012 && fy >= c.wickTop && fy < c.wickBottom;
        if (inBody || inWick) color = c.up ? GREEN : RED;
      }
      row.set(color, 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildConsole();
  for (const file of built.files.sort((a, b) => b.gzip - a.gzip))
    console.log(`  ${file.path.padEnd(40)} ${kb(file.bytes).padStart(10)}  ${kb(file.gzip).padStart(9)} gzipped`);
  console.log(
    `console: ${relative(PROJECT_ROOT, built.dir)}  JS ${kb(built.jsGzip)} gzipped in all (budget ${kb(JS_GZIP_BUDGET)}), ` +
      `${kb(built.firstScreenJsGzip)} for the first screen, ${built.ms} ms`,
  );
}
