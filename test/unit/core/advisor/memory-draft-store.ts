// The drafts a flow kept, in memory: what a test reads back to prove something was (or was not) kept.
import type { DraftStore, StrategyDraft } from '../../../../shared/core/advisor/strategy-drafts';

export class MemoryDraftStore implements DraftStore {
  readonly drafts = new Map<string, StrategyDraft>();

  create(draft: StrategyDraft): Promise<void> {
    if (this.drafts.has(draft.id)) return Promise.reject(new Error(`draft ${draft.id} exists`));
    this.drafts.set(draft.id, structuredClone(draft));
    return Promise.resolve();
  }

  get(id: string): Promise<StrategyDraft | undefined> {
    return Promise.resolve(this.drafts.get(id));
  }
}
