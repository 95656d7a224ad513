// Bundles each Lambda function with the exact esbuild settings the CDK stacks use
// (infra/constructs/bundling.ts) into dist/functions/<name>/index.mjs, and reports their sizes.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_SETTINGS } from '../infra/constructs/bundling';

export const FUNCTION_NAMES = ['webhook', 'executor', 'paper-tick', 'risk-check', 'strategy-runner'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface BundleReport {
  name: FunctionName;
  file: string;
  bytes: number;
}

export async function buildFunctions(outDir = 'dist/functions'): Promise<BundleReport[]> {
  const reports: BundleReport[] = [];
  for (const name of FUNCTION_NAMES) {
    const outfile = resolve(join(outDir, name, 'index.mjs'));
    await build({
      ...ESBUILD_SETTINGS,
      mainFields: [...ESBUILD_SETTINGS.mainFields],
      external: [...ESBUILD_SETTINGS.external],
      alias: { ...ESBUILD_SETTINGS.alias },
      outExtension: undefined,
      entryPoints: [`functions/${name}/handler.ts`],
      outfile,
      logLevel: 'warning',
    });
    reports.push({ name, file: outfile, bytes: statSync(outfile).size });
  }
  return reports;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve('bin/build-functions.ts')) {
  for (const r of await buildFunctions()) console.log(`${r.name.padEnd(11)} ${(r.bytes / 1024).toFixed(1).padStart(8)} KB  ${r.file}`);
}
