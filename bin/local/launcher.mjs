// Starts the local stack from its bundle (dist/local, built by bin/local/build-stack.ts) when the
// bundle is fresh: a restart then loads one file instead of transpiling the sources with tsx and
// loading the AWS SDK and ccxt file by file (bench/soak.ts --only restart measures both). Fresh
// means no source file the bundle was made from has changed since its build started. A missing or
// stale bundle is rebuilt first (a few seconds, once); if that fails, the sources run under tsx as
// before and report the problem themselves. The web console (dist/console) is built first when
// missing or stale (bin/local/console-bundle.mjs). Plain JavaScript: it must run before anything is built.
//   node bin/local/launcher.mjs        (what `npm start` would run)
import { launchBundle } from '../launch-bundle.mjs';
import { ensureConsole } from './console-bundle.mjs';

await ensureConsole();

await launchBundle({
  dist: 'dist/local',
  entryFile: 'local-stack.mjs',
  builder: new URL('./build-stack.ts', import.meta.url),
  build: ({ buildLocalStack }) => buildLocalStack({ quiet: true }),
  sources: new URL('../local-stack.ts', import.meta.url),
  announce: true,
  label: 'local stack',
});
