// `user add`'s password: CONSOLE_PASSWORD (removed from the environment once read), else typed
// twice at a hidden prompt; never echoed, and no message ever quotes it.
import { EventEmitter } from 'node:events';
import { readConsolePassword } from '../../../bin/commands/user-commands';
import { refusedKeyOption } from '../../../bin/commands/exchange-keys';

const PASSWORD = 'Correct-Horse-9';

class FakeTerminal extends EventEmitter {
  isTTY: boolean | undefined = true;
  raw: boolean[] = [];
  setRawMode(raw: boolean) {
    this.raw.push(raw);
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  type(text: string) {
    this.emit('data', Buffer.from(text));
  }
}

class Output {
  text = '';
  write(s: string) {
    this.text += s;
    return true;
  }
}

test('CONSOLE_PASSWORD is used and removed from the environment, without asking', async () => {
  const env: NodeJS.ProcessEnv = { CONSOLE_PASSWORD: PASSWORD };
  const stdin = new FakeTerminal();
  const prompts = new Output();
  await expect(readConsolePassword('a@b.co', { env, stdin, prompts })).resolves.toBe(PASSWORD);
  expect(env.CONSOLE_PASSWORD).toBeUndefined();
  expect(prompts.text).toBe('');
});

test('at a terminal: asked twice in raw mode (no echo), the prompt never shows what was typed', async () => {
  const stdin = new FakeTerminal();
  const prompts = new Output();
  const answer = readConsolePassword('a@b.co', { env: {}, stdin, prompts });
  stdin.type(`${PASSWORD}\r`);
  stdin.type(`${PASSWORD}\r`);
  await expect(answer).resolves.toBe(PASSWORD);
  expect(stdin.raw).toEqual([true, false]);
  expect(prompts.text).toContain('console password for a@b.co (not shown): ');
  expect(prompts.text).not.toContain(PASSWORD);
});

test('two different entries: refused, without quoting either', async () => {
  const stdin = new FakeTerminal();
  const answer = readConsolePassword('a@b.co', { env: {}, stdin, prompts: new Output() });
  stdin.type(`${PASSWORD}\r`);
  stdin.type('Other-Horse-9\r');
  await expect(answer).rejects.toThrow('the two passwords differ: nothing was changed');
});

test('no terminal and no CONSOLE_PASSWORD: says to set it; an empty one is refused', async () => {
  const stdin = new FakeTerminal();
  stdin.isTTY = undefined;
  await expect(readConsolePassword('a@b.co', { env: {}, stdin, prompts: new Output() })).rejects.toThrow(
    'no terminal to ask the password at: set CONSOLE_PASSWORD (never pass it as an argument)',
  );
  await expect(
    readConsolePassword('a@b.co', { env: { CONSOLE_PASSWORD: '' }, stdin, prompts: new Output() }),
  ).rejects.toThrow(/CONSOLE_PASSWORD is empty/);
});

test('--password as an argument is refused before anything runs (the CLI-wide rule)', () => {
  expect(refusedKeyOption(['user', 'add', '--email', 'a@b.co', `--password=${PASSWORD}`])).toMatch(
    /^--password is refused/,
  );
});
