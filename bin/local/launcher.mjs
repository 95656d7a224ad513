// Starts the local stack from its bundle (dist/local, built by bin/local/build-stack.ts) when the
// bundle is fresh: a restart then loads one file instead of transpiling the sources with tsx and
// loading the AWS SDK and ccxt file by file (bench/soak.ts --only restart measures both). Fresh
// means no source file the bundle was made from has changed since its build started. A missing or
// stale bundle is rebuilt first (a few seconds, once); if that fails, the sources run under tsx as
// before and report the problem themselves. Plain JavaScript: it must run before anything is built.
//   node bin/local/launcher.mjs        (what `npm start` would run)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist', 'local');

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
  const entry = join(dist, manifest.dir, 'local-stack.mjs');
  return existsSync(entry) ? entry : undefined;
}

async function rebuild() {
  process.stderr.write('(the local stack bundle is missing or out of date: building it once…)\n');
  try {
    const { tsImport } = await import('tsx/esm/api');
    const { buildLocalStack } = await tsImport('./build-stack.ts', import.meta.url);
    return (await buildLocalStack({ quiet: true })).entry;
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
  await import('../local-stack.ts');
}
