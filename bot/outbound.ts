// Sending one text to one Zalo user: split at 2,000 characters on line breaks, buttons on the
// last part, each part sent once per key (a retry after a crash resends only what is missing).
import type { QuickAction } from '../domain/notification.js';
import type { OnceStore } from '../store/store.js';
import { ZALO_MAX_TEXT, type ZaloButton, type ZaloClient } from './zalo-client.js';

/** Zalo shows about five buttons; more are dropped from the end. */
export const MAX_BUTTONS = 5;

/** Splits on line breaks (then spaces, then anywhere) so no part exceeds `max` characters. */
export function splitMessage(text: string, max = ZALO_MAX_TEXT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

export const buttonsOf = (actions: QuickAction[]): ZaloButton[] =>
  actions.slice(0, MAX_BUTTONS).map((a) => ({ title: a.title, type: 'oa.query.show', payload: a.payload }));

export async function sendText(
  zalo: ZaloClient,
  store: OnceStore,
  o: { userId: string; text: string; actions?: QuickAction[]; key: string; now?: () => number },
): Promise<void> {
  const parts = splitMessage(o.text);
  for (const [i, text] of parts.entries()) {
    const partKey = `zalo:${o.key}#${i + 1}/${parts.length}`;
    if (await store.onceDone(partKey)) continue;
    const last = i === parts.length - 1;
    await zalo.message.cs(o.userId, { text, ...(last && o.actions?.length ? { buttons: buttonsOf(o.actions) } : {}) });
    await store.onceMark(partKey, (o.now ?? Date.now)());
  }
}
