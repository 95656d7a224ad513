// Exchange keys for `account add`: refused as arguments (the message names the option and the
// three ways, never the value), read from EXCHANGE_API_* (then removed from the environment), from
// piped standard input, or from a hidden terminal prompt (raw mode, nothing echoed). Which
// exchanges need a passphrase is checked against ccxt's own requiredCredentials.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { CliError } from '../../../bin/cli-target';
import {
  KEY_ENV,
  PASSPHRASE_EXCHANGES,
  promptHidden,
  readExchangeKeys,
  refusedKeyOption,
  type KeySources,
} from '../../../bin/commands/exchange-keys';
import { createCcxtExchange, CCXT_EXCHANGE_IDS } from '../../../shared/adapters/exchange/ccxt-lib';
import type { ExchangeId } from '../../../shared/core/domain/account';

const KEY = 'AKIAkey0123456789abcdef';
const SECRET = 'sEcReT-0123456789-abcdef';
const PASS = 'pass-phrase_42';

/** A terminal's standard input: raw mode switchable, bytes pushed as a person would type them. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
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

const piped = (text: string | undefined) => {
  const stream = new PassThrough();
  if (text !== undefined) stream.end(text);
  return Object.assign(stream, { isTTY: undefined });
};

const sources = (over: Partial<KeySources> = {}): KeySources & { prompts: Output } =>
  ({ env: {}, stdin: piped(''), prompts: new Output(), ...over }) as KeySources & { prompts: Output };

describe('keys as arguments are refused', () => {
  test.each([
    [['account', 'add', '--exchange', 'binanceusdm', '--name', 'x', '--api-key', KEY, '--secret', SECRET], '--api-key'],
    [['account', 'add', `--secret=${SECRET}`], '--secret'],
    [['account', 'add', '--password', PASS], '--password'],
  ])('%j: names %s and the three ways, never the value', (args, option) => {
    const message = refusedKeyOption(args) ?? '';
    expect(message.startsWith(`${option} is refused`)).toBe(true);
    for (const way of [
      'hidden prompt',
      'standard input',
      'EXCHANGE_API_KEY',
      'EXCHANGE_API_SECRET',
      'EXCHANGE_API_PASSWORD',
    ])
      expect(message).toContain(way);
    expect(message).not.toContain(KEY);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(PASS);
  });

  test('other arguments pass, even ones that contain the words', () => {
    expect(refusedKeyOption(['account', 'add', '--exchange', 'okx', '--name', 'secret', '--json'])).toBeUndefined();
    expect(refusedKeyOption(['strategy', 'enable', '--param', 'password=1', '--secretive'])).toBeUndefined();
  });
});

describe('from the environment', () => {
  test('key and secret are read and the variables removed (no child process inherits them)', async () => {
    const env: NodeJS.ProcessEnv = { [KEY_ENV.apiKey]: KEY, [KEY_ENV.secret]: `${SECRET}\n`, OTHER: 'kept' };
    const stdin = piped(undefined); // never read: it would time out
    expect(await readExchangeKeys('binanceusdm', sources({ env, stdin, stdinTimeoutMs: 50 }))).toEqual({
      apiKey: KEY,
      secret: SECRET,
    });
    expect(env).toEqual({ OTHER: 'kept' });
  });

  test('OKX takes the passphrase from EXCHANGE_API_PASSWORD, and needs it', async () => {
    expect(
      await readExchangeKeys(
        'okx',
        sources({ env: { [KEY_ENV.apiKey]: KEY, [KEY_ENV.secret]: SECRET, [KEY_ENV.password]: PASS } }),
      ),
    ).toEqual({ apiKey: KEY, secret: SECRET, password: PASS });
    const missing = readExchangeKeys('bitget', sources({ env: { [KEY_ENV.apiKey]: KEY, [KEY_ENV.secret]: SECRET } }));
    await expect(missing).rejects.toThrow(CliError);
    await expect(
      readExchangeKeys('bitget', sources({ env: { [KEY_ENV.apiKey]: KEY, [KEY_ENV.secret]: SECRET } })),
    ).rejects.toThrow(
      /^EXCHANGE_API_PASSWORD is not set: bitget needs EXCHANGE_API_KEY, EXCHANGE_API_SECRET, EXCHANGE_API_PASSWORD/,
    );
  });

  test('a missing secret is named; a passphrase for an exchange without one is refused; no message quotes a key', async () => {
    const errors = await Promise.all([
      readExchangeKeys('bybit', sources({ env: { [KEY_ENV.apiKey]: KEY } })).catch((e: Error) => e.message),
      readExchangeKeys(
        'binanceusdm',
        sources({ env: { [KEY_ENV.apiKey]: KEY, [KEY_ENV.secret]: SECRET, [KEY_ENV.password]: PASS } }),
      ).catch((e: Error) => e.message),
      readExchangeKeys(
        'binanceusdm',
        sources({ env: { [KEY_ENV.apiKey]: `${KEY} x`, [KEY_ENV.secret]: SECRET } }),
      ).catch((e: Error) => e.message),
    ]);
    expect(errors).toEqual([
      expect.stringMatching(/^EXCHANGE_API_SECRET is not set: bybit needs EXCHANGE_API_KEY, EXCHANGE_API_SECRET \(/),
      'EXCHANGE_API_PASSWORD is set, but binanceusdm keys have no passphrase: unset it',
      'API key: contains spaces or control characters (from the environment)',
    ]);
    for (const message of errors) for (const secret of [KEY, SECRET, PASS]) expect(message).not.toContain(secret);
  });
});

describe('from piped standard input', () => {
  test('one per line, surrounding spaces and a trailing newline ignored', async () => {
    expect(await readExchangeKeys('binanceusdm', sources({ stdin: piped(` ${KEY}\r\n${SECRET}\n\n`) }))).toEqual({
      apiKey: KEY,
      secret: SECRET,
    });
    expect(await readExchangeKeys('okx', sources({ stdin: piped(`${KEY}\n${SECRET}\n${PASS}\n`) }))).toEqual({
      apiKey: KEY,
      secret: SECRET,
      password: PASS,
    });
  });

  test('nothing, too few or too many lines: said, with what is expected, and no key quoted', async () => {
    const messages = await Promise.all([
      readExchangeKeys('binanceusdm', sources({ stdin: piped('') })).catch((e: Error) => e.message),
      readExchangeKeys('okx', sources({ stdin: piped(`${KEY}\n${SECRET}\n`) })).catch((e: Error) => e.message),
      readExchangeKeys('binanceusdm', sources({ stdin: piped(`${KEY}\n${SECRET}\n${PASS}\n`) })).catch(
        (e: Error) => e.message,
      ),
      readExchangeKeys('binanceusdm', sources({ stdin: piped(`${KEY}\n\n`) })).catch((e: Error) => e.message),
    ]);
    expect(messages[0]).toMatch(
      /^binanceusdm needs an API key and secret: none on standard input\. Give them at the hidden prompt/,
    );
    expect(messages.slice(1)).toEqual([
      'standard input: okx needs 3 lines (API key, API secret, API passphrase), not 2',
      'standard input: binanceusdm needs 2 lines (API key, API secret), not 3',
      'standard input: binanceusdm needs 2 lines (API key, API secret), not 1',
    ]);
    for (const message of messages) for (const secret of [KEY, SECRET, PASS]) expect(message).not.toContain(secret);
  });

  test('an input that never ends is given up with a message, not waited on forever', async () => {
    await expect(
      readExchangeKeys('binanceusdm', sources({ stdin: piped(undefined), stdinTimeoutMs: 20 })),
    ).rejects.toThrow(/^standard input did not end within 0 s: pipe the keys in/);
  });

  test('more than 16 KB is refused', async () => {
    await expect(readExchangeKeys('binanceusdm', sources({ stdin: piped('k'.repeat(17 * 1024)) }))).rejects.toThrow(
      /^standard input: more than 16 KB/,
    );
  });
});

describe('from the terminal, hidden', () => {
  test('asks each key in raw mode, echoes nothing typed, and restores the terminal', async () => {
    const tty = new FakeTerminal();
    const prompts = new Output();
    const keys = readExchangeKeys('okx', { env: {}, stdin: tty as unknown as KeySources['stdin'], prompts });
    tty.type(KEY.slice(0, 5));
    tty.type(`${KEY.slice(5)}\r`);
    tty.type(`${SECRET}x\u007f\r`); // a typo deleted with Backspace
    tty.type(`wrong\u0015${PASS}\r`); // Ctrl-U clears the line

    expect(await keys).toEqual({ apiKey: KEY, secret: SECRET, password: PASS });
    expect(prompts.text).toBe(
      'okx API key (not shown): \nokx API secret (not shown): \nokx API passphrase (not shown): \n',
    );
    expect(tty.raw).toEqual([true, false]);
    expect(tty.listenerCount('data')).toBe(0);
  });

  test('a paste of key and secret with a line break between is split like typing', async () => {
    const tty = new FakeTerminal();
    const answers = promptHidden(['k: ', 's: '], tty, new Output());
    tty.type(`${KEY}\r${SECRET}\r`);
    expect(await answers).toEqual([KEY, SECRET]);
  });

  test('Ctrl-C cancels: nothing returned, terminal restored', async () => {
    const tty = new FakeTerminal();
    const keys = readExchangeKeys('binanceusdm', {
      env: {},
      stdin: tty as unknown as KeySources['stdin'],
      prompts: new Output(),
    });
    tty.type('half-typed\u0003');
    await expect(keys).rejects.toThrow('cancelled: no keys entered');
    expect(tty.raw).toEqual([true, false]);
  });

  test('Enter on an empty answer: the key is named as empty', async () => {
    const tty = new FakeTerminal();
    const keys = readExchangeKeys('binanceusdm', {
      env: {},
      stdin: tty as unknown as KeySources['stdin'],
      prompts: new Output(),
    });
    tty.type(`${KEY}\r\r`);
    await expect(keys).rejects.toThrow('API secret: empty (from the prompt)');
  });
});

test("the passphrase list is ccxt's: exactly the live exchanges whose requiredCredentials include a password", () => {
  const needs = (id: (typeof CCXT_EXCHANGE_IDS)[number]) =>
    (createCcxtExchange(id).requiredCredentials as Record<string, boolean>).password === true;
  expect(CCXT_EXCHANGE_IDS.filter(needs).sort()).toEqual([...PASSPHRASE_EXCHANGES].sort() as ExchangeId[]);
});
