// Who can be reached, person by person: the "Liên lạc" page and `person reach` read this. For
// each person of the org chart (linked or not): their Zalo link and follow state, last
// interaction, phone and e-mail, the channel a reminder would use right now, and the refusals
// of the last 30 days; people no channel reaches come first.
import { formatDateTime } from '../domain/notification.js';
import { unitsOf, type Org, type Person } from '../domain/org.js';
import {
  chooseChannels,
  DEFAULT_TEMPLATE_HOURS,
  DEFAULT_WINDOW_MARGIN_MS,
  DEFAULT_WINDOW_MS,
  REFUSAL_MEMORY_MS,
  refusalReason,
  type Channel,
  type ChannelRules,
  type Refusal,
  type Skip,
} from '../domain/reach.js';
import { reachOf } from '../store/reach.js';
import type { AccountStore, ReachStore } from '../store/store.js';

export interface ReachRow {
  person: Pick<Person, 'id' | 'name' | 'title'>;
  /** Codes of the units the person belongs to or heads. */
  units: string[];
  zaloUserId?: string;
  follower?: boolean;
  lastInteractionAt?: number;
  phone?: string;
  email?: string;
  /** What a reminder would try now, in order; empty when nothing reaches the person. */
  channels: Channel[];
  skipped: Skip[];
  refusals: Refusal[];
}

/** Every person (of one unit when `unit` is given), unreachable first, then by unit and name. */
export async function reachReport(org: Org, store: AccountStore & ReachStore, rules: ChannelRules, now: number, o: { unit?: string } = {}): Promise<ReachRow[]> {
  const all: ReachRow[] = [];
  for (const p of org.people) {
    const reach = await reachOf(org, store, p.id, now);
    const choice = chooseChannels(reach, now, rules);
    all.push({
      person: { id: p.id, name: p.name, title: p.title },
      units: unitsOf(org, p.id),
      ...(reach.zaloUserId ? { zaloUserId: reach.zaloUserId } : {}),
      ...(reach.follower !== undefined ? { follower: reach.follower } : {}),
      ...(reach.lastInteractionAt !== undefined ? { lastInteractionAt: reach.lastInteractionAt } : {}),
      ...(reach.phone ? { phone: reach.phone } : {}),
      ...(reach.email ? { email: reach.email } : {}),
      channels: choice.channels,
      skipped: choice.skipped,
      refusals: reach.refusals.filter((r) => now - r.at < REFUSAL_MEMORY_MS),
    });
  }
  const rows = all.filter((r) => !o.unit || r.units.includes(o.unit));
  const unitOrder = new Map(org.units.map((u, i) => [u.code, i]));
  const rank = (r: ReachRow) => Math.min(...r.units.map((u) => unitOrder.get(u) ?? 999), 999);
  return rows.sort(
    (a, b) => Number(a.channels.length > 0) - Number(b.channels.length > 0) || rank(a) - rank(b) || a.person.name.localeCompare(b.person.name, 'vi'),
  );
}

/** What a process without any channel goes by: nobody can be reached. */
export const NO_CHANNEL_RULES: ChannelRules = {
  windowMs: DEFAULT_WINDOW_MS,
  windowMarginMs: DEFAULT_WINDOW_MARGIN_MS,
  zalo: false,
  templateHours: { ...DEFAULT_TEMPLATE_HOURS },
  email: false,
};

// Wording shared with `person reach` in the CLI.

export const zaloText = (r: ReachRow): string => (!r.zaloUserId ? 'chưa liên kết' : r.follower === false ? 'đã liên kết; đã bỏ quan tâm' : 'đã liên kết');

export const lastInteractionText = (r: ReachRow): string => (r.lastInteractionAt !== undefined ? formatDateTime(r.lastInteractionAt) : 'chưa có');

/** Why each channel is left out, once per reason. */
export const skipReasons = (r: ReachRow): string[] => [...new Set(r.skipped.map((s) => s.vi))];

/** "2 lần: đã chặn Zalo OA; …", or "không có". */
export function refusalText(r: ReachRow): string {
  if (r.refusals.length === 0) return 'không có';
  return `${r.refusals.length} lần: ${[...new Set(r.refusals.map((x) => refusalReason(x.code)))].join('; ')}`;
}
