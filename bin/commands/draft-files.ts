// Where `strategy draft` and `strategy improve --save` keep drafts: a local folder, so a draft is
// made offline, without an account or a running stack (docs/AI-strategies.md). Each draft is two
// files: <id>.json (the draft with its report) and <id>.rules.json (the rule file alone, ready for
// `strategy enable --rules`, the human act that trades it). Written once, never overwritten.
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDraftId, type DraftStore, type StrategyDraft } from '../../shared/core/advisor/strategy-drafts';
import { CliError } from '../cli-target';
import { DEFAULT_DATA_DIR } from '../local/discovery-file';

/** DRAFTS_DIR, else DATA_DIR/drafts (the local stack's folder, `.data/local` by default). */
export function defaultDraftsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DRAFTS_DIR || join(env.DATA_DIR || DEFAULT_DATA_DIR, 'drafts');
}

/** JSON has no Infinity or NaN (a profit factor without a loss): they are kept as null, as `--json` prints them. */
export const toJson = (data: unknown, indent?: number): string =>
  JSON.stringify(data, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), indent);

export class FileDraftStore implements DraftStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  rulesPath(id: string): string {
    return join(this.dir, `${id}.rules.json`);
  }

  async create(draft: StrategyDraft): Promise<void> {
    if (!isDraftId(draft.id)) throw new CliError(`draft id "${draft.id}" is not a safe file name`);
    await mkdir(this.dir, { recursive: true });
    // The rule file first, the draft last: a draft file exists only with its rule file beside it.
    await writeOnce(this.rulesPath(draft.id), draft.ruleFile);
    await writeOnce(join(this.dir, `${draft.id}.json`), `${toJson(draft, 2)}\n`);
  }

  async get(id: string): Promise<StrategyDraft | undefined> {
    if (!isDraftId(id)) throw new CliError(`--draft "${id}": not a draft id (draft-20240131-120000-name)`);
    let text: string;
    try {
      text = await readFile(join(this.dir, `${id}.json`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as StrategyDraft;
    } catch {
      throw new CliError(`draft ${id}: ${join(this.dir, `${id}.json`)} is not valid JSON`);
    }
  }
}

/**
 * The complete text under a temporary name, then hard-linked to its name: link() fails when the
 * name exists, atomically, so a file is never half-written and never overwritten.
 */
async function writeOnce(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { flag: 'wx' });
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliError(`${path} exists: a draft is never overwritten`);
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}
