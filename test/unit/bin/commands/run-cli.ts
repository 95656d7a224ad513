// The CLI's commands run in-process as a user would type them: what they print on stdout and stderr,
// and the exit code they asked for (process.exit is stopped and turned into a thrown error, so a test
// goes on after a refusal). Shared by the command tests.
import { join } from 'node:path';
import { Command } from 'commander';
import { registerBacktestCommands } from '../../../../bin/commands/backtest-commands';

/** The shipped funding-rate fixture (XRP perpetual, 8 h) and its 1 h futures candles. */
export const FUNDING_DIR = join(__dirname, '../../../fixtures/funding');
export const FUNDING = join(FUNDING_DIR, 'XRP_USDT_USDT-8h-funding_rate.json');
export const FUNDING_CANDLES = join(FUNDING_DIR, 'XRP_USDT_USDT-1h-futures.json');

export interface CliRun {
  out: string;
  err: string;
  /** undefined when the command returned without calling process.exit */
  exitCode?: number;
}

/** Runs `args` (without the program name) through the commands `register` adds (default: backtest's). */
export async function runCli(
  args: string[],
  register: (program: Command) => void = registerBacktestCommands,
): Promise<CliRun> {
  const program = new Command().exitOverride();
  register(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const exit = jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    throw Object.assign(new Error('exit'), { exitCode: Number(code) });
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out: out.join('\n'), err: err.join('\n') };
  } catch (e) {
    return { out: out.join('\n'), err: err.join('\n'), exitCode: (e as { exitCode?: number }).exitCode };
  } finally {
    log.mockRestore();
    error.mockRestore();
    exit.mockRestore();
  }
}
