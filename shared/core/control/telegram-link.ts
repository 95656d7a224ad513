// Linking a Telegram user to a member of a tenant (docs/TENANCY.md "Telegram"). The member asks
// for a one-time code (CLI `telegram link`), valid ten minutes, stored only as its SHA-256; in a
// private chat with the bot `/link CODE` binds the sender's Telegram user id (the update's
// `from.id`, never a chat title or username) to that member. From then on the bot obeys that
// person with the member's tenant and role, as read from the member item at each command.
//
// Guessing is bounded twice: a code is 10 base32 characters (50 bits), and each Telegram user has
// MAX_LINK_ATTEMPTS tries per LINK_ATTEMPT_WINDOW_MS, counted atomically before the code is read
// (a right code counts too), so a guesser gets 5 tries an hour out of 2^50.
import { createHash, randomBytes } from 'node:crypto';
import type { TenantId } from '../domain/tenant';
import type { Clock, TelegramLinkStore } from './ports';

export const LINK_CODE_LENGTH = 10;
export const LINK_CODE_TTL_MS = 10 * 60_000;
export const MAX_LINK_ATTEMPTS = 5;
export const LINK_ATTEMPT_WINDOW_MS = 60 * 60_000;

/** RFC 4648 base32: no 0/1/8/9, so O/I/B/g are not misread from a phone screen. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const CODE = new RegExp(`^[A-Z2-7]{${LINK_CODE_LENGTH}}$`);

/** A new code: `random` gives n random bytes (tests fix it); each byte's low 5 bits pick a letter, uniform. */
export function newLinkCode(random: (n: number) => Uint8Array = randomBytes): string {
  return Array.from(random(LINK_CODE_LENGTH), (b) => ALPHABET[b & 31]).join('');
}

/** The code as typed (any case, spaces or dashes between groups), or undefined when it cannot be one. */
export function normaliseLinkCode(text: string): string | undefined {
  const code = text.replace(/[\s-]/g, '').toUpperCase();
  return CODE.test(code) ? code : undefined;
}

/** What is stored and looked up: never the code itself. */
export const linkCodeHash = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

/** The start of the attempt window `at` falls in (fixed windows: one counter item per user and hour). */
export const attemptWindow = (at: number): number => at - (at % LINK_ATTEMPT_WINDOW_MS);

/**
 * Issues a member's code: stored hashed with its expiry, returned once to show. The caller (the CLI
 * for `--user E`, or the operator as the first tenant's owner) has already decided who the member is.
 */
export async function issueLinkCode(
  deps: { links: Pick<TelegramLinkStore, 'putCode'>; clock: Clock; random?: (n: number) => Uint8Array },
  member: { tenantId: TenantId; userId: string },
): Promise<{ code: string; expiresAt: number }> {
  const code = newLinkCode(deps.random);
  const expiresAt = deps.clock.now() + LINK_CODE_TTL_MS;
  await deps.links.putCode(linkCodeHash(code), member, expiresAt);
  return { code, expiresAt };
}

export type LinkOutcome =
  | { kind: 'linked'; tenantId: TenantId; userId: string; role: string }
  | { kind: 'malformed' }
  | { kind: 'too_many_attempts'; retryAt: number }
  | { kind: 'unknown_or_expired' }
  | { kind: 'member_gone' };

/**
 * `/link CODE` from `telegramUserId`: counts the attempt, then takes the code (one use: a delete
 * that returns it), then binds. A malformed code counts as well: it is a guess like any other.
 */
export async function redeemLinkCode(
  deps: { links: TelegramLinkStore; clock: Clock },
  telegramUserId: string,
  typed: string,
): Promise<LinkOutcome> {
  const now = deps.clock.now();
  const window = attemptWindow(now);
  const attempts = await deps.links.countAttempt(telegramUserId, window);
  if (attempts > MAX_LINK_ATTEMPTS) return { kind: 'too_many_attempts', retryAt: window + LINK_ATTEMPT_WINDOW_MS };
  const code = normaliseLinkCode(typed);
  if (code === undefined) return { kind: 'malformed' };
  const member = await deps.links.takeCode(linkCodeHash(code), now);
  if (!member) return { kind: 'unknown_or_expired' };
  const link = await deps.links.link(telegramUserId, member, now);
  return link ? { kind: 'linked', ...link } : { kind: 'member_gone' };
}
