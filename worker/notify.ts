// The notifier the worker and the web process use: every channel that is configured (Zalo's
// three, e-mail), chosen per person and per message by domain/reach.ts; the log when Zalo is
// not connected and no mail server is configured.
import type { Logger } from 'pino';
import { DeliveryNotifier, type ChannelSender } from '../activities/delivery.js';
import { emailSender, mailTransport } from '../activities/email.js';
import { LogNotifier, type Notifier } from '../activities/notifier.js';
import { loadTemplates } from '../client/files.js';
import type { Org } from '../domain/org.js';
import { DEFAULT_WINDOW_MS, type Channel, type ChannelRules } from '../domain/reach.js';
import { channelRules, NO_TEMPLATES, type TemplatesConfig } from '../domain/templates.js';
import { zaloSenders } from '../bot/zalo-channels.js';
import { tokensUsable } from '../client/zalo-tokens.js';
import type { Config } from '../runtime/config.js';
import type { AppMetrics } from '../runtime/metrics.js';
import type { Store } from '../store/store.js';
import type { ZaloConnection } from './zalo.js';

/** The example templates, used with the local Zalo double (which registers them). */
export const EXAMPLE_TEMPLATES_FILE = 'config/zalo-templates.example.yaml';

export function templatesOf(config: Config, usingDouble: boolean): TemplatesConfig {
  if (config.ZALO_TEMPLATES_FILE) return loadTemplates(config.ZALO_TEMPLATES_FILE);
  return usingDouble ? loadTemplates(EXAMPLE_TEMPLATES_FILE) : NO_TEMPLATES;
}

/**
 * The rules a reminder goes by, for the "Liên lạc" page and `person reach` where no delivery
 * notifier answers (the CLI, a process without channels): the same inputs createNotifiers gives
 * DeliveryNotifier. Zalo counts as usable by the stored pair, as the token manager judges it.
 */
export async function contactRules(config: Config, store: Store, now: number, o: { templates?: TemplatesConfig; zaloUsable?: boolean } = {}): Promise<ChannelRules> {
  const templates = o.templates ?? templatesOf(config, false);
  const zalo = o.zaloUsable ?? (await tokensUsable(store, now));
  return channelRules(templates, 'reminder', { windowMs: DEFAULT_WINDOW_MS, windowMarginMs: config.ZALO_WINDOW_MARGIN_HOURS * 3600_000, zalo, email: !!config.mail });
}

export interface Notifiers {
  /** Tasks' notifications (behind the outbox in the worker). */
  notifier: Notifier;
  /** Set when some channel is configured. */
  delivery?: DeliveryNotifier;
}

export function createNotifiers(o: { config: Config; org: Org; store: Store; zalo?: ZaloConnection; templates: TemplatesConfig; log: Logger; metrics?: Pick<AppMetrics, 'notification'> }): Notifiers {
  const senders: Partial<Record<Channel, ChannelSender>> = {};
  if (o.zalo) Object.assign(senders, zaloSenders(o.zalo.client, o.store, o.templates));
  if (o.config.mail) senders.email = emailSender(mailTransport(o.config.mail), o.config.mail.from);
  if (Object.keys(senders).length === 0) return { notifier: new LogNotifier(o.log, o.metrics && (() => o.metrics!.notification('log', 'logged'))) };
  const zalo = o.zalo;
  const delivery = new DeliveryNotifier({
    org: o.org,
    store: o.store,
    senders,
    templates: o.templates,
    windowMs: DEFAULT_WINDOW_MS,
    windowMarginMs: o.config.ZALO_WINDOW_MARGIN_HOURS * 3600_000,
    zaloUsable: async () => !!zalo && (await zalo.client.tokens.usable()),
    log: o.log,
    ...(o.metrics ? { onAttempt: (channel: string, outcome: string) => o.metrics!.notification(channel, outcome) } : {}),
  });
  return { notifier: delivery, delivery };
}

/** Sends a dashboard sign-in code; answers how it went ("Zalo", "thư điện tử") or false. */
export async function sendSigninCode(delivery: DeliveryNotifier | undefined, org: Org, personId: string, text: string, code: string, log: Logger): Promise<string | false> {
  const p = org.people.find((x) => x.id === personId);
  if (!delivery || !p) return false;
  try {
    const d = await delivery.send({
      key: `signin:${personId}:${Date.now()}`,
      kind: 'signin_code',
      to: { id: p.id, name: p.name, title: p.title },
      planId: '',
      workflowId: '',
      taskRef: '',
      text,
      actions: [],
      facts: { code, summary: 'Mã đăng nhập' },
    });
    const last = d.attempts?.at(-1);
    return d.delivered && last && last.channel !== 'none' ? (last.channel === 'email' ? 'thư điện tử' : 'Zalo') : false;
  } catch (err) {
    log.warn({ err: (err as Error).message, personId }, 'sign-in code not delivered');
    return false;
  }
}
