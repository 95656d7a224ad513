// A small Advisor over a scripted fake MODEL, for the ensemble's tests: the model "writes" a text,
// the advisor parses it as JSON and validates it with the question's own schema, as the real
// Advisor (shared/core/advisor/advisor.ts, the model lane) does. What is under test here is the
// vote and where it sits, not a provider.
import type { Advisor, AdvisorRefusal, StructuredAnswer, StructuredAsk } from '../../../../shared/core/advisor/types';

/** What the fake model does with a question: answer this text, refuse, or never answer. */
export type Script = string | { refuse: AdvisorRefusal } | 'hang';

export interface FakeAdvisor extends Advisor {
  readonly asked: StructuredAsk<unknown>[];
  /** resolves every question left hanging with this text */
  release(text: string): void;
}

export function fakeAdvisor(script: Script, model = 'fake'): FakeAdvisor {
  const asked: StructuredAsk<unknown>[] = [];
  const hanging: ((text: string) => void)[] = [];
  const answer = <T>(question: StructuredAsk<T>, text: string): StructuredAnswer<T> => {
    const reply = { text, inputTokens: 10, outputTokens: 5, provider: 'openai' as const, model };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'invalid-answer', detail: 'not JSON', reply };
    }
    const parsed = question.schema.safeParse(json);
    if (!parsed.success)
      return {
        ok: false,
        reason: 'invalid-answer',
        detail: parsed.error.issues.map((i) => i.path.join('.')).join(', '),
        reply,
      };
    return { ok: true, value: parsed.data, reply, costUsd: '0' };
  };
  return {
    asked,
    release: (text) => hanging.splice(0).forEach((r) => r(text)),
    ask<T>(question: StructuredAsk<T>): Promise<StructuredAnswer<T>> {
      asked.push(question as StructuredAsk<unknown>);
      if (script === 'hang') return new Promise((resolve) => hanging.push((text) => resolve(answer(question, text))));
      if (typeof script !== 'string')
        return Promise.resolve({ ok: false, reason: script.refuse, detail: `the model ${script.refuse}` });
      return Promise.resolve(answer(question, script));
    },
  };
}

export const vote = (v: string, reason = `because ${v}`): string => JSON.stringify({ vote: v, reason });
