// `backtest --help` and `strategy enable --help` list every built-in strategy's parameters with
// their type, default and range, from the registry (as the README promises). The real commands
// are registered on a fresh program and asked for help; commander's output is captured.
import { Command } from 'commander';
import { registerBacktestCommands } from '../../../../bin/commands/backtest-commands';
import { registerStrategyCommands } from '../../../../bin/commands/strategy-commands';
import { STRATEGIES } from '../../../../shared/core/strategies/registry';

/** What `<args> --help` prints (the commands exit after help: process.exit is stopped here). */
function helpOf(args: string[]): string {
  const program = new Command().exitOverride();
  registerBacktestCommands(program);
  registerStrategyCommands(program);
  let out = '';
  const capture = (cmd: Command) => {
    cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    cmd.commands.forEach(capture);
  };
  capture(program);
  const exit = jest.spyOn(process, 'exit').mockImplementation((() => {
    throw new Error('exit');
  }) as never);
  try {
    program.parse([...args, '--help'], { from: 'user' });
  } catch {
    // help ends the command (commander's exit, or ours)
  } finally {
    exit.mockRestore();
  }
  return out;
}

describe.each([[['backtest']], [['optimize']], [['strategy', 'enable']]])('%j --help', (args) => {
  const text = helpOf(args);

  it('lists every strategy with each parameter, its type, default and range', () => {
    expect(text).toContain('Strategy parameters (--param name=value');
    const lines = text.split('\n');
    for (const def of Object.values(STRATEGIES)) {
      const start = lines.indexOf(`  ${def.id}: ${def.description}`);
      expect(start).toBeGreaterThan(-1);
      // the strategy's block: its parameter lines, up to the next strategy's heading
      const block = lines.slice(start + 1, start + 1 + def.params.length);
      for (const spec of def.params) {
        const line = block.find((l) => l.startsWith(`    ${spec.name} `) && l.endsWith(`  ${spec.description}`));
        expect(line).toBeDefined();
        expect(line).toMatch(new RegExp(`  ${spec.type} +default ${String(spec.default)}( |$)`));
        if (spec.min !== undefined && spec.max !== undefined) expect(line).toContain(`range ${spec.min}..${spec.max}`);
      }
    }
  });
});

it("shows sma-cross's fast period as the registry defines it", () => {
  expect(helpOf(['backtest'])).toMatch(/^ {4}fast +int {4}default 10 {2}range 5\.\.50 step 5 {2}fast SMA period$/m);
});
