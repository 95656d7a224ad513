// What the advisor needs from outside (shared/core/ports): the model, the audit trail, the clock,
// candles and the symbols' regimes (the market summary).
export type { ModelPort, ModelQuestion, ModelReply, ModelProvider, TokenBudget } from '../ports/model';
export type { AuditLog } from '../ports/repositories';
export type { Clock } from '../ports/runtime';
export type { CandleSource } from '../ports/candles';
export type { RegimeReader, RegimeView } from '../ports/regimes';
