// The org chart: units (Phòng, Ban, Trung tâm — or, for a province, Sở, ban, ngành, UBND cấp huyện),
// their people, and the leadership that is in charge of them.
import { z } from 'zod';
import { normalisePhone } from './phone.js';
import { bilingual, parseWith, parseYamlFile } from './validation.js';

const personSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, bilingual('mã người chỉ gồm a-z, 0-9, . _ -', 'person id: a-z, 0-9, . _ -')),
  name: z.string().min(1),
  title: z.string().min(1),
  zaloUserId: z.string().min(1).optional(),
  /** The number of the person's Zalo account (template messages by phone); stored as "84…". */
  phone: z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const p = normalisePhone(v);
      if (!p) ctx.addIssue({ code: 'custom', message: bilingual(`số điện thoại «${v}» không hợp lệ`, `"${v}" is not a Vietnamese phone number`) });
      return p ?? '';
    })
    .optional(),
  email: z.string().email(bilingual('địa chỉ thư điện tử không hợp lệ', 'not an e-mail address')).optional(),
  /** "admin" may start plans and activate or cancel tasks. */
  roles: z.array(z.enum(['admin'])).default([]),
});

export const UNIT_KINDS = ['Phòng', 'Ban', 'Trung tâm', 'Văn phòng', 'Chi cục', 'Sở', 'Ngành', 'UBND cấp huyện'] as const;

const unitSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9_-]*$/, bilingual('mã đơn vị viết hoa, ví dụ HCTH', 'unit code: upper case, e.g. HCTH')),
  name: z.string().min(1),
  kind: z.enum(UNIT_KINDS),
  /** How plans write this unit: "Phòng HC-TH", "HCTH", … */
  aliases: z.array(z.string().min(1)).default([]),
  head: z.string(),
  /** The contact person (đầu mối) who receives new tasks; defaults to the head. */
  focal: z.string().optional(),
  members: z.array(z.string()).default([]),
});

export const orgSchema = z
  .object({
    agency: z.object({
      name: z.string().min(1),
      parent: z.string().min(1).optional(),
      place: z.string().min(1).optional(),
      /** How the agency signs its reports (Nghị định 30/2020/NĐ-CP); each part has a default from the rest of the chart. */
      reports: z
        .object({
          /** "BC-SNV" in "Số: …/BC-SNV". */
          numberSuffix: z.string().min(1).optional(),
          /** "Kính gửi": defaults to the parent agency. */
          to: z.array(z.string().min(1)).optional(),
          /** "Nơi nhận" beyond those addressed and "Lưu: VT". */
          copies: z.array(z.string().min(1)).default([]),
          /** Who signs: "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" is `on: "GIÁM ĐỐC"` with the deputy's title. */
          signer: z.object({ title: z.string().min(1), name: z.string().min(1), on: z.string().min(1).optional() }).optional(),
        })
        .optional(),
    }),
    people: z.array(personSchema).min(1),
    units: z.array(unitSchema).min(1),
    leadership: z.object({
      director: z.string(),
      deputies: z.array(z.object({ person: z.string(), units: z.array(z.string()).default([]) })).default([]),
    }),
  })
  .superRefine((org, ctx) => {
    const people = new Set<string>();
    org.people.forEach((p, i) => {
      if (people.has(p.id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'id'], message: bilingual(`mã người «${p.id}» bị trùng`, `duplicate person id "${p.id}"`) });
      people.add(p.id);
    });
    const ref = (id: string, path: (string | number)[]) => {
      if (!people.has(id)) ctx.addIssue({ code: 'custom', path, message: bilingual(`không có người mã «${id}» trong danh sách people`, `no person with id "${id}" in people`) });
    };
    const units = new Set<string>();
    org.units.forEach((u, i) => {
      if (units.has(u.code)) ctx.addIssue({ code: 'custom', path: ['units', i, 'code'], message: bilingual(`mã đơn vị «${u.code}» bị trùng`, `duplicate unit code "${u.code}"`) });
      units.add(u.code);
      ref(u.head, ['units', i, 'head']);
      if (u.focal) ref(u.focal, ['units', i, 'focal']);
      u.members.forEach((m, j) => ref(m, ['units', i, 'members', j]));
    });
    ref(org.leadership.director, ['leadership', 'director']);
    const inCharge = new Map<string, string>();
    org.leadership.deputies.forEach((d, i) => {
      ref(d.person, ['leadership', 'deputies', i, 'person']);
      d.units.forEach((code, j) => {
        if (!units.has(code)) ctx.addIssue({ code: 'custom', path: ['leadership', 'deputies', i, 'units', j], message: bilingual(`không có đơn vị mã «${code}»`, `no unit with code "${code}"`) });
        const other = inCharge.get(code);
        if (other) ctx.addIssue({ code: 'custom', path: ['leadership', 'deputies', i, 'units', j], message: bilingual(`đơn vị «${code}» đã do ${other} phụ trách`, `unit "${code}" is already in the charge of ${other}`) });
        inCharge.set(code, d.person);
      });
    });
  });

export type Org = z.output<typeof orgSchema>;
export type Person = Org['people'][number];
export type Unit = Org['units'][number];

export function parseOrg(text: string, file: string): Org {
  return parseWith(orgSchema, parseYamlFile(text, file), file);
}

/** A person as a workflow needs them: enough to address and to authorize. */
export interface PersonRef {
  id: string;
  name: string;
  title: string;
}

/** Everyone a unit task deals with, from the assignee up to the Giám đốc. */
export interface Chain {
  unit: { code: string; name: string };
  head: PersonRef;
  focal: PersonRef;
  members: PersonRef[];
  /** The Phó Giám đốc in charge (phụ trách); absent when the Giám đốc is directly in charge. */
  deputy?: PersonRef;
  director: PersonRef;
  admins: PersonRef[];
}

export function personRef(org: Org, id: string): PersonRef {
  const p = org.people.find((x) => x.id === id);
  if (!p) throw new Error(`unknown person "${id}"`);
  return { id: p.id, name: p.name, title: p.title };
}

export function findUnit(org: Org, code: string): Unit | undefined {
  return org.units.find((u) => u.code === code);
}

export function chainFor(org: Org, unitCode: string): Chain {
  const unit = findUnit(org, unitCode);
  if (!unit) throw new Error(`unknown unit "${unitCode}"`);
  const deputy = org.leadership.deputies.find((d) => d.units.includes(unitCode));
  const memberIds = [...new Set([unit.head, ...unit.members])];
  return {
    unit: { code: unit.code, name: unit.name },
    head: personRef(org, unit.head),
    focal: personRef(org, unit.focal ?? unit.head),
    members: memberIds.map((id) => personRef(org, id)),
    ...(deputy ? { deputy: personRef(org, deputy.person) } : {}),
    director: personRef(org, org.leadership.director),
    admins: org.people.filter((p) => p.roles.includes('admin')).map((p) => ({ id: p.id, name: p.name, title: p.title })),
  };
}

/** Codes of the units a person heads or belongs to. */
export const unitsOf = (org: Org, personId: string): string[] =>
  org.units.filter((u) => u.head === personId || u.members.includes(personId) || u.focal === personId).map((u) => u.code);

export function findPerson(org: Org, id: string): Person | undefined {
  return org.people.find((p) => p.id === id);
}

/** What a person answers for: the units they lead or oversee, and in which role (staff: none). */
export function unitsInCharge(org: Org, p: Pick<Person, 'id'>): { role: 'staff' | 'head' | 'deputy' | 'director'; units: string[] } {
  if (org.leadership.director === p.id) return { role: 'director', units: org.units.map((u) => u.code) };
  const deputy = org.leadership.deputies.find((d) => d.person === p.id);
  if (deputy) return { role: 'deputy', units: deputy.units };
  const headed = org.units.filter((u) => u.head === p.id).map((u) => u.code);
  if (headed.length) return { role: 'head', units: headed };
  return { role: 'staff', units: [] };
}
