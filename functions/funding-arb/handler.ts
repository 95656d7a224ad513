// Lambda entry: EventBridge, every minute.
import { loadEnv } from '../../shared/platform/config';
import { fundingArbEnvSchema } from '../../shared/platform/funding-arb-config';
import { buildFundingArb } from '../../shared/runtime/funding-arb';
import { createFundingArbHandler } from './app';

const env = loadEnv(fundingArbEnvSchema);
export const handler = createFundingArbHandler(buildFundingArb(env));
