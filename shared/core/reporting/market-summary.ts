// How the report shows the model's market summary: always labelled as the model's and as not
// advice, and when there is none, a line that says why (the report itself goes out either way).
import type { MarketSummaryWriter } from './ports';

export type SummaryResult = Awaited<ReturnType<MarketSummaryWriter['write']>>;

export function marketSummaryLines(result: SummaryResult): string[] {
  if (!result.ok) return [`Market summary unavailable (${result.reason})`];
  return [`Market summary (written by ${result.model}, not advice): ${result.text}`];
}
