// ccxt errors → domain errors, per exchange. The ccxt errors are the ones ccxt itself raises for the
// exchanges' real error bodies (its own handleErrors), so the class and message format are ccxt's.
import {
  translateCcxtError,
  ClockSkewError,
  OrderNotFoundError,
  PositionModeError,
  exchangeCodeOf,
  meaningOf,
  type TranslationContext,
} from '../../../../shared/adapters/exchange/ccxt-errors';
import {
  AuthenticationError,
  DDoSProtection,
  ExchangeNotAvailable,
  InsufficientFunds,
  NetworkError,
  RequestTimeout,
  createCcxtExchange,
  type CcxtExchangeId,
} from '../../../../shared/adapters/exchange/ccxt-lib';
import { AmbiguousOrderError, SignalRejectedError, TransientError } from '../../../../shared/core/errors';
import {
  DuplicateClientOrderIdError,
  ExchangeBannedError,
  RateLimitedError,
} from '../../../../shared/core/ports/exchange';

const NOW = 1_735_800_000_000;
const CLIENT_ID = 't0123456789abcdef0123456789abcd';
const URLS: Record<CcxtExchangeId, string> = {
  binanceusdm: 'https://fapi.binance.com/fapi/v1/order',
  okx: 'https://www.okx.com/api/v5/trade/batch-orders',
  bybit: 'https://api.bybit.com/v5/order/create',
  bitget: 'https://api.bitget.com/api/v2/mix/order/place-order',
  upbit: 'https://api.upbit.com/v1/orders',
};

/** The error ccxt raises when the exchange answers `status` with `body`. */
function ccxtError(id: CcxtExchangeId, status: number, body: string): Error {
  const ex = createCcxtExchange(id);
  const reason = status === 200 ? 'OK' : 'Error';
  try {
    ex.handleErrors(status, reason, URLS[id], 'POST', {}, body, JSON.parse(body), {}, '');
    ex.handleHttpStatusCode(status, reason, URLS[id], 'POST', body);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`ccxt ${id} raised nothing for ${status} ${body}`);
}

const ctx = (exchange: CcxtExchangeId, extra: Partial<TranslationContext> = {}): TranslationContext => ({
  exchange,
  operation: 'create market order',
  clientOrderId: CLIENT_ID,
  now: NOW,
  ...extra,
});

type Expected =
  { rejected: string } | { is: 'duplicate' | 'rateLimited' | 'clockSkew' | 'positionMode' | 'notFound' | 'ambiguous' };

interface Case {
  exchange: CcxtExchangeId;
  status: number;
  body: string;
  code: string;
  expected: Expected;
}

const okxOrder = (sCode: string, sMsg: string): string =>
  JSON.stringify({
    code: '1',
    data: [{ clOrdId: CLIENT_ID, ordId: '', sCode, sMsg, tag: '' }],
    inTime: '1735800000000100',
    msg: 'All operations failed',
    outTime: '1735800000000300',
  });
const okxTop = (code: string, msg: string): string => JSON.stringify({ code, data: [], msg });
const bybit = (retCode: number, retMsg: string): string =>
  JSON.stringify({ retCode, retMsg, result: {}, retExtInfo: {}, time: NOW });
const bitget = (code: string, msg: string): string => JSON.stringify({ code, msg, requestTime: NOW, data: null });
const upbit = (name: string, message: string): string => JSON.stringify({ error: { name, message } });

const CASES: Case[] = [
  {
    exchange: 'okx',
    status: 200,
    body: okxOrder('51008', 'Order failed. Insufficient USDT margin in account'),
    code: '51008',
    expected: { rejected: 'INSUFFICIENT_MARGIN' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxOrder('51020', 'Order amount should be greater than the min available amount.'),
    code: '51020',
    expected: { rejected: 'MIN_NOTIONAL' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxOrder('51121', 'Order quantity must be a multiple of the lot size.'),
    code: '51121',
    expected: { rejected: 'PRECISION' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxOrder(
      '51169',
      "Order failed because you don't have any positions in this direction for this contract to reduce or close.",
    ),
    code: '51169',
    expected: { rejected: 'REDUCE_ONLY_FLAT' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxOrder('51016', 'Duplicated client order ID'),
    code: '51016',
    expected: { is: 'duplicate' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxOrder(
      '51006',
      'Order price is not within the price limit (max buy price: 98000.1 min sell price: 96000.1)',
    ),
    code: '51006',
    expected: { rejected: 'EXCHANGE_REJECTED' },
  },
  {
    exchange: 'okx',
    status: 401,
    body: JSON.stringify({ msg: 'Timestamp request expired', code: '50102' }),
    code: '50102',
    expected: { is: 'clockSkew' },
  },
  {
    exchange: 'okx',
    status: 401,
    body: JSON.stringify({ msg: 'Invalid OK-ACCESS-KEY', code: '50111' }),
    code: '50111',
    expected: { rejected: 'AUTH_FAILED' },
  },
  {
    exchange: 'okx',
    status: 429,
    body: JSON.stringify({ msg: 'Too Many Requests', code: '50011' }),
    code: '50011',
    expected: { is: 'rateLimited' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxTop('51001', "Instrument ID or Spread ID doesn't exist."),
    code: '51001',
    expected: { rejected: 'UNKNOWN_SYMBOL' },
  },
  {
    exchange: 'okx',
    status: 200,
    body: okxTop('51603', 'Order does not exist'),
    code: '51603',
    expected: { is: 'notFound' },
  },
  {
    exchange: 'okx',
    status: 503,
    body: JSON.stringify({ code: '50001', msg: 'Service temporarily unavailable. Please try again later.' }),
    code: '50001',
    expected: { is: 'ambiguous' },
  },

  {
    exchange: 'bybit',
    status: 200,
    body: bybit(110007, 'ab not enough for new order'),
    code: '110007',
    expected: { rejected: 'INSUFFICIENT_MARGIN' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(110094, 'Order does not meet minimum order value 5USDT'),
    code: '110094',
    expected: { rejected: 'MIN_NOTIONAL' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(170137, 'Order quantity has too many decimals.'),
    code: '170137',
    expected: { rejected: 'PRECISION' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(110017, 'current position is zero, cannot fix reduce-only order qty'),
    code: '110017',
    expected: { rejected: 'REDUCE_ONLY_FLAT' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(110072, 'OrderLinkedID is duplicate'),
    code: '110072',
    expected: { is: 'duplicate' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(
      10002,
      'invalid request, please check your server timestamp or recv_window param. req_timestamp[1735800000000],server_timestamp[1735800006000],recv_window[5000]',
    ),
    code: '10002',
    expected: { is: 'clockSkew' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(110001, 'order not exists or too late to cancel'),
    code: '110001',
    expected: { is: 'notFound' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(10003, 'API key is invalid.'),
    code: '10003',
    expected: { rejected: 'AUTH_FAILED' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(10006, 'Too many visits!'),
    code: '10006',
    expected: { is: 'rateLimited' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(110043, 'Set leverage not modified'),
    code: '110043',
    expected: { rejected: 'NO_CHANGE' },
  },
  {
    exchange: 'bybit',
    status: 200,
    body: bybit(10001, 'params error: symbol invalid'),
    code: '10001',
    expected: { rejected: 'INVALID_ORDER' },
  },

  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40762', 'The order amount exceeds the balance'),
    code: '40762',
    expected: { rejected: 'INSUFFICIENT_MARGIN' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('45110', 'less than the minimum order quantity'),
    code: '45110',
    expected: { rejected: 'MIN_NOTIONAL' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40808', 'Parameter verification exception size checkBDScale error value=0.00015 checkScale=4'),
    code: '40808',
    expected: { rejected: 'PRECISION' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('22002', 'No position to close'),
    code: '22002',
    expected: { rejected: 'REDUCE_ONLY_FLAT' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40786', 'Duplicate clientOid'),
    code: '40786',
    expected: { is: 'duplicate' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40005', 'Invalid ACCESS_TIMESTAMP'),
    code: '40005',
    expected: { is: 'clockSkew' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40774', 'The order type for unilateral position must also be the unilateral position type.'),
    code: '40774',
    expected: { is: 'positionMode' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40109', 'The data of the order cannot be found, please confirm the order number'),
    code: '40109',
    expected: { is: 'notFound' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40006', 'Invalid ACCESS_KEY'),
    code: '40006',
    expected: { rejected: 'AUTH_FAILED' },
  },
  {
    exchange: 'bitget',
    status: 429,
    body: bitget('429', 'Too Many Requests'),
    code: '429',
    expected: { is: 'rateLimited' },
  },
  {
    exchange: 'bitget',
    status: 400,
    body: bitget('40034', 'Parameter BTCUSD does not exist'),
    code: '40034',
    expected: { rejected: 'UNKNOWN_SYMBOL' },
  },

  {
    exchange: 'upbit',
    status: 400,
    body: upbit('insufficient_funds_bid', '주문가능한 금액(KRW)이 부족합니다.'),
    code: 'insufficient_funds_bid',
    expected: { rejected: 'INSUFFICIENT_MARGIN' },
  },
  {
    exchange: 'upbit',
    status: 400,
    body: upbit('under_min_total_bid', '최소주문금액 이상으로 주문해주세요'),
    code: 'under_min_total_bid',
    expected: { rejected: 'MIN_NOTIONAL' },
  },
  {
    exchange: 'upbit',
    status: 400,
    body: upbit('invalid_volume_bid', '주문수량 단위를 잘못 입력하셨습니다.'),
    code: 'invalid_volume_bid',
    expected: { rejected: 'PRECISION' },
  },
  {
    exchange: 'upbit',
    status: 404,
    body: upbit('order_not_found', '주문을 찾지 못했습니다.'),
    code: 'order_not_found',
    expected: { is: 'notFound' },
  },
  {
    exchange: 'upbit',
    status: 401,
    body: upbit('jwt_verification', 'Failed to verify Jwt token.'),
    code: 'jwt_verification',
    expected: { rejected: 'AUTH_FAILED' },
  },
  {
    exchange: 'upbit',
    status: 429,
    body: upbit('too_many_requests', 'Too many API requests.'),
    code: 'too_many_requests',
    expected: { is: 'rateLimited' },
  },

  {
    exchange: 'binanceusdm',
    status: 400,
    body: JSON.stringify({ code: -2019, msg: 'Margin is insufficient.' }),
    code: '-2019',
    expected: { rejected: 'INSUFFICIENT_MARGIN' },
  },
  {
    exchange: 'binanceusdm',
    status: 400,
    body: JSON.stringify({ code: -2022, msg: 'ReduceOnly Order is rejected.' }),
    code: '-2022',
    expected: { rejected: 'REDUCE_ONLY_FLAT' },
  },
];

const CLASSES = {
  duplicate: DuplicateClientOrderIdError,
  rateLimited: RateLimitedError,
  clockSkew: ClockSkewError,
  positionMode: PositionModeError,
  notFound: OrderNotFoundError,
  ambiguous: AmbiguousOrderError,
} as const;

describe('translateCcxtError: each exchange table', () => {
  it.each(CASES.map((c) => [`${c.exchange} ${c.code}`, c] as const))('%s', (_name, c) => {
    const raw = ccxtError(c.exchange, c.status, c.body);

    const error = translateCcxtError(raw, ctx(c.exchange));

    expect(exchangeCodeOf(raw.message)).toBe(c.code);
    if ('rejected' in c.expected) {
      expect(error).toBeInstanceOf(SignalRejectedError);
      expect(error).toMatchObject({
        code: c.expected.rejected,
        retryable: false,
        details: { exchange: c.exchange, exchangeCode: c.code },
      });
      expect(error.message).toContain(`(${c.code})`);
      return;
    }
    expect(error).toBeInstanceOf(CLASSES[c.expected.is]);
    if (c.expected.is === 'duplicate') expect(error).toMatchObject({ clientOrderId: CLIENT_ID });
    if (c.expected.is === 'ambiguous') expect(error).toMatchObject({ clientOrderId: CLIENT_ID, retryable: true });
    if (c.expected.is === 'positionMode')
      expect(error).toMatchObject({ code: 'POSITION_MODE', details: { exchangeCode: c.code } });
    else if (c.expected.is !== 'duplicate' && c.expected.is !== 'ambiguous')
      expect(error).toMatchObject({ exchangeCode: c.code });
  });

  it('keeps the exchange reason, not the whole JSON body, in the message', () => {
    const error = translateCcxtError(
      ccxtError('okx', 200, okxOrder('51008', 'Order failed. Insufficient USDT margin in account')),
      ctx('okx'),
    );

    expect(error.message).toBe(
      'okx create market order failed (51008): Order failed. Insufficient USDT margin in account',
    );
  });

  it('reads a code the ccxt message carries whatever class ccxt chose (the brief example)', () => {
    const error = translateCcxtError(
      new InsufficientFunds('binanceusdm {"code":-2019,"msg":"Margin is insufficient."}'),
      ctx('binanceusdm'),
    );

    expect(error).toMatchObject({ code: 'INSUFFICIENT_MARGIN', details: { exchangeCode: '-2019' } });
  });

  it('meaningOf reads one exchange table only: the same code means nothing elsewhere', () => {
    expect(meaningOf('bybit', '110007')).toBe('INSUFFICIENT_MARGIN');
    expect(meaningOf('okx', '110007')).toBeUndefined();
    expect(meaningOf('okx', undefined)).toBeUndefined();
  });
});

describe('translateCcxtError: throttling and bans', () => {
  it('a rate limit waits what Retry-After said, 1 s without it', () => {
    const raw = ccxtError('okx', 429, JSON.stringify({ msg: 'Too Many Requests', code: '50011' }));

    expect(translateCcxtError(raw, ctx('okx', { retryAfterMs: 2500 }))).toMatchObject({
      retryAfterMs: 2500,
      exchangeCode: '50011',
    });
    expect(translateCcxtError(raw, ctx('okx'))).toMatchObject({ retryAfterMs: 1000 });
  });

  it('a 418 ban halts trading until the time Binance gives', () => {
    const body =
      '{"code":-1003,"msg":"Way too many requests; IP(203.0.113.7) banned until 1735800600000. Please use the websocket for live updates to avoid bans."}';
    const raw = ccxtError('binanceusdm', 418, body);

    const error = translateCcxtError(raw, ctx('binanceusdm'));

    expect(raw).toBeInstanceOf(DDoSProtection);
    expect(error).toBeInstanceOf(ExchangeBannedError);
    expect(error).toMatchObject({ until: 1_735_800_600_000, code: 'EXCHANGE_BANNED', retryable: false });
    expect(error.message).toContain(new Date(1_735_800_600_000).toISOString());
  });

  it('a 418 without a time halts for Retry-After, else two minutes', () => {
    const raw = new DDoSProtection("binanceusdm 418 I'm a teapot ");

    expect(translateCcxtError(raw, ctx('binanceusdm', { retryAfterMs: 30_000 }))).toMatchObject({
      until: NOW + 30_000,
    });
    expect(translateCcxtError(raw, ctx('binanceusdm'))).toMatchObject({ until: NOW + 120_000 });
  });
});

describe('translateCcxtError: unknown outcomes', () => {
  const failures = [
    new RequestTimeout('okx POST https://www.okx.com/api/v5/trade/batch-orders request timed out (5000 ms)'),
    new NetworkError('bybit POST https://api.bybit.com/v5/order/create fetch failed ECONNRESET'),
    new ExchangeNotAvailable(
      'bitget POST https://api.bitget.com/api/v2/mix/order/place-order 502 Bad Gateway <html><body>502</body></html>',
    ),
  ];

  it.each(failures.map((f) => [f.constructor.name, f] as const))(
    '%s while placing an order is ambiguous, resolved by the client id',
    (_name, raw) => {
      const error = translateCcxtError(raw, ctx('okx'));

      expect(error).toBeInstanceOf(AmbiguousOrderError);
      expect(error).toMatchObject({ clientOrderId: CLIENT_ID, retryable: true });
    },
  );

  it.each(failures.map((f) => [f.constructor.name, f] as const))('%s on a read is plainly transient', (_name, raw) => {
    const error = translateCcxtError(raw, { exchange: 'okx', operation: 'fetch balance', now: NOW });

    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(AmbiguousOrderError);
  });

  it('something thrown that is not an Error is transient', () => {
    expect(translateCcxtError('socket hang up', ctx('bybit'))).toBeInstanceOf(TransientError);
  });
});

describe('translateCcxtError: secrets never leave in a message', () => {
  it('a signed query string in a ccxt message is scrubbed', () => {
    const raw = new ExchangeNotAvailable(
      'binanceusdm GET https://fapi.binance.com/fapi/v2/account?timestamp=1735800000000&recvWindow=5000&signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 503 Service Unavailable',
    );

    const error = translateCcxtError(raw, { exchange: 'binanceusdm', operation: 'fetch balance', now: NOW });

    expect(error.message).toContain('signature=***');
    expect(error.message).not.toContain('9f86d081884c7d659a2feaa0c55ad015');
  });

  it('an api key or a sign parameter is scrubbed too', () => {
    const raw = new AuthenticationError(
      'bybit GET https://api.bybit.com/v5/account/wallet-balance?apiKey=XyZ123SecretKey&sign=deadbeefcafe 401 Unauthorized',
    );

    const error = translateCcxtError(raw, { exchange: 'bybit', operation: 'fetch balance', now: NOW });

    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(error.message).toContain('apiKey=***');
    expect(error.message).not.toContain('XyZ123SecretKey');
    expect(error.message).not.toContain('deadbeefcafe');
  });
});
