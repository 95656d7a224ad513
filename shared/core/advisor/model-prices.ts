// What an ask cost (docs/AI.md "Cost"): the stage's price table, USD per million input and output
// tokens per model id, as exact decimal text. An estimate from the provider's own token counts and
// the prices the stage configured, not an invoice: a model absent from the table costs 0, and the
// audit event says the price was unknown.
import { Big, toDecimal, type Decimal } from '../domain/money';

export interface ModelPrice {
  /** USD per 1,000,000 input tokens, decimal text */
  input: Decimal;
  /** USD per 1,000,000 output tokens, decimal text */
  output: Decimal;
}

/** model id → its price; the id as the provider is configured with it (LLM_MODEL) */
export type ModelPrices = Readonly<Record<string, ModelPrice>>;

export interface AskCost {
  usd: Decimal;
  /** false: the model has no price in the table and `usd` is 0 */
  priced: boolean;
}

const MILLION = 1_000_000;

export function askCost(prices: ModelPrices, model: string, inputTokens: number, outputTokens: number): AskCost {
  const price = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (!price) return { usd: '0', priced: false };
  const usd = new Big(price.input).times(inputTokens).plus(new Big(price.output).times(outputTokens)).div(MILLION);
  return { usd: toDecimal(usd), priced: true };
}
