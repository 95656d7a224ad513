// Bundles the local stack (`npm start`) with esbuild, so a restart does not transpile every
// TypeScript file with tsx nor load the AWS SDK and ccxt file by file: measured by
// `bench/soak.ts --only restart`, importing the sources under tsx took 8.5–9 s of a 19–21 s start
// on this loaded machine. Output: dist/local/<build id>/local-stack.mjs and dist/local/current.json
// (the build's folder and the source files it was made from), which bin/local/launcher.mjs checks
// before running it. Each build goes to a new folder and current.json is replaced atomically, so a
// stack still running from an older build keeps its files; builds older than a day are removed.
//   node --import tsx bin/local/build-stack.ts
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const LOCAL_DIST = 'dist/local';
export const MANIFEST = 'current.json';

/** Inputs besides the bundled sources whose change makes a build stale (as for the CLI bundle). */
const EXTRA_INPUTS = ['bin/local/build-stack.ts', 'node_modules/.package-lock.json'];

/**
 * Bundled CommonJS (the AWS SDK's parts, ccxt) calls `require`: an ESM bundle defines one up front.
 * Under its own name: the bundle is not minified, and a source's own `createRequire` import keeps its name.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as bundleCreateRequire } from 'module'; const require = bundleCreateRequire(import.meta.url);";

/**
 * The Lambda bundles' ccxt aliases (infra/constructs/bundling.ts, repeated so a rebuild does not
 * load aws-cdk-lib): the five exchange classes the product routes to instead of ccxt's index of
 * every exchange, and a stub for the protobuf library it never uses. Unlike the functions, the
 * stack keeps the real websocket library: the fake exchanges serve their streams with it.
 */
const CCXT_ALIAS = {
  ccxt: './shared/adapters/exchange/ccxt-slim.ts',
  protobufjs: './infra/constructs/stubs/protobufjs',
} as const;

/**
 * Left to node_modules: dynalite loads LevelDB, a native addon, and fauxqs is loaded as published;
 * undici as in the functions (ccxt falls back to the global fetch); ws with its optional native
 * helpers (bufferutil, utf-8-validate) loaded as published.
 */
const EXTERNAL = ['dynalite', 'fauxqs', 'undici', 'ws'];

const KEEP_OLD_BUILDS_MS = 24 * 3_600_000;

/** What bin/local/launcher.mjs reads. */
export interface LocalStackManifest {
  version: 1;
  dir: string;
  /** epoch ms when the build started: a source modified after it makes the build stale */
  builtAt: number;
  inputs: string[];
}

export interface LocalStackBuild {
  manifest: LocalStackManifest;
  entry: string;
  bytes: number;
  ms: number;
}

export async function buildLocalStack(options: { root?: string; quiet?: boolean } = {}): Promise<LocalStackBuild> {
  const root = options.root ?? PROJECT_ROOT;
  const started = Date.now();
  const id = `${started.toString(36)}-${randomBytes(4).toString('hex')}`;
  const distDir = join(root, LOCAL_DIST);
  const outdir = join(distDir, id);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'local-stack': 'bin/local-stack.ts', 'standins-worker': 'bin/local/standins-worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    outExtension: { '.js': '.mjs' },
    mainFields: ['module', 'main'],
    // not minified: stack traces of a local run should read like the sources
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    alias: CCXT_ALIAS,
    external: EXTERNAL,
    metafile: true,
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  const inputs = [
    ...new Set([
      ...Object.keys(result.metafile.inputs)
        .filter((file) => !file.includes('node_modules/') && !file.startsWith('('))
        .map((file) => relative(root, resolve(root, file))),
      ...EXTRA_INPUTS.filter((file) => existsSync(join(root, file))),
    ]),
  ].sort();
  const manifest: LocalStackManifest = { version: 1, dir: id, builtAt: started, inputs };
  mkdirSync(distDir, { recursive: true });
  const temporary = join(distDir, `${MANIFEST}.${process.pid}.${id}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, join(distDir, MANIFEST));
  removeOldBuilds(distDir, id);
  const entry = join(outdir, 'local-stack.mjs');
  return { manifest, entry, bytes: statSync(entry).size, ms: Date.now() - started };
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
  const built = await buildLocalStack();
  console.log(
    `local stack bundle: ${relative(PROJECT_ROOT, built.entry)}  ${(built.bytes / 1024).toFixed(0)} KB, ${built.manifest.inputs.length} inputs, ${built.ms} ms`,
  );
}
