// `npm run cli`: runs the bundled CLI (dist/cli, built by bin/build-cli.ts at `npm ci`) when it is
// fresh, which starts in a fraction of a second; the TypeScript sources under tsx take 5–7 s on a
// loaded machine. Fresh means no source file the bundle was made from (dist/cli/current.json) has
// changed since its build started. When the bundle is missing or stale it is rebuilt first (a few
// seconds, once); if that fails (esbuild absent, a source that does not compile), the sources run
// under tsx as before, and report the problem themselves. The commands, their output and exit
// codes are the CLI's own in every case. Plain JavaScript: it must run before anything is built.
import { launchBundle } from './launch-bundle.mjs';

await launchBundle({
  dist: 'dist/cli',
  entryFile: 'cli.mjs',
  builder: new URL('./build-cli.ts', import.meta.url),
  build: ({ buildCli }) => buildCli({ quiet: true }),
  sources: new URL('./cli.ts', import.meta.url),
  // Only on a terminal: a script reading the CLI's stderr sees what the CLI itself writes.
  announce: Boolean(process.stderr.isTTY),
  label: 'CLI',
});
