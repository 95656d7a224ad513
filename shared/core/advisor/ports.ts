// What the advisor needs from outside (shared/core/ports): the model, the audit trail, the clock.
export type { ModelPort, ModelQuestion, ModelReply, ModelProvider, TokenBudget } from '../ports/model';
export type { AuditLog } from '../ports/repositories';
export type { Clock } from '../ports/runtime';
export type { CandleSource } from '../ports/candles';
