// What every CLI command shares: --json / --stage, printing JSON or a human summary, and repeatable options.
import type { Command } from 'commander';

export interface CommonOptions {
  json?: boolean;
  stage?: string;
}

/** Collects a repeatable option (`--param a=1 --param b=2`) into a list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
export const iso = (ms: number): string => new Date(ms).toISOString();

export function common(cmd: Command): Command {
  return cmd
    .option('--json', 'print machine-readable JSON')
    .option('--stage <stage>', 'a deployed stage (dev|prod) instead of the local stack');
}

export function print(o: CommonOptions, data: unknown, human: () => string): void {
  console.log(o.json ? JSON.stringify(data, null, 2) : human());
}
