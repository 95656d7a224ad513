// The risk engine's decision on one entry: kill switches first, then the checks in stages (gates,
// leverage, sizing, amount caps), then the market's minimums. Pure and synchronous: everything it
// needs is loaded by the caller, so a decision costs microseconds and is reproducible from the
// numbers the audit log keeps. Closes never come here: only new exposure is decided.
import type { Big, Decimal } from '../domain/money';
import type { TradeRecord } from '../domain/trade';
import type { SizeSpec } from '../signal/types';
import { defaultChecks } from './checks';
import { sizingFor } from './config';
import { belowMinimum, sizePosition } from './sizing';
import type { RiskState } from './state';
import { entryBlock } from './switches';
import type { CheckRecord, CheckResult, Numbers, Proposal, RiskCheck, RiskContext } from './types';

export interface EntryRequest {
  symbol: string;
  side: 'long' | 'short';
  /** last price */
  price: number;
  /**
   * the price the entry is expected to fill at (last moved by the exchange's known slippage): what
   * the sizing and the minimums use (docs/RISK.md); the last price when absent
   */
  fillPrice?: number;
  /** the taker fee rate the fill pays, left room for in the margin cap (0 when absent) */
  feeRate?: number;
  /** market time of that price (the quote's timestamp) for the circuit breaker's windows */
  priceAt?: number;
  leverage: number;
  stopPrice?: number;
  /** the signal's own size, which wins over the configured sizing mode */
  explicit?: SizeSpec;
  strategy?: string;
}

export interface EngineInputs extends RiskContext {
  state: RiskState;
  /** the account's recent trades, newest first (Kelly sizing, loss streak) */
  trades: readonly TradeRecord[];
}

export type RiskDecision =
  | { accepted: true; amount: Big; leverage: number; mode: string; notional: Decimal; checks: CheckRecord[] }
  | { accepted: false; code: string; reason: string; numbers: Numbers; checks: CheckRecord[] };

export class RiskEngine {
  private readonly gates: RiskCheck[];
  private readonly leverageChecks: RiskCheck[];
  private readonly amountChecks: RiskCheck[];

  constructor(checks: readonly RiskCheck[] = defaultChecks()) {
    this.gates = checks.filter((c) => c.stage === 'gate');
    this.leverageChecks = checks.filter((c) => c.stage === 'leverage');
    this.amountChecks = checks.filter((c) => c.stage === 'amount');
  }

  decideEntry(request: EntryRequest, inputs: EngineInputs): RiskDecision {
    const records: CheckRecord[] = [];
    const refuse = (code: string, reason: string, numbers: Numbers): RiskDecision => ({
      accepted: false,
      code,
      reason,
      numbers,
      checks: records,
    });

    const closed = inputs.trades.filter((t) => t.status === 'closed');
    const block = entryBlock({
      config: inputs.config.switches,
      state: inputs.state,
      now: inputs.now,
      equity: inputs.equity,
      price: {
        symbol: request.symbol,
        last: request.price,
        ...(request.priceAt !== undefined ? { at: request.priceAt } : {}),
      },
      closedTrades: closed,
    });
    if (block) {
      records.push({
        check: `switch:${block.switch}`,
        outcome: 'refuse',
        code: block.code,
        reason: block.reason,
        numbers: block.numbers,
      });
      return refuse(block.code, block.reason, {
        ...block.numbers,
        ...(block.until !== undefined ? { until: block.until } : {}),
      });
    }

    const proposal: Proposal = {
      symbol: request.symbol,
      side: request.side,
      price: request.price,
      leverage: request.leverage,
      ...(request.stopPrice !== undefined ? { stopPrice: request.stopPrice } : {}),
    };
    for (const check of [...this.gates, ...this.leverageChecks]) {
      const result = check.evaluate(proposal, inputs);
      records.push(record(check.name, result));
      if (result.outcome === 'refuse') return refuse(result.code, result.reason, result.numbers);
      if (result.outcome === 'adjust' && result.leverage !== undefined && result.leverage < proposal.leverage)
        proposal.leverage = result.leverage;
    }

    const stats = inputs.stats(request.symbol);
    const fillPrice = request.fillPrice ?? request.price;
    let sized;
    try {
      sized = sizePosition({
        sizing: sizingFor(inputs.config, request.strategy),
        equity: inputs.equity,
        price: fillPrice,
        ...(request.feeRate !== undefined ? { feeRate: request.feeRate } : {}),
        leverage: proposal.leverage,
        market: inputs.market,
        trades: closed,
        ...(request.explicit ? { explicit: request.explicit } : {}),
        ...(request.stopPrice !== undefined ? { stopPrice: request.stopPrice } : {}),
        ...(stats ? { stats } : {}),
      });
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'SIZING_FAILED';
      const numbers = ((error as { details?: Numbers }).details ?? {}) as Numbers;
      records.push({ check: 'sizing', outcome: 'refuse', code, reason: (error as Error).message, numbers });
      return refuse(code, (error as Error).message, numbers);
    }
    records.push({
      check: 'sizing',
      outcome: 'pass',
      reason: `${sized.mode}: ${sized.amount.toString()} ${inputs.market.base}`,
      numbers: sized.numbers,
    });
    proposal.amount = sized.amount;

    for (const check of this.amountChecks) {
      const result = check.evaluate(proposal, inputs);
      records.push(record(check.name, result));
      if (result.outcome === 'refuse') return refuse(result.code, result.reason, result.numbers);
      if (result.outcome === 'adjust' && result.amount !== undefined && result.amount.lt(proposal.amount))
        proposal.amount = result.amount;
    }

    const amount = proposal.amount;
    const notional = amount.times(fillPrice);
    const minimum = belowMinimum(amount, fillPrice, inputs.market);
    if (minimum) return refuse(minimum.code, minimum.reason, minimum.numbers);
    return {
      accepted: true,
      amount,
      leverage: proposal.leverage,
      mode: sized.mode,
      notional: notional.toString(),
      checks: records,
    };
  }
}

/** The audit keeps numbers and strings only: an adjusted amount is recorded as its decimal string. */
function record(check: string, result: CheckResult): CheckRecord {
  if (result.outcome !== 'adjust' || result.amount === undefined) return { check, ...result };
  const { amount, ...rest } = result;
  return { check, ...rest, numbers: { ...rest.numbers, adjustedAmount: amount.toString() } };
}

/** A compact line per check for the audit log: what was asked, what was decided, with which numbers. */
export function summarizeChecks(checks: readonly CheckRecord[]): string {
  return checks.map((c) => `${c.check}=${c.outcome}`).join(' ');
}
