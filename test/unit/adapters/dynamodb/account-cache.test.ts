// The webhook's account cache: a warm function reads an account at most once per TTL.
import { CachedAccountLookup } from '../../../../shared/adapters/dynamodb/account-repository';
import type { Account } from '../../../../shared/core/domain/account';

test('serves from memory within the TTL and reads again after it', async () => {
  let now = 0;
  const get = jest.fn(async (id: string) => ({ accountId: id }) as Account);
  const cache = new CachedAccountLookup({ get }, 30_000, () => now);

  await cache.get('a');
  now = 29_999;
  await cache.get('a');
  now = 30_000;
  await cache.get('a');

  expect(get).toHaveBeenCalledTimes(2);
});

test('caches a missing account too, so a flood of bad ids costs one read each per TTL', async () => {
  const get = jest.fn(async () => undefined);
  const cache = new CachedAccountLookup({ get }, 30_000, () => 0);

  expect(await cache.get('nope')).toBeUndefined();
  expect(await cache.get('nope')).toBeUndefined();
  expect(get).toHaveBeenCalledTimes(1);
});

test('a TTL of 0 always reads (token rotation visible at once)', async () => {
  const get = jest.fn(async (id: string) => ({ accountId: id }) as Account);
  const cache = new CachedAccountLookup({ get }, 0, () => 5);

  await cache.get('a');
  await cache.get('a');

  expect(get).toHaveBeenCalledTimes(2);
});

test('refresh reads past the cache at most once a second per account (wrong tokens cannot flood the table)', async () => {
  let now = 0;
  let version = 1;
  const get = jest.fn(async (id: string) => ({ accountId: id, updatedAt: version }) as Account);
  const cache = new CachedAccountLookup({ get }, 30_000, () => now);

  await cache.get('a');
  version = 2;
  now = 999;
  expect((await cache.refresh('a'))?.updatedAt).toBe(1);
  now = 1_000;
  expect((await cache.refresh('a'))?.updatedAt).toBe(2);
  expect((await cache.refresh('a'))?.updatedAt).toBe(2);
  expect((await cache.get('a'))?.updatedAt).toBe(2);
  expect(get).toHaveBeenCalledTimes(2);
});
