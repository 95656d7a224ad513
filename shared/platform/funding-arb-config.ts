// The funding-arb job's environment (docs/FUNDING.md "Live"), apart from config.ts so the webhook
// bundle does not carry this schema.
import * as z from 'zod/mini';
import { common, int } from './config';

export const fundingArbEnvSchema = z.object({
  ...common,
  SIGNAL_QUEUE_URL: z.string().check(z.minLength(1)),
  /** how long a leg's dedup record blocks a second send of it (longer than any round) */
  ARB_DEDUP_TTL_HOURS: int(720),
  EXCHANGE_TIMEOUT_MS: int(5_000),
  /**
   * Local fakes per exchange, "binanceusdm=http://127.0.0.1:4001,bybit=http://127.0.0.1:4002"
   * (tests and the local stack); absent: the real exchanges' public endpoints.
   */
  ARB_EXCHANGE_API_URLS: z.optional(z.string()),
});

export type FundingArbEnv = z.output<typeof fundingArbEnvSchema>;
