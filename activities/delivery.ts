// Delivers one notification over the channels that can reach its person now (domain/reach.ts
// chooses them), and up the chain when none does. Each channel's refusal is final for that
// channel and that message and is remembered for the person; a fault (network, Zalo down)
// throws so the activity retries, and what was already delivered is not sent again.
import type { Logger } from 'pino';
import { texts, WAITING_FOR_ZALO, type Delivery, type Notification } from '../domain/notification.js';
import type { Org, PersonRef } from '../domain/org.js';
import { chooseChannels, closedBy, type Attempt, type Channel, type ChannelRules, type Reach } from '../domain/reach.js';
import { channelRules, type TemplatesConfig } from '../domain/templates.js';
import { reachOf } from '../store/reach.js';
import type { AccountStore, OnceStore, ReachStore } from '../store/store.js';
import type { Notifier } from './notifier.js';

export interface ChannelTarget {
  person: PersonRef;
  reach: Reach;
}

/**
 * What one channel made of one message. `person`: this person cannot be reached this way (remembered);
 * `message`: the channel refused the message itself (no one else gets it this way either);
 * `zalo`: Zalo cannot be used at all now (no valid token): the message waits for it.
 */
export type SendOutcome = { ok: true } | { ok: false; code: number; reason: string; scope: 'person' | 'message' | 'zalo' };

export interface ChannelSender {
  /** Sends `text` (or the notification's template) once per `key`; throws on faults worth retrying. */
  send(channel: Channel, target: ChannelTarget, n: Notification, text: string, key: string): Promise<SendOutcome>;
}

export interface DeliveryOptions {
  org: Org;
  store: AccountStore & ReachStore & OnceStore;
  /** The sender of each channel that is configured. */
  senders: Partial<Record<Channel, ChannelSender>>;
  templates: TemplatesConfig;
  windowMs: number;
  windowMarginMs: number;
  /** Can Zalo be called now (a usable access token)? */
  zaloUsable: () => boolean | Promise<boolean>;
  log: Logger;
  now?: () => number;
  /** Each delivery attempt's end, for /metrics (runtime/metrics.ts): the channel and how it went. */
  onAttempt?: (channel: Channel | 'none', outcome: AttemptOutcome) => void;
}

export type AttemptOutcome = 'delivered' | 'refused_person' | 'refused_message' | 'zalo_unusable' | 'error' | 'unreached';
const OUTCOME_OF_SCOPE = { person: 'refused_person', message: 'refused_message', zalo: 'zalo_unusable' } as const;

const ZALO_CHANNELS: readonly Channel[] = ['zalo_cs', 'zalo_template_uid', 'zalo_template_phone'];

export class DeliveryNotifier implements Notifier {
  private readonly now: () => number;

  constructor(private readonly o: DeliveryOptions) {
    this.now = o.now ?? Date.now;
  }

  async rulesFor(n: Pick<Notification, 'kind'>): Promise<ChannelRules> {
    const { windowMs, windowMarginMs } = this.o;
    return channelRules(this.o.templates, n.kind, { windowMs, windowMarginMs, zalo: await this.o.zaloUsable(), email: !!this.o.senders.email });
  }

  async send(n: Notification): Promise<Delivery> {
    const { store, org } = this.o;
    const people = [n.to, ...(n.fallbacks ?? (n.fallback ? [n.fallback] : []))];
    const attempts: Attempt[] = [];
    const closedForMessage = new Set<Channel>();
    let firstReason = '';
    for (const [i, person] of people.entries()) {
      const now = this.now();
      const reach = await reachOf(org, store, person.id, now);
      const rules = await this.rulesFor(n);
      const choice = chooseChannels(reach, now, rules);
      const text = i === 0 ? n.text : texts.forwarded(n.to, firstReason, n.text);
      const leg = i === 0 ? 'to' : `up${i}`;
      let reason = choice.skipped[0]?.vi ?? 'không liên lạc được';
      let zaloDown = !rules.zalo && (!!reach.zaloUserId || !!reach.phone);
      const channels = choice.channels.filter((c) => !closedForMessage.has(c));
      if (channels.length === 0 && i === 0)
        attempts.push({ personId: person.id, personName: person.name, channel: 'none', ok: false, reason: [...new Set(choice.skipped.map((s) => s.vi))].join('; ') });
      const closedForPerson = new Set<Channel>();
      for (const channel of channels) {
        if ((zaloDown && ZALO_CHANNELS.includes(channel)) || closedForPerson.has(channel)) continue;
        const sender = this.o.senders[channel];
        if (!sender) continue;
        const key = `${n.key}:${leg}:${channel}`;
        const done = `deliver:${key}`;
        // The one place an attempt ends; a replayed one (done before) is not counted again.
        const out = (await store.onceDone(done)) ? ({ ok: true } as const) : await this.attempt(sender, channel, { person, reach }, n, text, key);
        if (out.ok) {
          await store.onceMark(done, this.now());
          attempts.push({ personId: person.id, personName: person.name, channel, ok: true });
          return { delivered: true, to: person, attempts, ...(i > 0 ? { insteadOf: { person: n.to, reason: firstReason } } : {}) };
        }
        attempts.push({ personId: person.id, personName: person.name, channel, ok: false, reason: out.reason, code: out.code });
        reason = out.reason;
        if (out.scope === 'person') {
          await store.refusalRecord(person.id, channel, out.code, this.now());
          for (const c of closedBy({ channel, code: out.code })) closedForPerson.add(c);
          if (out.code === -213 && reach.zaloUserId) await store.zaloSetReachable(reach.zaloUserId, false, this.now());
        } else if (out.scope === 'message') closedForMessage.add(channel);
        else zaloDown = true;
        this.o.log.info({ key: n.key, to: person.id, channel, code: out.code, scope: out.scope }, 'channel refused a notification');
      }
      if (i === 0) {
        firstReason = reason;
        // Zalo itself is out of order (a token only a person can renew), not the person: wait for it rather than go over their head.
        if (zaloDown) return { delivered: false, attempts, waiting: WAITING_FOR_ZALO };
      }
    }
    this.o.log.warn({ key: n.key, to: n.to.id, reason: firstReason }, 'notification reached nobody');
    this.o.onAttempt?.('none', 'unreached');
    // A message Zalo refused as such is not worth holding; one nobody could be reached for is.
    return { delivered: false, attempts, insteadOf: { person: n.to, reason: firstReason }, ...(closedForMessage.size ? {} : { unreached: true as const }) };
  }

  private async attempt(sender: ChannelSender, channel: Channel, target: ChannelTarget, n: Notification, text: string, key: string): Promise<SendOutcome> {
    let out: SendOutcome;
    try {
      out = await sender.send(channel, target, n, text, key);
    } catch (err) {
      this.o.onAttempt?.(channel, 'error');
      throw err;
    }
    this.o.onAttempt?.(channel, out.ok ? 'delivered' : OUTCOME_OF_SCOPE[out.scope]);
    return out;
  }
}
