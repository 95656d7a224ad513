// Usage metering in the executor (docs/TENANCY.md "Plans and usage"): once a signal's outcome is
// recorded, its tenant's day counts the signal (an alert's or a strategy's; the owner's own
// actions are not usage) and the orders it placed, in one UpdateItem. The tenant is the account
// id's leading part: no read. Metering never fails a trade: an error is logged and swallowed, and
// a signal redelivered after its outcome was recorded finds it done ('skipped'), counted once.
import type { Logger } from '@aws-lambda-powertools/logger';
import { tenantOfAccount } from '../../shared/core/domain/tenant';
import type { ExecutionOutcome } from '../../shared/core/execution/execute-signal';
import type { Signal } from '../../shared/core/signal/types';
import type { UsageMetric } from '../../shared/core/tenancy/ports';

export interface UsageAdder {
  add(tenantId: string, counts: Partial<Record<UsageMetric, number>>, at: number): Promise<void>;
}

export class ExecutionMetering {
  constructor(
    private readonly meter: UsageAdder,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly now: () => number = Date.now,
  ) {}

  async outcome(signal: Signal, outcome: ExecutionOutcome): Promise<void> {
    if (outcome.status === 'skipped') return;
    const tenantId = tenantOfAccount(signal.accountId);
    if (!tenantId) return;
    const counts: Partial<Record<UsageMetric, number>> = {
      ...(signal.source !== 'owner' ? { signals: 1 } : {}),
      ...(outcome.status === 'executed' && outcome.orders.length ? { orders: outcome.orders.length } : {}),
    };
    if (!Object.keys(counts).length) return;
    try {
      await this.meter.add(tenantId, counts, this.now());
    } catch (error) {
      this.logger.warn('usage not counted', {
        tenantId,
        reason: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
