// Bitget's error answers: {code, msg, requestTime, data: null} (the envelope of ccxt's captured
// swap errors in bitget.js handleErrors). Codes and messages are from Bitget's error-code list
// (https://www.bitget.com/api-doc/contract/error-code/restapi; the ones in
// test/fixtures/exchange/docs/bitget.json are quoted from it) and otherwise said to be the fake's.

export class BitgetError extends Error {
  constructor(
    readonly code: string,
    readonly msg: string,
    readonly status = 400,
  ) {
    super(`${code} ${msg}`);
  }

  body(now: number): { code: string; msg: string; requestTime: number; data: null } {
    return { code: this.code, msg: this.msg, requestTime: now, data: null };
  }
}

export const errors = {
  // Authentication
  missingHeader: (name: string) => new BitgetError('40001', `${name} is empty`, 401),
  badKey: () => new BitgetError('40006', 'Invalid ACCESS_KEY', 401),
  badTimestamp: () => new BitgetError('40005', 'Invalid ACCESS_TIMESTAMP', 401),
  expired: () => new BitgetError('40008', 'Request timestamp expired', 401),
  badSign: () => new BitgetError('40009', 'sign signature error', 401),
  badPassphrase: () => new BitgetError('40012', 'apikey/password is incorrect', 401),
  // Parameters
  empty: (field: string) => new BitgetError('40019', `Parameter ${field} cannot be empty`),
  invalid: (field: string) => new BitgetError('40020', `Parameter ${field} error`),
  unknownSymbol: () => new BitgetError('40034', 'Parameter symbol does not exist'),
  // Orders
  duplicateClientOid: () => new BitgetError('40786', 'Duplicate clientOid'),
  sizeStep: () => new BitgetError('40808', 'Parameter verification exception size checkBDScale error value'),
  minNotional: () => new BitgetError('45110', 'less than the minimum order quantity'),
  insufficient: () => new BitgetError('40762', 'The order amount exceeds the balance'),
  reduceOnlyFlat: () => new BitgetError('22002', 'No position to close'),
  orderNotFound: () =>
    new BitgetError('40109', 'The data of the order cannot be found, please confirm the order number'),
  orderAbsent: () => new BitgetError('43001', 'The order does not exist'),
  planAbsent: () => new BitgetError('43025', 'Plan order does not exist'),
  // Service
  tooMany: () => new BitgetError('429', 'Too Many Requests', 429),
  // ccxt's table (bitget.js exceptions): 40604 "Server is busy, please try again later" and 500
  // "System busy" are ExchangeNotAvailable, so a caller sees a transient failure, as from a gateway.
  unavailable: () => new BitgetError('40604', 'Server is busy, please try again later', 503),
  systemError: () => new BitgetError('500', 'System busy', 500),
};
