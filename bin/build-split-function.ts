// Builds one function with code splitting (infra/constructs/bundling.ts, SPLIT_FUNCTIONS) into a
// folder: index.mjs, what its handler loads at cold start, and the chunks its import()s read.
// Used by `npm run build`/the bench (bin/build-functions.ts) and by the CDK asset's bundling hook
// (splitBundlingCommand), so the deployed files are the measured ones.
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { splitBuildOptions } from '../infra/constructs/bundling';

export interface SplitBuild {
  /** index.mjs */
  file: string;
  /** index.mjs and the chunks it imports statically: what a cold start reads and compiles */
  startBytes: number;
  /** the chunks reached only through an import(): read when that import() runs */
  lazyBytes: number;
  /** every .mjs written, relative to the project root as esbuild names them */
  files: string[];
}

export async function buildSplitFunction(entry: string, outDir: string): Promise<SplitBuild> {
  const { metafile } = await build({
    ...splitBuildOptions(entry, resolve(outDir)),
    metafile: true,
    logLevel: 'warning',
  });
  return splitSizes(metafile);
}

/** What loading index.mjs reads (it and its static imports, transitively) and what waits for an import(). */
export function splitSizes(metafile: Metafile): SplitBuild {
  const outputs = metafile.outputs;
  const files = Object.keys(outputs).filter((f) => f.endsWith('.mjs'));
  const index = files.find((f) => outputs[f]?.entryPoint !== undefined && f.endsWith('/index.mjs'));
  if (!index) throw new Error('split build: no index.mjs among the outputs');
  const started = new Set<string>();
  for (let next = [index], file = next.pop(); file !== undefined; file = next.pop()) {
    if (started.has(file)) continue;
    started.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) next.push(i.path);
  }
  const bytes = (fs: string[]) => fs.reduce((sum, f) => sum + (outputs[f]?.bytes ?? 0), 0);
  return {
    file: resolve(index),
    startBytes: bytes([...started]),
    lazyBytes: bytes(files.filter((f) => !started.has(f))),
    files,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('bin/build-split-function.ts')) {
  const [entry, outDir] = process.argv.slice(2);
  if (!entry || !outDir) throw new Error('usage: build-split-function.ts <entry> <out dir>');
  // no top-level await: the tests import splitSizes from this file as CommonJS
  buildSplitFunction(entry, outDir).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
