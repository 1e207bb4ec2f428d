// Schemas for dates and times as files write them, and for config/calendar.yaml.
// Kept apart from calendar.ts so that workflow code using the calendar does not bundle zod.
import { z } from 'zod';
import { DEFAULT_OFFICE_HOURS, HHMM_RE, isValidIsoDate } from './calendar.js';
import { bilingual } from './validation.js';

export const isoDateSchema = z
  .string()
  .refine(isValidIsoDate, bilingual('ngày không tồn tại (định dạng YYYY-MM-DD)', 'not an existing date (YYYY-MM-DD)'));

export const hhmmSchema = z.string().regex(HHMM_RE, bilingual('giờ phải có dạng HH:MM (00:00–23:59)', 'time must be HH:MM (00:00–23:59)'));

export const dayEntrySchema = z.object({ date: isoDateSchema, name: z.string().trim().min(1) });

export const officeHoursSchema = z
  .object({ start: hhmmSchema, end: hhmmSchema })
  .refine((h) => h.start < h.end, { error: bilingual('giờ bắt đầu phải trước giờ kết thúc', 'office hours must start before they end') });

export const calendarConfigSchema = z
  .object({
    officeHours: officeHoursSchema.default({ ...DEFAULT_OFFICE_HOURS }),
    overrides: z
      .object({
        holidays: z.array(dayEntrySchema).default([]),
        workdays: z.array(dayEntrySchema).default([]),
      })
      .default({ holidays: [], workdays: [] }),
  })
  .superRefine((cfg, ctx) => {
    const holidays = new Set(cfg.overrides.holidays.map((h) => h.date));
    cfg.overrides.workdays.forEach((w, i) => {
      if (holidays.has(w.date)) {
        ctx.addIssue({
          code: 'custom',
          path: ['overrides', 'workdays', i, 'date'],
          message: bilingual(`${w.date} vừa là ngày nghỉ vừa là ngày làm việc`, `${w.date} is listed both as a holiday and as a workday`),
        });
      }
    });
  });

export type CalendarConfigInput = z.input<typeof calendarConfigSchema>;
