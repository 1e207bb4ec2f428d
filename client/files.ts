// Reading the org chart, plans and the calendar table from disk, validated.
import { readFileSync } from 'node:fs';
import type { CalendarConfig } from '../domain/calendar.js';
import { calendarConfigSchema } from '../domain/calendar-config.js';
import { parseOrg, type Org } from '../domain/org.js';
import { checkPlanAgainstOrg, parsePlan, type Plan } from '../domain/plan.js';
import { parseTemplates, type TemplatesConfig } from '../domain/templates.js';
import { InvalidFileError, parseWith, parseYamlFile } from '../domain/validation.js';

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidFileError(file, [{ path: '', vi: `không đọc được tệp (${code})`, en: `cannot read the file (${code})` }]);
  }
}

export function loadOrg(file: string): Org {
  return parseOrg(read(file), file);
}

export function loadPlan(file: string, org: Org): Plan {
  const plan = parsePlan(read(file), file);
  checkPlanAgainstOrg(plan, org, file);
  return plan;
}

export function loadCalendar(file: string): CalendarConfig {
  return parseWith(calendarConfigSchema, parseYamlFile(read(file), file), file) as CalendarConfig;
}

export function loadTemplates(file: string): TemplatesConfig {
  return parseTemplates(read(file), file);
}
