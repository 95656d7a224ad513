// `strategy draft | improve | review` as a user runs them: the real CLI in a child process, the
// real OpenAI-compatible provider and Advisor, against a fake OpenAI-compatible server (node:http,
// port 0) that answers with OpenAI's documented chat completion object
// (test/fixtures/model/openai.json, its source named there) carrying recorded answers. Drafts go
// to a temporary folder; nothing here touches an account.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fixtures from '../../fixtures/model/openai.json';

const root = join(__dirname, '..', '..', '..');
const DATA = 'test/fixtures/backtest/ETHBTC-5m.csv';
const KEY = 'sk-test-strategy-draft-0123456789abcdefghij';
const completion = fixtures.examples['chatCompletion.object'].body;

const RSI_DIP = {
  format: 'strategy-rules/1',
  id: 'rsi-dip',
  params: { period: { type: 'int', default: 14, min: 7, max: 28, step: 7 } },
  rules: {
    entry: { long: [{ series: 'rsi(close,$period)', crossesAbove: 35 }] },
    exit: { long: [{ series: 'rsi(close,$period)', atLeast: 65 }] },
  },
  protection: { sl: 2, tp: 4 },
};
const DRAFT_ANSWER = JSON.stringify({
  name: 'RSI dip',
  rationale: 'mean reversion',
  ruleFile: JSON.stringify(RSI_DIP),
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the fake answers next (the message content), and every request body it was sent. */
const answers: string[] = [];
const requests: Array<{ authorization?: string; body: Record<string, unknown> }> = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({
        authorization: req.headers.authorization,
        body: JSON.parse(raw || '{}') as Record<string, unknown>,
      });
      const content = answers.shift() ?? '';
      const body = {
        ...completion,
        choices: [{ ...completion.choices[0], message: { role: 'assistant', content } }],
        usage: { ...completion.usage, prompt_tokens: 1500, completion_tokens: 400, total_tokens: 1900 },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let drafts: string;
beforeEach(async () => {
  drafts = await mkdtemp(join(tmpdir(), 'strategy-ai-cli-'));
  answers.length = 0;
  requests.length = 0;
});
afterEach(() => rm(drafts, { recursive: true, force: true }));

/** The CLI as `npm run cli` runs it; asynchronous, since the fake model answers from this process. */
async function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', DRAFTS_DIR: drafts, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  try {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ['bin/cli-launcher.mjs', ...args],
        { cwd: root, env: childEnv, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr }),
      ),
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The offline audit trail beside the drafts: one model.asked event per question. */
async function asked(): Promise<Array<{ type: string; accountId: string; data: Record<string, unknown> }>> {
  const text = await readFile(join(drafts, 'model-asked.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; accountId: string; data: Record<string, unknown> });
}

const MODEL_ENV = { LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4o-mini', OPENAI_BASE_URL: '', OPENAI_API_KEY: KEY };
const modelEnv = () => ({ ...MODEL_ENV, OPENAI_BASE_URL: baseUrl });
const DRAFT = ['strategy', 'draft', '--prompt', 'buy RSI dips with a tight stop', '--data', DATA, '--json'];

// Each run is a child process (≈0.3 s from the bundle idle, several seconds on a loaded machine);
// the evaluation of a draft is a few hundred backtests of 600 candles.
jest.setTimeout(120_000);

beforeAll(async () => {
  // the launcher rebuilds a stale bundle once (esbuild, a few seconds): here, not inside a test
  expect((await cli(['--help'], {})).code).toBe(0);
}, 180_000);

test('draft → validated → backtested → kept as a draft, never enabled; the key nowhere in the output', async () => {
  answers.push(DRAFT_ANSWER);
  const run = await cli(DRAFT, modelEnv());
  expect(run.stderr).not.toContain(KEY);
  expect(run.code).toBe(0);
  // The CLI's JSON, read field by field as the assertions need it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out = JSON.parse(run.stdout) as { ok: boolean; draft: Record<string, any> };
  expect(out.ok).toBe(true);
  expect(out.draft).toMatchObject({ status: 'draft', name: 'RSI dip', data: { candles: 600 } });
  expect(out.draft.report.walkForward.windows).toHaveLength(4);
  expect(out.draft.model).toMatchObject({
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 1500,
    outputTokens: 400,
  });
  expect(run.stdout).not.toContain(KEY);

  // one question, structured, with the provider's key in its header only
  expect(requests).toHaveLength(1);
  expect(requests[0]!.authorization).toBe(`Bearer ${KEY}`);
  expect(requests[0]!.body).toMatchObject({
    model: 'gpt-4o-mini',
    response_format: { type: 'json_schema', json_schema: { name: 'strategy_draft' } },
  });

  const files = (await readdir(drafts)).sort();
  expect(files).toEqual([`${out.draft.id}.json`, `${out.draft.id}.rules.json`, 'model-asked.jsonl']);
  expect(JSON.parse(await readFile(join(drafts, `${out.draft.id}.rules.json`), 'utf8'))).toEqual(RSI_DIP);
  const kept = await readFile(join(drafts, `${out.draft.id}.json`), 'utf8');
  expect(kept).not.toContain(KEY);
  expect(JSON.parse(kept)).toMatchObject({ id: out.draft.id, status: 'draft' });

  // the question and the answer in the audit trail, owner-only, without the key
  expect(await asked()).toEqual([
    expect.objectContaining({
      type: 'model.asked',
      accountId: 'local',
      data: expect.objectContaining({ purpose: 'strategy-draft', outcome: 'ok', inputTokens: 1500, outputTokens: 400 }),
    }),
  ]);
  expect((await stat(join(drafts, 'model-asked.jsonl'))).mode & 0o777).toBe(0o600);
  expect(await readFile(join(drafts, 'model-asked.jsonl'), 'utf8')).not.toContain(KEY);
});

test.each([
  ['not JSON', 'Here is a strategy: buy low, sell high'],
  ['not the schema', JSON.stringify({ name: 'x', ruleFile: '{}' })],
  [
    'an invalid rule file',
    JSON.stringify({
      name: 'x',
      rationale: 'y',
      ruleFile: JSON.stringify({ ...RSI_DIP, protection: { sl: 'tight' } }),
    }),
  ],
])('a malformed answer (%s) is refused: exit 1, nothing kept but the audit of the question', async (_label, answer) => {
  answers.push(answer);
  const run = await cli(DRAFT, modelEnv());
  expect(run.code).toBe(1);
  const out = JSON.parse(run.stdout) as { ok: boolean; stage: string; reason: string };
  expect(out.ok).toBe(false);
  expect(['model', 'rules']).toContain(out.stage);
  expect(await readdir(drafts)).toEqual(['model-asked.jsonl']);
  expect(await asked()).toHaveLength(1);
});

test('without LLM_PROVIDER no model is asked: draft refused naming the switch, review gives the static checks', async () => {
  const draft = await cli(DRAFT, { ...modelEnv(), LLM_PROVIDER: undefined });
  expect(draft.code).toBe(1);
  expect(draft.stderr).toMatch(/set LLM_PROVIDER=bedrock\|openai/);

  const review = await cli(['strategy', 'review', '--rules', 'strategies/sma-cross.json', '--json'], {
    ...modelEnv(),
    LLM_PROVIDER: undefined,
  });
  expect(review.code).toBe(0);
  const out = JSON.parse(review.stdout) as { findings: Array<Record<string, string>>; model: { asked: boolean } };
  expect(out.model.asked).toBe(false);
  expect(out.findings[0]).toMatchObject({ severity: 'error', path: 'protection.sl', source: 'static' });
  expect(requests).toHaveLength(0);
  expect(await readdir(drafts)).toEqual([]);
});

test('review with a model: its findings merged after the static ones, labelled', async () => {
  answers.push(
    JSON.stringify({ findings: [{ severity: 'warning', path: 'rules.entry.long[0]', message: 'no trend filter' }] }),
  );
  const run = await cli(['strategy', 'review', '--rules', 'strategies/sma-cross.json', '--json'], modelEnv());
  expect(run.code).toBe(0);
  const out = JSON.parse(run.stdout) as { findings: Array<Record<string, string>>; model: Record<string, unknown> };
  expect(out.model).toMatchObject({ asked: true, ok: true, findings: 1 });
  expect(out.findings.map((f) => `${f.severity} ${f.source} ${f.path}`)).toEqual([
    'error static protection.sl',
    'warning model rules.entry.long[0]',
    'info static rules.exit.long',
    'info static rules.exit.short',
  ]);
});

test('improve through the CLI: proposals re-tested, the best out of sample named beside the original; nothing kept without --save', async () => {
  const params = (title: string, values: Record<string, number>) => ({
    title,
    rationale: 'recorded',
    kind: 'params',
    params: Object.entries(values).map(([name, value]) => ({ name, value })),
    ruleFile: '',
  });
  answers.push(
    JSON.stringify({
      proposals: [
        params('slower pair', { fast: 15, slow: 50 }),
        params('faster pair', { fast: 10, slow: 20 }),
        params('too slow', { slow: 900 }),
      ],
    }),
  );
  const run = await cli(
    [
      'strategy',
      'improve',
      '--rules',
      'strategies/sma-cross.json',
      '--goal',
      'lower drawdown',
      '--data',
      DATA,
      '--json',
    ],
    modelEnv(),
  );
  expect(run.code).toBe(0);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out = JSON.parse(run.stdout) as Record<string, any>;
  expect(out).toMatchObject({ ok: true, goal: 'lower drawdown', best: 1, bestBeatsOriginal: true });
  expect(out.proposals.map((p: { status: string }) => p.status)).toEqual(['tested', 'tested', 'refused']);
  expect(out.proposals[2].reason).toBe('slow: 900 is above its range [20, 200]');
  expect(requests[0]!.body).toMatchObject({ response_format: { json_schema: { name: 'strategy_improvements' } } });
  expect(await readdir(drafts)).toEqual(['model-asked.jsonl']);
});

test('the daily token budget (LLM_DAILY_TOKENS) spent: the next draft is refused before any request', async () => {
  const env = { ...modelEnv(), LLM_DAILY_TOKENS: '1000' };
  answers.push(DRAFT_ANSWER, DRAFT_ANSWER);
  expect((await cli(DRAFT, env)).code).toBe(0); // 1,900 tokens: the day's budget is now spent
  const second = await cli(DRAFT, env);
  expect(second.code).toBe(1);
  expect(JSON.parse(second.stdout)).toMatchObject({ ok: false, stage: 'model', reason: 'budget-spent' });
  expect(requests).toHaveLength(1);
  expect((await asked()).map((e) => e.data.outcome)).toEqual(['ok', 'budget-spent']);
});
