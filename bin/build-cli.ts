// Bundles the CLI with esbuild, so `npm run cli` starts in a fraction of a second instead of
// transpiling every TypeScript file with tsx on each start (5–7 s on a loaded machine). Output:
// dist/cli/<build id>/cli.mjs (+ backtest-worker.mjs and lazily loaded chunks), and
// dist/cli/current.json naming that build and the source files it was made from, which
// bin/cli-launcher.mjs checks (mtimes) before running it. Each build goes to a new folder and
// current.json is replaced atomically, so a CLI still running from an older build (a long
// optimisation loading its workers) keeps its files; builds older than a day are removed.
//   node --import tsx bin/build-cli.ts     (npm's prepare script runs it at `npm ci`)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CLI_DIST = 'dist/cli';
export const MANIFEST = 'current.json';

/**
 * Inputs besides the bundled sources whose change makes a build stale: this script, and npm's
 * record of the installed packages (rewritten by every `npm ci`/`npm install`).
 */
const EXTRA_INPUTS = ['bin/build-cli.ts', 'node_modules/.package-lock.json'];

/**
 * Bundled CommonJS dependencies call `require`; an ESM bundle needs one defined up front. The same
 * line as infra/constructs/bundling.ts, repeated so that a rebuild does not load aws-cdk-lib.
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Builds other than the current one are kept this long for CLIs still running from them. */
const KEEP_OLD_BUILDS_MS = 24 * 3_600_000;

/** What bin/cli-launcher.mjs reads. */
export interface CliManifest {
  version: 1;
  /** the build's folder under dist/cli */
  dir: string;
  /** epoch ms when the build started: a source modified after it makes the build stale */
  builtAt: number;
  /** project files (relative to the root) the bundle was made from */
  inputs: string[];
}

export interface CliBuild {
  manifest: CliManifest;
  entry: string;
  /** the JavaScript loaded at every start (entry and its static chunks) */
  startBytes: number;
  /** every JavaScript file of the build */
  totalBytes: number;
  ms: number;
}

export interface BuildCliOptions {
  root?: string;
  /** no esbuild messages (the launcher's rebuild: on failure it runs the sources, which report the problem) */
  quiet?: boolean;
}

export async function buildCli(options: BuildCliOptions = {}): Promise<CliBuild> {
  const root = options.root ?? PROJECT_ROOT;
  const started = Date.now();
  const id = `${started.toString(36)}-${randomBytes(4).toString('hex')}`;
  const distDir = join(root, CLI_DIST);
  const outdir = join(distDir, id);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { cli: 'bin/cli.ts', 'backtest-worker': 'bin/backtest/backtest-worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // the local tooling's Node (package.json engines), not the Lambda runtime's
    target: 'node20.19',
    // dynamic imports (ccxt's key check, the chart renderer, candle downloads) stay lazy chunks,
    // so a command loads only what it runs, as under tsx
    splitting: true,
    // chunks beside the entries: the backtest pool finds backtest-worker.mjs next to its own file
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    // ccxt loads from node_modules exactly as under tsx (all its exchanges: `download` takes any id);
    // its only callers are lazy, so no start pays for it. undici: as in the functions, ccxt falls
    // back to the global fetch.
    external: ['ccxt', 'undici'],
    metafile: true,
    logLevel: options.quiet ? 'silent' : 'warning',
  });

  const inputs = [
    ...new Set([
      ...Object.keys(result.metafile.inputs)
        .filter((file) => !file.includes('node_modules/') && !file.startsWith('('))
        .map((file) => relative(root, resolve(root, file))),
      // absent (another package manager): nothing to compare, so not listed (it would read as stale)
      ...EXTRA_INPUTS.filter((file) => existsSync(join(root, file))),
    ]),
  ].sort();
  const manifest: CliManifest = { version: 1, dir: id, builtAt: started, inputs };
  mkdirSync(distDir, { recursive: true });
  const temporary = join(distDir, `${MANIFEST}.${process.pid}.${id}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, join(distDir, MANIFEST));
  removeOldBuilds(distDir, id);

  const outputs = result.metafile.outputs;
  const entry = join(outdir, 'cli.mjs');
  const entryKey = Object.keys(outputs).find((file) => resolve(root, file) === entry) ?? '';
  const startFiles = [
    entryKey,
    ...(outputs[entryKey]?.imports ?? []).filter((i) => i.kind === 'import-statement').map((i) => i.path),
  ];
  const bytesOf = (file: string) => outputs[file]?.bytes ?? 0;
  return {
    manifest,
    entry,
    startBytes: [...new Set(startFiles)].reduce((sum, file) => sum + bytesOf(file), 0),
    totalBytes: Object.keys(outputs)
      .filter((file) => file.endsWith('.mjs'))
      .reduce((sum, file) => sum + bytesOf(file), 0),
    ms: Date.now() - started,
  };
}

function removeOldBuilds(distDir: string, current: string): void {
  for (const name of readdirSync(distDir)) {
    const path = join(distDir, name);
    if (name === current || name === MANIFEST) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by a concurrent build
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildCli();
  console.log(
    `CLI bundle: ${relative(PROJECT_ROOT, built.entry)}  ${(built.startBytes / 1024).toFixed(0)} KB loaded at start, ${(built.totalBytes / 1024).toFixed(0)} KB in all, ${built.manifest.inputs.length} inputs, ${built.ms} ms`,
  );
}
