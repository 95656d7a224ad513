// What `npm start` does before the stack starts: build the web console (dist/console) when it is
// missing or older than a source it was made from (its build.json lists them), so the console is
// there on the first start and follows a `git pull`. A fresh build costs a few file stats; a
// rebuild about a second. A failed build is reported and the stack starts anyway (the console's
// address then says how to build it). Plain JavaScript: it runs before anything is built.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function consoleIsFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'dist/console/build.json'), 'utf8'));
  } catch {
    return false;
  }
  if (manifest?.version !== 1 || !Array.isArray(manifest.inputs) || typeof manifest.builtAt !== 'number') return false;
  try {
    statSync(join(root, 'dist/console/index.html'));
    return manifest.inputs.every((input) => statSync(join(root, input)).mtimeMs <= manifest.builtAt);
  } catch {
    return false; // a source was removed or renamed, or the build is incomplete
  }
}

export async function ensureConsole() {
  if (consoleIsFresh()) return;
  process.stderr.write('(the web console is missing or out of date: building it…)\n');
  try {
    const { tsImport } = await import('tsx/esm/api');
    const { buildConsole } = await tsImport(new URL('../build-console.ts', import.meta.url).href, import.meta.url);
    await buildConsole({ quiet: true });
  } catch (error) {
    process.stderr.write(
      `the web console could not be built (${error?.message ?? error}): npm run build:console says why\n`,
    );
  }
}
