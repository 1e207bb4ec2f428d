// Zalo template messages as configuration. A template's text is fixed when Zalo approves it; what
// we send is its id and a value for each of its named parameters. Which notification kind uses
// which template, and which of the notification's facts fill which parameter, is the agency's
// choice (its templates are its own): a YAML file, checked here before anything starts.
import { z } from 'zod';
import { NOTIFICATION_KINDS, formatDate, type Notification, type NotificationKind } from './notification.js';
import { DEFAULT_TEMPLATE_HOURS, HOUR_RE, type ChannelRules } from './reach.js';
import { bilingual, parseWith, parseYamlFile } from './validation.js';

/** The facts of a notification a template parameter can carry. */
export const TEMPLATE_SOURCES = ['recipient_name', 'task_ref', 'task_title', 'unit_name', 'due_date', 'summary', 'message', 'code'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/** Zalo's limit on one parameter's value. */
export const ZALO_PARAM_MAX = 400;

const paramSchema = z
  .object({
    from: z.enum(TEMPLATE_SOURCES).optional(),
    /** A fixed value (the agency's name, a hotline…). */
    value: z.string().min(1).optional(),
    /** The length Zalo allows for this parameter (as registered with the template). */
    max: z.number().int().min(1).max(ZALO_PARAM_MAX),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.from && p.value === undefined)
      ctx.addIssue({ code: 'custom', message: bilingual('tham số thiếu «from» (lấy từ đâu) hoặc «value» (giá trị cố định)', 'parameter needs "from" or "value"') });
    if (p.from && p.value !== undefined)
      ctx.addIssue({ code: 'custom', message: bilingual('tham số chỉ được có một trong «from» và «value»', 'parameter takes "from" or "value", not both') });
    if (p.value !== undefined && p.value.length > p.max)
      ctx.addIssue({ code: 'custom', path: ['value'], message: bilingual(`giá trị dài ${p.value.length} ký tự, vượt giới hạn ${p.max}`, `value is ${p.value.length} characters, over the limit of ${p.max}`) });
  });

const templateSchema = z
  .object({
    templateId: z.string().regex(/^\d{1,20}$/, bilingual('mã tin mẫu là dãy số do Zalo cấp', 'templateId: the numeric id Zalo gave')),
    /** false for templates Zalo sends only by phone (it answers -249 by user id). */
    byUserId: z.boolean().default(true),
    params: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, bilingual('tên tham số: a-z, 0-9, _', 'parameter name: a-z, 0-9, _')), paramSchema).refine(
      (p) => Object.keys(p).length > 0,
      bilingual('tin mẫu phải có ít nhất một tham số', 'a template has at least one parameter'),
    ),
  })
  .strict();

const hhmm = z.string().regex(HOUR_RE, bilingual('giờ dạng HH:MM (24:00 là cuối ngày)', 'time as HH:MM (24:00 = end of day)'));

export const templatesSchema = z
  .object({
    /** Local hours in which Zalo accepts template messages. */
    hours: z.object({ start: hhmm, end: hhmm }).strict().default({ ...DEFAULT_TEMPLATE_HOURS }),
    /** "development" sends only to the app's and OA's administrators (how a template is tried before it is live). */
    mode: z.enum(['production', 'development']).default('production'),
    templates: z.record(z.string(), templateSchema).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const kind of Object.keys(c.templates))
      if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind))
        ctx.addIssue({
          code: 'custom',
          path: ['templates', kind],
          message: bilingual(`loại thông báo «${kind}» không có; các loại: ${NOTIFICATION_KINDS.join(', ')}`, `unknown notification kind "${kind}"; kinds: ${NOTIFICATION_KINDS.join(', ')}`),
        });
    if (c.hours.start >= c.hours.end) ctx.addIssue({ code: 'custom', path: ['hours'], message: bilingual('giờ bắt đầu phải trước giờ kết thúc', 'start must be before end') });
  });

export type TemplatesConfig = z.output<typeof templatesSchema>;
export type TemplateConfig = TemplatesConfig['templates'][string];

export const NO_TEMPLATES: TemplatesConfig = { hours: { ...DEFAULT_TEMPLATE_HOURS }, mode: 'production', templates: {} };

export function parseTemplates(text: string, file: string): TemplatesConfig {
  return parseWith(templatesSchema, parseYamlFile(text, file), file);
}

export function templateFor(cfg: TemplatesConfig, kind: NotificationKind): TemplateConfig | undefined {
  return cfg.templates[kind];
}

/** The rules channel choice goes by for one kind of notification, from the templates and what is usable now. */
export function channelRules(
  cfg: TemplatesConfig,
  kind: NotificationKind,
  o: { windowMs: number; windowMarginMs: number; zalo: boolean; email: boolean },
): ChannelRules {
  const t = templateFor(cfg, kind);
  return { ...o, ...(t ? { template: { templateId: t.templateId, byUserId: t.byUserId } } : {}), templateHours: cfg.hours };
}

/** Cuts a value to `max` characters, on a word boundary where it can, marking the cut with "…". */
export function fitTo(value: string, max: number): string {
  const v = value.replace(/\s+/g, ' ').trim();
  if (v.length <= max) return v;
  if (max <= 1) return v.slice(0, max);
  const cut = v.slice(0, max - 1);
  // The cut already ends a word when the next character is a space.
  const space = v[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The facts of a notification, as template parameters read them. */
export function sourceValue(n: Notification, recipientName: string, source: TemplateSource): string {
  const f = n.facts;
  switch (source) {
    case 'recipient_name':
      return recipientName;
    case 'task_ref':
      return n.taskRef || '—';
    case 'task_title':
      return f?.title || n.text;
    case 'unit_name':
      return f?.unit || '—';
    case 'due_date':
      return f?.due ? formatDate(f.due) : '—';
    case 'summary':
      return f?.summary || n.text;
    case 'message':
      return n.text;
    case 'code':
      return f?.code || '—';
  }
}

/** The `template_data` for one recipient: every parameter filled and within its length. */
export function fillTemplate(t: TemplateConfig, n: Notification, recipientName: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [name, p] of Object.entries(t.params)) data[name] = fitTo(p.value ?? sourceValue(n, recipientName, p.from!), p.max);
  return data;
}
