// The conformance harness: the real adapter and ccxt's real request building, signing and response
// handling (its error mapping included), with only the transport replaced. Every HTTP request ccxt
// would send is recorded, and answered from a body the exchange's authors wrote (their docs' examples,
// ccxt's captured fixtures: test/fixtures/exchange/ccxt-static), so a test can assert the endpoint and
// the documented client-id field and parse what the exchange really answers. No ccxt method is stubbed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CcxtExchangeAdapter, type CcxtExchangeConfig } from '../../shared/adapters/exchange/ccxt-exchange';
import type { CcxtExchange, CcxtExchangeId } from '../../shared/adapters/exchange/ccxt-lib';
import { sharedMarkets } from '../../shared/adapters/exchange/market-cache';

export const NOW = 1_735_800_000_000;
const FIXTURES = join(__dirname, '..', 'fixtures', 'exchange');

export interface SentRequest {
  method: string;
  /** path without the host: the host differs between production, testnet and demo */
  path: string;
  /** the query string as a dictionary (signatures and timestamps included) */
  query: Record<string, string>;
  /** the body parsed (JSON or url-encoded), undefined when none */
  body: Record<string, unknown> | undefined;
  headers: Record<string, string>;
}

export interface Answer {
  status?: number;
  /** a JSON-serialisable value, or a string sent as it is */
  body: unknown;
  headers?: Record<string, string>;
}

/** Answers one request; undefined: the request was not expected (the test fails with its URL). */
export type Router = (request: SentRequest) => Answer | undefined;

export interface Conformance {
  adapter: CcxtExchangeAdapter;
  ex: CcxtExchange;
  /** every request ccxt sent, market loading included, in order */
  sent: SentRequest[];
  /** the requests after market loading (the ones the test is about) */
  calls(): SentRequest[];
}

/** Dummy credentials: ccxt signs with them, so private endpoints are built exactly as for a real key. */
export const CREDENTIALS = { apiKey: 'conformance-key', secret: 'conformance-secret', password: 'conformance-pass' };

/** The exchange's recorded instrument payloads (test/fixtures/exchange/<id>-markets.json), keyed by "path?query". */
export function marketPayloads(id: CcxtExchangeId): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, `${id}-markets.json`), 'utf8')) as Record<string, unknown>;
}

function parseBody(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = String(raw);
  if (text.startsWith('{') || text.startsWith('[')) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

function toSent(
  url: string,
  params: { method?: string; headers?: Record<string, string>; body?: unknown },
): SentRequest {
  const parsed = new URL(url);
  return {
    method: (params.method ?? 'GET').toUpperCase(),
    path: parsed.pathname,
    query: Object.fromEntries(parsed.searchParams),
    body: parseBody(params.body),
    headers: params.headers ?? {},
  };
}

/** Serves the markets fixture for market-loading requests, then asks `router`. */
export function withMarkets(id: CcxtExchangeId, router: Router): Router {
  const markets = marketPayloads(id);
  return (request) => {
    const search = new URLSearchParams(request.query).toString();
    const key = search ? `${request.path}?${search}` : request.path;
    if (request.method === 'GET' && key in markets) return { body: markets[key] };
    return router(request);
  };
}

/**
 * The adapter as production builds it (credentials, dialect, options), with ccxt's transport
 * replaced by `router`. Markets come from the exchange's recorded instruments payload.
 */
export function conformanceAdapter(
  id: CcxtExchangeId,
  router: Router,
  overrides: Partial<CcxtExchangeConfig> = {},
): Conformance {
  sharedMarkets.clear();
  const adapter = new CcxtExchangeAdapter({
    id,
    credentials: CREDENTIALS,
    testnet: false,
    marginMode: 'isolated',
    clock: { now: () => NOW },
    sleep: async () => undefined,
    ...overrides,
  });
  const ex = adapter.raw;
  const sent: SentRequest[] = [];
  let marketsLoaded = 0;
  const route = withMarkets(id, router);
  const markets = marketPayloads(id);
  (ex as unknown as { fetchImplementation: unknown }).fetchImplementation = async (
    url: string,
    params: { method?: string; headers?: Record<string, string>; body?: unknown },
  ) => {
    const request = toSent(url, params);
    sent.push(request);
    const search = new URLSearchParams(request.query).toString();
    if ((search ? `${request.path}?${search}` : request.path) in markets) marketsLoaded = sent.length;
    const answer = route(request);
    if (!answer) throw new Error(`conformance: unexpected request ${request.method} ${url}`);
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(body, {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', ...(answer.headers ?? {}) },
    });
  };
  return { adapter, ex, sent, calls: () => sent.slice(marketsLoaded) };
}

interface StaticFile {
  source: string;
  licence: string;
  methods: Record<string, StaticEntry[]>;
}

export interface StaticEntry {
  description: string;
  method: string;
  input: unknown[];
  /** request files: the URL ccxt built */
  url?: string;
  /** request files: the body ccxt built (JSON or url-encoded string) */
  output?: string | null;
  /** response files: the exchange's raw answer, captured */
  httpResponse?: unknown;
  /** response files: ccxt's unified parse of it */
  parsedResponse?: unknown;
}

/**
 * One entry of ccxt's static request/response fixtures (captured from the real exchanges by ccxt's
 * maintainers, MIT), as shipped in test/fixtures/exchange/ccxt-static/<exchange>.<kind>.json with
 * their origin. Throws when absent, naming what is missing.
 */
export function ccxtStatic(
  exchange: string,
  kind: 'request' | 'response',
  method: string,
  description: string,
): StaticEntry {
  const file = JSON.parse(
    readFileSync(join(FIXTURES, 'ccxt-static', `${exchange}.${kind}.json`), 'utf8'),
  ) as StaticFile;
  const entry = file.methods[method]?.find((e) => e.description === description);
  if (!entry) throw new Error(`no ccxt ${kind} fixture "${description}" for ${exchange}.${method}`);
  return entry;
}

/** A documented example body, shipped as test/fixtures/exchange/docs/<exchange>.json under its name (with its URL there). */
export function documented(exchange: string, name: string): unknown {
  const file = JSON.parse(readFileSync(join(FIXTURES, 'docs', `${exchange}.json`), 'utf8')) as {
    examples: Record<string, { source: string; body: unknown }>;
  };
  const example = file.examples[name];
  if (!example) throw new Error(`no documented example "${name}" for ${exchange}`);
  return example.body;
}
