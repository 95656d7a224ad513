// OKX's error answers. A request-level error is {code, msg, data: []} with the HTTP status OKX's
// error-code table gives; an order-level refusal (place, cancel) is HTTP 200 with code "1" and the
// row's sCode/sMsg ("Place multiple orders", "Cancel order" response parameters). Messages are
// OKX's own (errorCodes.trade in test/fixtures/exchange/docs/okx.json where documented there).

export class OkxError extends Error {
  constructor(
    readonly code: string,
    readonly msg: string,
    readonly status = 200,
  ) {
    super(`${code} ${msg}`);
  }

  body(): { code: string; msg: string; data: [] } {
    return { code: this.code, msg: this.msg, data: [] };
  }
}

export const errors = {
  // Authentication (HTTP 401)
  missingHeader: (name: string) => new OkxError('50103', `Request header "${name}" cannot be empty.`, 401),
  badKey: () => new OkxError('50111', 'Invalid OK-ACCESS-KEY.', 401),
  badPassphrase: () => new OkxError('50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.', 401),
  badSign: () => new OkxError('50113', 'Invalid Sign.', 401),
  expired: () => new OkxError('50102', 'Timestamp request expired.', 401),
  badTimestamp: () => new OkxError('50112', 'Invalid OK-ACCESS-TIMESTAMP.', 401),
  // Parameters
  empty: (field: string) => new OkxError('50014', `Parameter ${field} can not be empty.`),
  invalid: (field: string) => new OkxError('51000', `Parameter ${field} error`),
  unknownInstrument: () => new OkxError('51001', "Instrument ID doesn't exist."),
  // Orders: on order routes these are answered in the order's row (sCode/sMsg)
  duplicateClOrdId: () => new OkxError('51016', 'Client order ID already exists.'),
  sizeStep: () => new OkxError('51121', 'Order quantity must be a multiple of the lot size.'),
  insufficient: () => new OkxError('51008', 'Order failed. Insufficient USDT margin in account'),
  reduceOnlyFlat: () =>
    new OkxError(
      '51169',
      "Order failed because you don't have any positions in this direction for this contract to reduce or close.",
    ),
  cancelAbsent: () =>
    new OkxError('51400', 'Order cancellation failed as the order has been filled, canceled or does not exist.'),
  orderAbsent: () => new OkxError('51603', 'Order does not exist.'),
  // Service
  tooMany: () => new OkxError('50011', 'Too Many Requests', 429),
  unavailable: () => new OkxError('50001', 'Service temporarily unavailable. Please try again later.', 503),
  systemError: () => new OkxError('50026', 'System error. Try again later.', 500),
};
