// Who a Zalo user is: a link kept in the store, made from the org chart's `zaloUserId` or from a
// one-time code an admin issued ("dk 123456"). Codes are stored hashed and used once.
import { createHash, randomInt } from 'node:crypto';
import { findPerson, type Org, type Person } from '../domain/org.js';
import type { AccountStore, ReachStore } from '../store/store.js';

export const LINK_CODE_TTL_MS = 24 * 3600_000;
/** Wrong codes a Zalo user may send in an hour before the bot stops checking them. */
export const LINK_ATTEMPTS_PER_HOUR = 5;

export const hashLinkCode = (code: string): string => createHash('sha256').update(`link-code:${code}`).digest('hex');

/**
 * Issues a 6-digit code for a person of the org chart; the code itself is returned once and never
 * stored. `forZaloUser`: the code works only from that Zalo account (offered after a phone match).
 */
export async function issueLinkCode(
  org: Org,
  store: AccountStore & ReachStore,
  personId: string,
  now: number,
  forZaloUser?: string,
): Promise<{ code: string; person: Person; expiresAt: number }> {
  const person = findPerson(org, personId);
  if (!person) throw new Error(`unknown person "${personId}"`);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = now + LINK_CODE_TTL_MS;
  await store.linkCodeIssue(person.id, hashLinkCode(code), expiresAt, forZaloUser);
  return { code, person, expiresAt };
}

/** People of the org chart whose phone (from the org file, or shared through Zalo) is this one ("84…"). */
export async function peopleWithPhone(org: Org, store: AccountStore & ReachStore, phone: string): Promise<Person[]> {
  const found: Person[] = [];
  for (const p of org.people) if (((await store.personPhoneOf(p.id)) ?? p.phone) === phone) found.push(p);
  return found;
}

/** Links from the org file win over nothing, never over a link a person made with a code. */
export async function syncOrgLinks(org: Org, store: AccountStore & ReachStore, now: number): Promise<number> {
  let added = 0;
  for (const p of org.people) {
    if (!p.zaloUserId || (await store.zaloLinkOf(p.zaloUserId)) || (await store.zaloLinkOfPerson(p.id))) continue;
    await store.zaloLink(p.zaloUserId, p.id, now);
    added++;
  }
  return added;
}

export async function personOfZalo(org: Org, store: AccountStore & ReachStore, zaloUserId: string): Promise<Person | undefined> {
  const link = await store.zaloLinkOf(zaloUserId);
  if (link) return findPerson(org, link.personId);
  const p = org.people.find((x) => x.zaloUserId === zaloUserId);
  return p;
}

export type RedeemResult = { ok: true; person: Person } | { ok: false; reason: 'throttled' | 'wrong_code' } | { ok: false; reason: 'linked_elsewhere'; to: Person };

export async function redeemLinkCode(org: Org, store: AccountStore & ReachStore, zaloUserId: string, code: string, now: number): Promise<RedeemResult> {
  // Throttled before the code is looked at, so guessing stays at 5 tries an hour.
  if ((await store.attemptCount('link', zaloUserId, now - 3600_000)) >= LINK_ATTEMPTS_PER_HOUR) return { ok: false, reason: 'throttled' };
  // A Zalo account linked to someone else is never re-pointed silently: that is the admin's call.
  const current = await store.zaloLinkOf(zaloUserId);
  const currentPerson = current ? findPerson(org, current.personId) : undefined;
  const personId = await store.linkCodeRedeem(hashLinkCode(code), now, zaloUserId);
  const person = personId ? findPerson(org, personId) : undefined;
  if (!person) {
    await store.attemptRecord('link', zaloUserId, now);
    return { ok: false, reason: 'wrong_code' };
  }
  if (currentPerson && currentPerson.id !== person.id) return { ok: false, reason: 'linked_elsewhere', to: currentPerson };
  await store.zaloLink(zaloUserId, person.id, now);
  return { ok: true, person };
}
