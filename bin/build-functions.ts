// Bundles each Lambda function with the exact esbuild settings the CDK stacks use
// (infra/constructs/bundling.ts) into dist/functions/<name>/index.mjs, and reports their sizes.
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_SETTINGS, FUNCTION_FILES, SPLIT_FUNCTIONS } from '../infra/constructs/bundling';
import { buildSplitFunction } from './build-split-function';

export const FUNCTION_NAMES = [
  'webhook',
  'executor',
  'paper-tick',
  'risk-check',
  'strategy-runner',
  'funding-arb',
  'notifier',
  'report',
  'telegram-bot',
  'alarm-relay',
  'slice-timer',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
/**
 * The signal path and the trading jobs: what `buildFunctions` builds unless told otherwise (the
 * bench cold-imports each with one trading environment; the notification functions need theirs).
 */
export const TRADING_FUNCTIONS: readonly FunctionName[] = [
  'webhook',
  'executor',
  'paper-tick',
  'risk-check',
  'strategy-runner',
];

export interface BundleReport {
  name: FunctionName;
  file: string;
  /**
   * the JavaScript a cold start loads: the bundle, or for a split function (SPLIT_FUNCTIONS)
   * index.mjs and the chunks it imports statically
   */
  bytes: number;
  /** a split function's chunks reached only through an import() (0 for a one-file bundle) */
  lazyBytes: number;
  /** run-time files copied beside it, as the deployed function has them (the report's font) */
  filesBytes: number;
}

export async function buildFunctions(
  outDir = 'dist/functions',
  names: readonly FunctionName[] = TRADING_FUNCTIONS,
): Promise<BundleReport[]> {
  const reports: BundleReport[] = [];
  for (const name of names) {
    const entry = `functions/${name}/handler.ts`;
    const outfile = resolve(join(outDir, name, 'index.mjs'));
    let bytes: number;
    let lazyBytes = 0;
    if (SPLIT_FUNCTIONS.includes(entry)) {
      // chunk names carry a content hash: an earlier build's would stay beside the new ones
      rmSync(dirname(outfile), { recursive: true, force: true });
      ({ startBytes: bytes, lazyBytes } = await buildSplitFunction(entry, dirname(outfile)));
    } else {
      await build({
        ...ESBUILD_SETTINGS,
        mainFields: [...ESBUILD_SETTINGS.mainFields],
        external: [...ESBUILD_SETTINGS.external],
        alias: { ...ESBUILD_SETTINGS.alias },
        outExtension: undefined,
        entryPoints: [entry],
        outfile,
        logLevel: 'warning',
      });
      bytes = statSync(outfile).size;
    }
    let filesBytes = 0;
    for (const file of FUNCTION_FILES[entry] ?? []) {
      const target = join(dirname(outfile), basename(file));
      copyFileSync(file, target);
      filesBytes += statSync(target).size;
    }
    reports.push({ name, file: outfile, bytes, lazyBytes, filesBytes });
  }
  return reports;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('bin/build-functions.ts')) {
  for (const r of await buildFunctions('dist/functions', FUNCTION_NAMES)) {
    const files = r.filesBytes ? `  (+ ${(r.filesBytes / 1024).toFixed(1)} KB of files beside it)` : '';
    const lazy = r.lazyBytes ? `  (+ ${(r.lazyBytes / 1024).toFixed(1)} KB loaded only by import())` : '';
    console.log(`${r.name.padEnd(15)} ${(r.bytes / 1024).toFixed(1).padStart(8)} KB  ${r.file}${lazy}${files}`);
  }
}
