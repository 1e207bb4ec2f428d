// Who may see what on the dashboard. Roles come from the org chart; the engine still decides
// every action. Staff see their own tasks, a unit head the unit's, leadership and admins all.
import type { Org, Person } from '../domain/org.js';
import { anyOf, type TaskWhere } from '../domain/task-list.js';

export interface Viewer {
  person: Person;
  /** Units the person heads. */
  heads: string[];
  leadership: boolean;
  admin: boolean;
}

export function viewerOf(org: Org, personId: string): Viewer | undefined {
  const person = org.people.find((p) => p.id === personId);
  if (!person) return undefined;
  const leadership = org.leadership.director === person.id || org.leadership.deputies.some((d) => d.person === person.id);
  return { person, heads: org.units.filter((u) => u.head === person.id).map((u) => u.code), leadership, admin: person.roles.includes('admin') };
}

export const seesEverything = (v: Viewer): boolean => v.leadership || v.admin;

/** The read model's question limiting a viewer to their tasks (undefined for everything). */
export function scopeWhere(v: Viewer): TaskWhere | undefined {
  if (seesEverything(v)) return undefined;
  const own: TaskWhere = { assignee: v.person.id };
  return v.heads.length ? anyOf(own, { unitIn: v.heads }) : own;
}

export function maySee(v: Viewer, task: { unit: string; assignee: string }): boolean {
  return seesEverything(v) || task.assignee === v.person.id || v.heads.includes(task.unit);
}

export function roleLabel(v: Viewer): string {
  if (v.leadership) return 'Lãnh đạo Sở';
  if (v.heads.length) return 'Lãnh đạo đơn vị';
  if (v.admin) return 'Quản trị viên';
  return 'Cán bộ';
}
