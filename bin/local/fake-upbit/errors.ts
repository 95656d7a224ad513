// Upbit's error answers: HTTP 4xx/5xx with {"error": {"name", "message"}} (the body ccxt's
// maintainers quote in ts/src/upbit.ts handleErrors; order_not_found's is
// test/fixtures/exchange/docs/upbit.json "error-order-not-found"). Names are those of Upbit's error
// tables (global-docs.upbit.com "REST API error codes"); messages quoted by ccxt are used verbatim,
// the others are the fake's wording.

export class UpbitError extends Error {
  constructor(
    readonly code: string,
    readonly text: string,
    readonly status = 400,
  ) {
    super(`${code} ${text}`);
  }

  body(): { error: { message: string; name: string } } {
    return { error: { message: this.text, name: this.code } };
  }
}

export const errors = {
  // Authentication (HTTP 401)
  noToken: () => new UpbitError('jwt_verification', 'Jwt 토큰 검증에 실패했습니다.', 401),
  badKey: () => new UpbitError('invalid_access_key', '잘못된 엑세스 키입니다.', 401),
  badToken: () => new UpbitError('jwt_verification', 'Jwt 토큰 검증에 실패했습니다.', 401),
  badQueryHash: () =>
    new UpbitError('invalid_query_payload', 'The query_hash of the JWT does not match the request.', 401),
  nonceUsed: () => new UpbitError('nonce_used', 'The nonce of this JWT was already used.', 401),
  // Parameters (HTTP 400)
  missing: (field: string) => new UpbitError('validation_error', `${field} is missing`),
  invalid: (field: string) => new UpbitError('validation_error', `${field} does not have a valid value`),
  // ccxt's exact-match message for a missing or wrong side
  side: () => new UpbitError('validation_error', 'side is missing, side does not have a valid value'),
  unknownMarket: () => new UpbitError('validation_error', 'market does not have a valid value'),
  // "once an identifier value has been used, it cannot be reused": Upbit documents no name for the refusal
  identifierUsed: () => new UpbitError('validation_error', 'identifier has already been used'),
  insufficientBid: () => new UpbitError('insufficient_funds_bid', '주문가능한 금액(KRW)이 부족합니다.'),
  insufficientAsk: (coin: string) => new UpbitError('insufficient_funds_ask', `주문가능한 금액(${coin})이 부족합니다.`),
  underMinBid: () => new UpbitError('under_min_total_bid', 'The order total is below the minimum of 5000 KRW.'),
  underMinAsk: () => new UpbitError('under_min_total_ask', 'The order total is below the minimum of 5000 KRW.'),
  // HTTP 404, the documented body
  orderNotFound: () => new UpbitError('order_not_found', '주문을 찾지 못했습니다.', 404),
  // Service
  tooMany: () => new UpbitError('too_many_requests', 'Too many API requests.', 429),
};
