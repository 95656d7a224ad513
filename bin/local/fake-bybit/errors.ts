// Bybit's error answers: every v5 answer is {retCode, retMsg, result, retExtInfo, time}, a refusal
// being HTTP 200 with a non-zero retCode (docs: "Error Codes"; the set-margin-mode refusal in
// test/fixtures/exchange/docs/bybit.json is this envelope). Messages are the docs' error table rows
// (errorCodes in that file) where it lists them.

export class BybitError extends Error {
  constructor(
    readonly retCode: number,
    readonly retMsg: string,
    readonly status = 200,
  ) {
    super(`${retCode} ${retMsg}`);
  }

  body(now: number): {
    retCode: number;
    retMsg: string;
    result: Record<string, never>;
    retExtInfo: Record<string, never>;
    time: number;
  } {
    return { retCode: this.retCode, retMsg: this.retMsg, result: {}, retExtInfo: {}, time: now };
  }
}

export const errors = {
  // Authentication
  missingHeader: (name: string) => new BybitError(10003, `API key is invalid. (${name} missing)`),
  badKey: () => new BybitError(10003, 'API key is invalid.'),
  badSign: () => new BybitError(10004, 'Error sign, please check your signature generation algorithm.'),
  timeWindow: () => new BybitError(10002, 'The request time exceeds the time window range.'),
  // Parameters
  param: (field: string, bound?: string) => new BybitError(10001, `params error: ${field}${bound ? ` ${bound}` : ''}`),
  unknownSymbol: () => new BybitError(10001, 'params error: symbol invalid'),
  // Orders
  orderAbsent: () => new BybitError(110001, 'Order does not exist'),
  orderEnded: () => new BybitError(110008, 'The order has been completed or cancelled.'),
  insufficient: () => new BybitError(110007, 'Available balance is insufficient'),
  reduceOnlyFlat: () => new BybitError(110017, 'orderQty will be truncated to zero'),
  duplicateLinkId: () => new BybitError(110072, 'OrderLinkedID is duplicate'),
  minNotional: () => new BybitError(110094, 'Order does not meet minimum order value'),
  wouldTriggerRising: (trigger: string, last: string) =>
    new BybitError(110092, `expect Rising, but trigger_price[${trigger}] <= current[${last}]`),
  wouldTriggerFalling: (trigger: string, last: string) =>
    new BybitError(110093, `expect Falling, but trigger_price[${trigger}] >= current[${last}]`),
  positionModeSame: () => new BybitError(110025, 'Position mode has not been modified.'),
  leverageSame: () => new BybitError(110043, 'Set leverage has not been modified.'),
  // Service
  tooMany: () => new BybitError(10006, 'Too many visits. Exceeded the API Rate Limit.'),
  internal: (status = 500) => new BybitError(10016, 'Internal system error.', status),
};
