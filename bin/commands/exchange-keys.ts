// Exchange keys reach the CLI in one of three ways, never as arguments: a hidden prompt when
// standard input is a terminal, standard input itself (key, secret, passphrase: one per line), or
// EXCHANGE_API_KEY / EXCHANGE_API_SECRET / EXCHANGE_API_PASSWORD. Arguments are refused because
// they stay in the shell's history and every user of the machine sees them in `ps`. No message
// here ever contains a key.
import type { ExchangeCredentials, ExchangeId } from '../../shared/core/domain/account';
import { CliError } from '../cli-target';

export const KEY_ENV = {
  apiKey: 'EXCHANGE_API_KEY',
  secret: 'EXCHANGE_API_SECRET',
  password: 'EXCHANGE_API_PASSWORD',
} as const;

/** Exchanges whose API keys come with a passphrase (ccxt's requiredCredentials.password). */
export const PASSPHRASE_EXCHANGES: readonly ExchangeId[] = ['okx', 'bitget'];

export const KEY_WAYS =
  'at the hidden prompt (run the command in a terminal), on standard input (the key, the secret and, for OKX/Bitget, the passphrase, one per line), or in EXCHANGE_API_KEY / EXCHANGE_API_SECRET / EXCHANGE_API_PASSWORD';

const REFUSED_OPTION = /^--(api-key|secret|password)(=|$)/;

/** The refusal for a key given as an argument (naming the option, never its value), or undefined. */
export function refusedKeyOption(args: readonly string[]): string | undefined {
  const given = args.map((a) => REFUSED_OPTION.exec(a)?.[1]).find((name) => name !== undefined);
  if (given === undefined) return undefined;
  return `--${given} is refused: keys on the command line stay in the shell history and show in \`ps\`. Give them ${KEY_WAYS}. (If you typed a real key, remove it from your shell history.)`;
}

/** The terminal side of standard input: raw mode so that typed characters are not echoed. */
export interface TerminalInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface PipedInput {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface KeySources {
  env: NodeJS.ProcessEnv;
  stdin: TerminalInput & PipedInput;
  /** where the prompts go (standard error: standard output stays the command's answer) */
  prompts: { write(text: string): unknown };
  /** how long piped standard input may take to end (default 30 s) */
  stdinTimeoutMs?: number;
}

const MAX_KEY_LENGTH = 512;
const MAX_STDIN_BYTES = 16 * 1024;

type Field = 'apiKey' | 'secret' | 'password';
const LABEL: Record<Field, string> = { apiKey: 'API key', secret: 'API secret', password: 'API passphrase' };

/**
 * The keys of a live account, from the environment when any EXCHANGE_API_* variable is set (the
 * variables are then removed from `env`, so no child process inherits them), else from the
 * terminal's hidden prompt, else from piped standard input.
 */
export async function readExchangeKeys(exchange: ExchangeId, sources: KeySources): Promise<ExchangeCredentials> {
  const fields: Field[] = PASSPHRASE_EXCHANGES.includes(exchange)
    ? ['apiKey', 'secret', 'password']
    : ['apiKey', 'secret'];
  let values: Partial<Record<Field, string>>;
  let origin: string;
  if (Object.values(KEY_ENV).some((name) => sources.env[name] !== undefined)) {
    values = fromEnv(exchange, fields, sources.env);
    origin = 'the environment';
  } else if (sources.stdin.isTTY && sources.stdin.setRawMode) {
    const answers = await promptHidden(
      fields.map((f) => `${exchange} ${LABEL[f]} (not shown): `),
      sources.stdin,
      sources.prompts,
    );
    values = Object.fromEntries(fields.map((f, i) => [f, answers[i]]));
    origin = 'the prompt';
  } else {
    values = fromLines(exchange, fields, await readPiped(sources.stdin, sources.stdinTimeoutMs ?? 30_000));
    origin = 'standard input';
  }
  for (const field of fields) checkKey(field, values[field] ?? '', origin);
  return {
    apiKey: values.apiKey ?? '',
    secret: values.secret ?? '',
    ...(values.password ? { password: values.password } : {}),
  };
}

function fromEnv(exchange: ExchangeId, fields: Field[], env: NodeJS.ProcessEnv): Partial<Record<Field, string>> {
  const values: Partial<Record<Field, string>> = {};
  for (const field of ['apiKey', 'secret', 'password'] as const) {
    const value = env[KEY_ENV[field]];
    delete env[KEY_ENV[field]];
    if (value !== undefined) values[field] = value.trim();
  }
  for (const field of fields) {
    if (!values[field])
      throw new CliError(
        `${KEY_ENV[field]} is not set: ${exchange} needs ${fields.map((f) => KEY_ENV[f]).join(', ')} (or unset them all, to be asked at the prompt or to pipe the keys in)`,
      );
  }
  if (values.password !== undefined && !fields.includes('password'))
    throw new CliError(`${KEY_ENV.password} is set, but ${exchange} keys have no passphrase: unset it`);
  return values;
}

function fromLines(exchange: ExchangeId, fields: Field[], text: string): Partial<Record<Field, string>> {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (!lines.length)
    throw new CliError(`${exchange} needs an API key and secret: none on standard input. Give them ${KEY_WAYS}`);
  if (lines.length !== fields.length) {
    throw new CliError(
      `standard input: ${exchange} needs ${fields.length} lines (${fields.map((f) => LABEL[f]).join(', ')}), not ${lines.length}`,
    );
  }
  return Object.fromEntries(fields.map((f, i) => [f, lines[i]]));
}

function checkKey(field: Field, value: string, origin: string): void {
  if (!value) throw new CliError(`${LABEL[field]}: empty (from ${origin})`);
  if (value.length > MAX_KEY_LENGTH)
    throw new CliError(`${LABEL[field]}: longer than ${MAX_KEY_LENGTH} characters (from ${origin})`);
  if (/\s/.test(value) || [...value].some((c) => c < ' ' || c === '\u007f'))
    throw new CliError(`${LABEL[field]}: contains spaces or control characters (from ${origin})`);
}

/** All of piped standard input (at most 16 KB), within the time allowed. */
function readPiped(stdin: PipedInput, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (error?: CliError) => {
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.removeAllListeners('end');
      stdin.removeAllListeners('error');
      stdin.pause();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(
      () =>
        done(
          new CliError(
            `standard input did not end within ${Math.round(timeoutMs / 1000)} s: pipe the keys in (or run in a terminal to be asked)`,
          ),
        ),
      timeoutMs,
    );
    stdin.on('data', (chunk) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > MAX_STDIN_BYTES)
        return done(
          new CliError(
            `standard input: more than ${MAX_STDIN_BYTES / 1024} KB; expected the key, the secret and (OKX/Bitget) the passphrase, one per line`,
          ),
        );
      chunks.push(buffer);
    });
    stdin.on('end', () => done());
    stdin.on('error', () => done(new CliError('standard input could not be read')));
    stdin.resume();
  });
}

/**
 * Asks each question on a terminal without echoing what is typed (raw mode). Enter ends an answer;
 * Backspace deletes; Ctrl-U clears; Ctrl-C or Ctrl-D cancels. Several answers pasted at once with
 * line breaks between them are split the same way.
 */
export function promptHidden(
  questions: readonly string[],
  input: TerminalInput,
  output: { write(text: string): unknown },
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let current = '';
    const finish = (error?: CliError) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(answers);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          answers.push(current);
          current = '';
          if (answers.length === questions.length) return finish();
          output.write(`\n${questions[answers.length]}`);
        } else if (char === '\u0003' || char === '\u0004') {
          return finish(new CliError('cancelled: no keys entered'));
        } else if (char === '\u007f' || char === '\b') {
          current = current.slice(0, -1);
        } else if (char === '\u0015') {
          current = '';
        } else if (char >= ' ') {
          current += char;
        }
      }
    };
    output.write(questions[0] ?? '');
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}
