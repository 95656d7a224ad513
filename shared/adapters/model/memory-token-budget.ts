// The token budget in memory (docs/AI.md "Budget"): tests, and a local run without DynamoDB. One
// process only: two functions would each count their own.
import type { TokenBudget } from '../../core/ports/model';

const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10);

export class MemoryTokenBudget implements TokenBudget {
  private readonly days = new Map<string, number>();

  async spent(accountId: string, at: number): Promise<number> {
    return this.days.get(`${accountId}#${utcDay(at)}`) ?? 0;
  }

  async charge(accountId: string, tokens: number, at: number): Promise<number> {
    const key = `${accountId}#${utcDay(at)}`;
    const total = (this.days.get(key) ?? 0) + tokens;
    this.days.set(key, total);
    return total;
  }
}
