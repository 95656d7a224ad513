// Bad command-line input of the backtest commands: its own module so the option parsers beside
// cli-options.ts (algo-options.ts) throw it without importing cli-options.

/** Bad command-line input: printed as one line, exit code 2. */
export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}
