// Parameters that plain and conditional orders share: side, position side against the account's
// mode, reduce-only and close-position flags, and client ids (format and uniqueness).
import { randomBytes } from 'node:crypto';
import { errors } from './errors';
import type { Account } from './state';
import type { PositionSide, Side } from './types';

export type Params = Record<string, string>;

/** Binance's rule for client order ids (newClientOrderId and clientAlgoId). */
export const CLIENT_ID_PATTERN = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const CLIENT_ID_PATTERN_TEXT = '^[\\.A-Z\\:/a-z0-9_-]{1,36}$';

export function parseSide(params: Params): Side {
  const side = params.side;
  if (side === undefined || side === '') throw errors.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw errors.invalidSide();
  return side;
}

/** One-way accounts take BOTH (or nothing); hedge-mode accounts must say LONG or SHORT. */
export function parsePositionSide(params: Params, account: Account): PositionSide {
  const sent = params.positionSide;
  if (account.dualSide) {
    if (sent !== 'LONG' && sent !== 'SHORT') throw errors.positionSideMismatch();
    return sent;
  }
  if (sent !== undefined && sent !== 'BOTH') throw errors.positionSideMismatch();
  return 'BOTH';
}

export function parseBool(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw errors.invalidParam(name);
  return lower === 'true';
}

/** reduceOnly is refused in hedge mode, where the position side already says what closes. */
export function parseReduceOnly(params: Params, account: Account): boolean {
  const reduceOnly = parseBool(params, 'reduceOnly');
  if (reduceOnly !== undefined && account.dualSide) throw errors.notRequired('reduceonly');
  return reduceOnly ?? false;
}

/** The client id sent, checked against the pattern and the account's open orders, or a fresh one. */
export function parseClientId(params: Params, name: string, openIds: Iterable<string>): string {
  const sent = params[name];
  if (sent === undefined) return `fake${randomBytes(11).toString('hex')}`;
  if (!CLIENT_ID_PATTERN.test(sent)) throw errors.illegalChars(name, CLIENT_ID_PATTERN_TEXT);
  for (const id of openIds) if (id === sent) throw errors.duplicateClientId();
  return sent;
}

/** The id pair used to find one order: numeric id or client id, at least one. */
export function lookupKeys(params: Params, idName: string, clientName: string): { id?: number; clientId?: string } {
  const idText = params[idName];
  const clientId = params[clientName];
  if (idText === undefined && clientId === undefined) throw errors.eitherParam(clientName, idName);
  if (idText !== undefined && !/^\d+$/.test(idText)) throw errors.invalidParam(idName);
  return { id: idText === undefined ? undefined : Number(idText), clientId };
}
