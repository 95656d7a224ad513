// The funding-arb handler: one coordinator pass per invocation; what acted is logged, a failed plan
// is logged as an error and counted, and the invocation itself never throws for one plan's failure
// (the next minute's run retries it: every step is idempotent).
import { Logger } from '@aws-lambda-powertools/logger';
import { createFundingArbHandler } from '../../../../functions/funding-arb/app';
import type { PlanResult } from '../../../../shared/core/funding/arb-coordinator';
import { parseApiUrls } from '../../../../shared/runtime/funding-arb';

function setup(results: PlanResult[]) {
  const logger = new Logger({ logLevel: 'SILENT' });
  const info = jest.spyOn(logger, 'info');
  const error = jest.spyOn(logger, 'error');
  const handler = createFundingArbHandler({ run: async () => results }, { logger });
  return { handler, info, error };
}

describe('funding-arb handler', () => {
  it('logs the plans that acted and the failures, and reports the counts', async () => {
    const { handler, info, error } = setup([
      { planId: 'a', outcome: 'entered', round: 1, sent: ['arb:a:1:perp', 'arb:a:1:other'] },
      { planId: 'b', outcome: 'held', round: 3, sent: [] },
      { planId: 'c', outcome: 'failed', reason: 'bybit funding history: 503', sent: [] },
    ]);
    const out = await handler();
    expect(out).toMatchObject({ plans: 3, failed: 1 });
    expect(info).toHaveBeenCalledWith('funding-arb plans', {
      results: [expect.objectContaining({ planId: 'a' }), expect.objectContaining({ planId: 'c' })],
    });
    expect(error).toHaveBeenCalledWith('some funding-arb plans failed', {
      failed: [expect.objectContaining({ planId: 'c', reason: 'bybit funding history: 503' })],
    });
  });

  it('logs nothing when every plan only held or waited', async () => {
    const { handler, info, error } = setup([{ planId: 'b', outcome: 'held', sent: [] }]);
    await handler();
    expect(info).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});

describe('ARB_EXCHANGE_API_URLS', () => {
  it('maps each exchange to its fake, and refuses a malformed entry by name', () => {
    expect(parseApiUrls('binanceusdm=http://127.0.0.1:1, bybit=http://127.0.0.1:2')).toEqual({
      binanceusdm: 'http://127.0.0.1:1',
      bybit: 'http://127.0.0.1:2',
    });
    expect(parseApiUrls(undefined)).toEqual({});
    expect(() => parseApiUrls('bybit')).toThrow(/ARB_EXCHANGE_API_URLS: "bybit" is not exchange=http\(s\):\/\/host/);
  });
});
