// An Advisor for the flow tests that replays a model's recorded answers (text, as a provider
// returns it) through what the Advisor contract promises: JSON, then the question's schema, a
// refusal naming the path otherwise. The real Advisor (createAdvisor, over the providers) is
// exercised by the CLI test against a fake OpenAI-compatible server.
import * as z from 'zod/mini';
import type { Advisor, StructuredAnswer, StructuredAsk } from '../../../../shared/core/advisor/types';

export interface ReplayAdvisor extends Advisor {
  asked: Array<StructuredAsk<unknown>>;
}

export function replayAdvisor(answers: string[]): ReplayAdvisor {
  const asked: Array<StructuredAsk<unknown>> = [];
  return {
    asked,
    ask<T>(question: StructuredAsk<T>): Promise<StructuredAnswer<T>> {
      asked.push(question as StructuredAsk<unknown>);
      const text = answers.shift();
      if (text === undefined)
        return Promise.resolve({ ok: false, reason: 'provider-error', detail: 'no answer recorded' });
      const reply = { text, inputTokens: 900, outputTokens: 300, provider: 'openai' as const, model: 'gpt-test' };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return Promise.resolve({ ok: false, reason: 'invalid-answer', detail: 'the answer is not JSON', reply });
      }
      const parsed = z.safeParse(question.schema, json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return Promise.resolve({
          ok: false,
          reason: 'invalid-answer',
          detail: `${issue.path.join('.')}: ${issue.message}`,
          reply,
        });
      }
      return Promise.resolve({ ok: true, value: parsed.data, reply, costUsd: '0.0042' });
    },
  };
}
