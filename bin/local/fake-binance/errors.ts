// Binance's error answer ({code, msg} with an HTTP status) as a throwable, and the messages the
// fake returns verbatim as Binance does (ccxt matches some of them by exact text).

export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
    this.name = 'BinanceError';
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

const bad = (code: number, msg: string) => new BinanceError(400, code, msg);

export const errors = {
  unknown: () => new BinanceError(503, -1000, 'Unknown error, please check your request or try again later.'),
  internal: () => new BinanceError(503, -1001, 'Internal error; unable to process your request. Please try again.'),
  illegalChars: (param: string, pattern: string) =>
    bad(-1100, `Illegal characters found in parameter '${param}'; legal range is '${pattern}'.`),
  eitherParam: (a: string, b: string) => bad(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  mandatory: (param: string) =>
    bad(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  notRequired: (param: string) => bad(-1106, `Parameter '${param}' sent when not required.`),
  precision: () => bad(-1111, 'Precision is over the maximum defined for this asset.'),
  invalidTimeInForce: () => bad(-1115, 'Invalid timeInForce.'),
  invalidOrderType: () => bad(-1116, 'Invalid orderType.'),
  invalidSide: () => bad(-1117, 'Invalid side.'),
  invalidInterval: () => bad(-1120, 'Invalid interval.'),
  invalidSymbol: () => bad(-1121, 'Invalid symbol.'),
  invalidParam: (param: string) => bad(-1130, `Data sent for parameter '${param}' is not valid.`),
  lotSize: () => bad(-1013, 'Filter failure: LOT_SIZE'),
  timestampAhead: () => bad(-1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  timestampOutside: () => bad(-1021, 'Timestamp for this request is outside of the recvWindow.'),
  startAfterEnd: () => bad(-1023, 'Start time is greater than end time.'),
  rangeTooWide: (hours: number) => bad(-1127, `More than ${hours} hours between startTime and endTime.`),
  badSignature: () => bad(-1022, 'Signature for this request is not valid.'),
  unknownOrder: () => bad(-2011, 'Unknown order sent.'),
  noSuchOrder: () => bad(-2013, 'Order does not exist.'),
  badKeyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  badKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1'),
  insufficientMargin: () => bad(-2019, 'Margin is insufficient.'),
  wouldTrigger: () => bad(-2021, 'Order would immediately trigger.'),
  reduceOnlyRejected: () => bad(-2022, 'ReduceOnly Order is rejected.'),
  quantityNotPositive: () => bad(-4003, 'Quantity less than or equal to zero.'),
  quantityTooBig: () => bad(-4005, 'Quantity greater than max quantity.'),
  priceNotPositive: () => bad(-4001, 'Price less than 0.'),
  priceTick: () => bad(-4014, 'Price not increased by tick size.'),
  qtyStep: () => bad(-4023, 'Quantity not increased by step size.'),
  invalidLeverage: (leverage: string) => bad(-4028, `Leverage ${leverage} is not valid`),
  marginTypeUnchanged: () => bad(-4046, 'No need to change margin type.'),
  marginTypeWithOrders: () => bad(-4047, 'Margin type cannot be changed if there exists open orders.'),
  marginTypeWithPosition: () => bad(-4048, 'Margin type cannot be changed if there exists position.'),
  positionSideUnchanged: () => bad(-4059, 'No need to change position side.'),
  positionSideMismatch: () => bad(-4061, "Order's position side does not match user's setting."),
  positionSideWithOrders: () => bad(-4067, 'Position side cannot be changed if there exists open orders.'),
  positionSideWithPosition: () => bad(-4068, 'Position side cannot be changed if there exists position.'),
  duplicateClientId: () => bad(-4116, 'ClientOrderId is duplicated.'),
  useAlgoEndpoint: () =>
    bad(-4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.'),
  closePositionWithQty: () => bad(-4137, 'Quantity must be zero with closePosition equals true'),
  minNotional: (min: string) =>
    bad(-4164, `Order's notional must be no smaller than ${min} (unless you choose reduce only).`),
  fokRejected: () => bad(-5021, 'Due to the order could not be filled immediately, the FOK order has been rejected.'),
  postOnlyRejected: () =>
    bad(-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.'),
};
