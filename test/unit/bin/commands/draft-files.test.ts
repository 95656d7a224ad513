// The drafts folder: a draft is two files written once (the rule file first, then the draft), an
// id already used is refused and the first draft stays as it was, an unsafe id never becomes a path.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDraftsDir, FileDraftStore } from '../../../../bin/commands/draft-files';
import type { StrategyDraft } from '../../../../shared/core/advisor/strategy-drafts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drafts-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const draft = (over: Partial<StrategyDraft> = {}): StrategyDraft =>
  ({
    id: 'draft-20261207-180000-rsi-dip',
    status: 'draft',
    createdAt: Date.UTC(2026, 11, 7, 18),
    accountId: 'local',
    origin: { kind: 'draft', prompt: 'buy dips' },
    name: 'RSI dip',
    rationale: 'r',
    ruleFile: '{"format":"strategy-rules/1"}\n',
    data: { source: 'x.csv', candles: 600, from: 0, to: 1 },
    report: { full: { metrics: { profitFactor: Infinity } } },
    model: { provider: 'openai', model: 'm', inputTokens: 1, outputTokens: 1, costUsd: '0' },
    ...over,
  }) as unknown as StrategyDraft;

test('a draft is its JSON and its rule file; read back by id (a profit factor without a loss kept as null)', async () => {
  const store = new FileDraftStore(dir);
  await store.create(draft());
  expect((await readdir(dir)).sort()).toEqual([
    'draft-20261207-180000-rsi-dip.json',
    'draft-20261207-180000-rsi-dip.rules.json',
  ]);
  expect(await readFile(store.rulesPath('draft-20261207-180000-rsi-dip'), 'utf8')).toBe(
    '{"format":"strategy-rules/1"}\n',
  );
  const back = await store.get('draft-20261207-180000-rsi-dip');
  expect(back).toMatchObject({ status: 'draft', report: { full: { metrics: { profitFactor: null } } } });
  expect(await store.get('draft-20261207-180000-other')).toBeUndefined();
});

test('an id already used is refused and the first draft is left as it was', async () => {
  const store = new FileDraftStore(dir);
  await store.create(draft());
  await expect(store.create(draft({ name: 'second', ruleFile: '{}' }))).rejects.toThrow(/never overwritten/);
  expect((await store.get('draft-20261207-180000-rsi-dip'))!.name).toBe('RSI dip');
  expect(await readFile(store.rulesPath('draft-20261207-180000-rsi-dip'), 'utf8')).toBe(
    '{"format":"strategy-rules/1"}\n',
  );
  expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('an id that is not a safe file name is refused before any path is made', async () => {
  const store = new FileDraftStore(dir);
  await expect(store.get('../../etc/passwd')).rejects.toThrow(/not a draft id/);
  await expect(store.create(draft({ id: '../escape' }))).rejects.toThrow(/not a safe file name/);
  expect(await readdir(dir)).toEqual([]);
});

test('the folder: DRAFTS_DIR, else DATA_DIR/drafts, else the local stack default', () => {
  expect(defaultDraftsDir({ DRAFTS_DIR: '/x/d' })).toBe('/x/d');
  expect(defaultDraftsDir({ DATA_DIR: '/data' })).toBe(join('/data', 'drafts'));
  expect(defaultDraftsDir({})).toBe(join('.data/local', 'drafts'));
});
