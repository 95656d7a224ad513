// A progress bar on stderr, shown only when stderr is a terminal or --progress asks for it, so
// `--json` stdout stays exactly one JSON document.
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

export function progressBar(label: string, forced = false): Progress {
  const tty = Boolean(process.stderr.isTTY);
  if (!tty && !forced) return SILENT;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} (eta {eta_formatted})`,
      hideCursor: tty,
      clearOnComplete: false,
      // Off a terminal (--progress into a log), one line every couple of seconds instead of redraws.
      noTTYOutput: !tty,
      notTTYSchedule: 2_000,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
