// `npm run cli`: runs the bundled CLI (dist/cli, built by bin/build-cli.ts at `npm ci`) when it is
// fresh, which starts in a fraction of a second; the TypeScript sources under tsx take 5–7 s on a
// loaded machine. Fresh means no source file the bundle was made from (dist/cli/current.json) has
// changed since its build started. When the bundle is missing or stale it is rebuilt first (a few
// seconds, once); if that fails (esbuild absent, a source that does not compile), the sources run
// under tsx as before, and report the problem themselves. The commands, their output and exit
// codes are the CLI's own in every case. Plain JavaScript: it must run before anything is built.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist', 'cli');

/** The fresh bundle's entry file, or undefined when there is none or a source changed since. */
function freshEntry() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest?.version !== 1 || typeof manifest.dir !== 'string' || !/^[a-z0-9-]+$/.test(manifest.dir) || !Array.isArray(manifest.inputs) || typeof manifest.builtAt !== 'number') return undefined;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > manifest.builtAt) return undefined;
    } catch {
      return undefined; // a source was removed or renamed
    }
  }
  const entry = join(dist, manifest.dir, 'cli.mjs');
  return existsSync(entry) ? entry : undefined;
}

async function rebuild() {
  if (process.stderr.isTTY) process.stderr.write('(the CLI bundle is missing or out of date: building it once…)\n');
  try {
    const { tsImport } = await import('tsx/esm/api');
    const { buildCli } = await tsImport('./build-cli.ts', import.meta.url);
    return (await buildCli({ quiet: true })).entry;
  } catch {
    return undefined;
  }
}

const entry = freshEntry() ?? (await rebuild());
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
