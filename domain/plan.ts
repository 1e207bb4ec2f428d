// A plan (Kế hoạch) as the engine runs it: tasks with units, deadlines and policy.
import { z } from 'zod';
import { isoDateSchema } from './calendar-config.js';
import { policyOverrideSchema } from './policy.js';
import type { Org } from './org.js';
import { bilingual, InvalidFileError, parseWith, parseYamlFile, type FileIssue } from './validation.js';

export const CYCLES = ['monthly', 'quarterly', 'half-yearly', 'yearly'] as const;
export type Cycle = (typeof CYCLES)[number];

/** A deadline as the plan writes it (`text`) and as the engine understands it. */
export const deadlineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), due: isoDateSchema, text: z.string().min(1) }),
  z.object({
    kind: z.literal('recurring'),
    cycle: z.enum(CYCLES),
    /** Day of the cycle's month by which the check-in is due; defaults to the policy's. */
    day: z.number().int().min(1).max(28).optional(),
    text: z.string().min(1),
  }),
  /** "Thực hiện thường xuyên": runs as monthly check-ins. */
  z.object({ kind: z.literal('ongoing'), text: z.string().min(1) }),
  /** "Khi có văn bản hướng dẫn…": waits until an admin activates it with a due date. */
  z.object({ kind: z.literal('event'), text: z.string().min(1) }),
  z.object({
    kind: z.literal('phased'),
    phases: z.array(z.object({ label: z.string().min(1), due: isoDateSchema })).min(1),
    text: z.string().min(1),
  }),
]);
export type Deadline = z.output<typeof deadlineSchema>;

/** "all" stands for every internal unit ("các Phòng, Ban, Trung tâm"). */
const leadSchema = z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]);

export const taskSchema = z.object({
  ref: z.string().regex(/^[A-Za-z0-9.()_-]+$/, bilingual('số hiệu nhiệm vụ chỉ gồm chữ, số và . ( ) _ -', 'task ref: letters, digits and . ( ) _ -')),
  title: z.string().min(1),
  content: z.string().min(1),
  lead: leadSchema,
  /** Coordinating units: unit codes, or names of agencies outside the org. */
  support: z.array(z.string().min(1)).default([]),
  deadline: deadlineSchema,
  targets: z.array(z.string().min(1)).default([]),
  assignee: z.string().optional(),
  policy: policyOverrideSchema.optional(),
});
export type PlanTask = z.output<typeof taskSchema>;

export const reportScheduleSchema = z.object({
  owner: z.string().min(1),
  recipient: z.string().min(1).optional(),
  cycles: z.array(z.object({ cycle: z.enum(CYCLES), text: z.string().min(1) })).default([]),
});

export const planSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, bilingual('mã kế hoạch chỉ gồm a-z, 0-9 và -', 'plan id: a-z, 0-9 and -')),
    title: z.string().min(1),
    document: z.object({ number: z.string().min(1), date: isoDateSchema.optional(), issuer: z.string().min(1) }),
    /** Recurring tasks stop after this date. */
    endDate: isoDateSchema.optional(),
    policy: policyOverrideSchema.optional(),
    reporting: reportScheduleSchema.optional(),
    tasks: z.array(taskSchema).min(1),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.tasks.forEach((t, i) => {
      if (seen.has(t.ref)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'ref'], message: bilingual(`số hiệu «${t.ref}» bị trùng`, `duplicate task ref "${t.ref}"`) });
      seen.add(t.ref);
    });
  });

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

export function parsePlan(text: string, file: string): Plan {
  return parseWith(planSchema, parseYamlFile(text, file), file);
}

/** The internal units that lead a task. */
export function leadUnits(task: PlanTask, org: Org): string[] {
  return task.lead === 'all' ? org.units.map((u) => u.code) : task.lead;
}

/** Checks the plan's references against the org chart; throws naming every problem. */
export function checkPlanAgainstOrg(plan: Plan, org: Org, file: string): void {
  const issues: FileIssue[] = [];
  const units = new Set(org.units.map((u) => u.code));
  const people = new Set(org.people.map((p) => p.id));
  plan.tasks.forEach((t, i) => {
    if (t.lead !== 'all') {
      t.lead.forEach((code, j) => {
        if (!units.has(code))
          issues.push({
            path: `tasks[${i}].lead[${j}]`,
            vi: `đơn vị chủ trì «${code}» không có trong sơ đồ tổ chức`,
            en: `lead unit "${code}" is not in the org chart`,
          });
      });
    }
    if (t.assignee && !people.has(t.assignee))
      issues.push({ path: `tasks[${i}].assignee`, vi: `không có người mã «${t.assignee}»`, en: `no person with id "${t.assignee}"` });
  });
  if (plan.reporting && !units.has(plan.reporting.owner))
    issues.push({ path: 'reporting.owner', vi: `đơn vị «${plan.reporting.owner}» không có trong sơ đồ tổ chức`, en: `unit "${plan.reporting.owner}" is not in the org chart` });
  if (issues.length) throw new InvalidFileError(file, issues);
}
