// A person's ways of being reached: the org chart's phone and e-mail with what the store learnt
// from Zalo (link, follow state, last interaction, a phone shared in chat, refusals).
import { findPerson, type Org } from '../domain/org.js';
import { REFUSAL_MEMORY_MS, type Reach } from '../domain/reach.js';
import type { AccountStore, ReachStore } from './store.js';

export async function reachOf(org: Org, store: AccountStore & ReachStore, personId: string, now: number): Promise<Reach> {
  const person = findPerson(org, personId);
  const link = await store.zaloLinkOfPerson(personId);
  const phone = (await store.personPhoneOf(personId)) ?? person?.phone;
  const last = link ? await store.zaloInteractionOf(link.zaloUserId) : undefined;
  const refusals = await store.refusalsOf(personId, now - REFUSAL_MEMORY_MS);
  return {
    personId,
    ...(link ? { zaloUserId: link.zaloUserId, follower: !link.unreachableSince } : {}),
    ...(last !== undefined ? { lastInteractionAt: last } : {}),
    ...(phone ? { phone } : {}),
    ...(person?.email ? { email: person.email } : {}),
    refusals,
  };
}
