// What both launchers do (`npm run cli`: bin/cli-launcher.mjs; `npm start`: bin/local/launcher.mjs):
// run an esbuild bundle when it is fresh, rebuild it first when it is missing or stale, and run the
// TypeScript sources under tsx when it cannot be built. Fresh means no source file the bundle was made
// from (its dist folder's current.json) has changed since its build started. Plain JavaScript: it
// must run before anything is built.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The fresh bundle's entry file, or undefined when there is none or a source changed since. */
function freshEntry(dist, entryFile) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (
    manifest?.version !== 1 ||
    typeof manifest.dir !== 'string' ||
    !/^[a-z0-9-]+$/.test(manifest.dir) ||
    !Array.isArray(manifest.inputs) ||
    typeof manifest.builtAt !== 'number'
  )
    return undefined;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > manifest.builtAt) return undefined;
    } catch {
      return undefined; // a source was removed or renamed
    }
  }
  const entry = join(dist, manifest.dir, entryFile);
  return existsSync(entry) ? entry : undefined;
}

/**
 * @param {{ dist: string, entryFile: string, builder: URL, build: (module: any) => Promise<{ entry: string }>, sources: URL, announce: boolean, label: string }} bundle
 *   dist: the bundle's folder under the project; builder: the build script's module; build: calls it
 *   quietly; sources: the TypeScript entry run under tsx when no bundle can be had; announce: say on
 *   stderr that a build is under way.
 */
export async function launchBundle(bundle) {
  const dist = join(root, bundle.dist);
  let entry = freshEntry(dist, bundle.entryFile);
  if (!entry) {
    if (bundle.announce)
      process.stderr.write(`(the ${bundle.label} bundle is missing or out of date: building it once…)\n`);
    try {
      const { tsImport } = await import('tsx/esm/api');
      entry = (await bundle.build(await tsImport(bundle.builder.href, import.meta.url))).entry;
    } catch {
      entry = undefined;
    }
  }
  if (entry) {
    await import(pathToFileURL(entry).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(bundle.sources.href);
  }
}
