// Plan policy: when to remind, when and how far to escalate. Overridable per task.
import { z } from 'zod';
import { dayEntrySchema, officeHoursSchema } from './calendar-config.js';

export const policySchema = z.object({
  reminders: z
    .object({
      /** Working days before the due date on which the assignee is reminded. */
      workingDaysBefore: z.array(z.number().int().min(1).max(60)).default([7, 3, 1]),
      /** Also remind on the morning of the due date. */
      dueMorning: z.boolean().default(true),
    })
    .prefault({}),
  /** From this many working days before the due date the status reads "sắp đến hạn". */
  dueSoonWorkingDays: z.number().int().min(0).max(60).default(7),
  escalation: z
    .object({
      /** Working days between escalation levels and between repeats at the top. */
      stepWorkingDays: z.number().int().min(1).max(30).default(2),
      /** How many times the top level (Giám đốc) is reminded again after the first time. */
      repeatCap: z.number().int().min(0).max(20).default(3),
    })
    .prefault({}),
  /** A progress report postpones the next reminder by this many working days. */
  progressQuietWorkingDays: z.number().int().min(0).max(30).default(3),
  /** Recurring tasks: day of the month by which each cycle's check-in is due. */
  checkInDay: z.number().int().min(1).max(28).default(10),
  /** Working days the assignee has to answer a request for explanation (giải trình). */
  explanationWorkingDays: z.number().int().min(1).max(30).default(3),
  /** Day of the month reports are compiled on, ahead of the "trước ngày 15" submission. */
  reportDay: z.number().int().min(1).max(14).default(10),
  calendar: z
    .object({
      officeHours: officeHoursSchema.optional(),
      extraHolidays: z.array(dayEntrySchema).default([]),
      extraWorkdays: z.array(dayEntrySchema).default([]),
    })
    .prefault({}),
});

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** A partial policy as written in a plan or a task; merged over the defaults. */
export const policyOverrideSchema = z.object({
  reminders: z
    .object({ workingDaysBefore: z.array(z.number().int().min(1).max(60)).optional(), dueMorning: z.boolean().optional() })
    .optional(),
  dueSoonWorkingDays: z.number().int().min(0).max(60).optional(),
  escalation: z
    .object({ stepWorkingDays: z.number().int().min(1).max(30).optional(), repeatCap: z.number().int().min(0).max(20).optional() })
    .optional(),
  progressQuietWorkingDays: z.number().int().min(0).max(30).optional(),
  checkInDay: z.number().int().min(1).max(28).optional(),
  explanationWorkingDays: z.number().int().min(1).max(30).optional(),
  reportDay: z.number().int().min(1).max(14).optional(),
  calendar: z
    .object({
      officeHours: officeHoursSchema.optional(),
      extraHolidays: z.array(dayEntrySchema).optional(),
      extraWorkdays: z.array(dayEntrySchema).optional(),
    })
    .optional(),
});
export type PolicyOverride = z.output<typeof policyOverrideSchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});

/** Defaults, then the plan's override, then the task's. */
export function resolvePolicy(...overrides: (PolicyOverride | undefined)[]): Policy {
  let p: Policy = structuredCloneSafe(DEFAULT_POLICY);
  for (const given of overrides) {
    if (!given) continue;
    // Never share arrays with the plan file's objects.
    const o = structuredCloneSafe(given);
    p = {
      ...p,
      ...pickDefined({
        dueSoonWorkingDays: o.dueSoonWorkingDays,
        progressQuietWorkingDays: o.progressQuietWorkingDays,
        checkInDay: o.checkInDay,
        explanationWorkingDays: o.explanationWorkingDays,
        reportDay: o.reportDay,
      }),
      reminders: { ...p.reminders, ...pickDefined(o.reminders ?? {}) },
      escalation: { ...p.escalation, ...pickDefined(o.escalation ?? {}) },
      calendar: {
        officeHours: o.calendar?.officeHours ?? p.calendar.officeHours,
        extraHolidays: [...p.calendar.extraHolidays, ...(o.calendar?.extraHolidays ?? [])],
        extraWorkdays: [...p.calendar.extraWorkdays, ...(o.calendar?.extraWorkdays ?? [])],
      },
    };
  }
  return p;
}

function pickDefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// Workflow code has no structuredClone guarantee in every runtime; JSON is enough for plain data.
function structuredCloneSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
