// "Đơn vị thực hiện: Phòng HC-TH, Phòng TCCB vị phối hợp với các Phòng, Ban, Trung tâm" → which units lead
// a task, which support it, and which outside agencies are named. Pure: no I/O, no clock.
//
// How a phrase is read:
// 1. Line breaks: a line that ends in "," "–" "và" "với"… or is followed by a lower-case line is joined to the
//    next (PDF wrapping); other line breaks separate list items.
// 2. Parentheses ("(đơn vị chủ trì)") and labels ("Đơn vị thực hiện:", "Đơn vị/người thực hiện:",
//    "Cơ quan chủ trì:") are dropped; when a quoted assignment ("-Đơn vị chủ trì: …-Đơn vị phối hợp: …") is
//    followed by the org's own "Đơn vị thực hiện:", only the latter is read. The first "phối hợp (với)" /
//    "Đơn vị phối hợp:" / "Cơ quan phối hợp:" splits lead (before) from support (after).
// 3. Filler is dropped: "Thủ trưởng", "(và) toàn thể công chức, viên chức, người lao động thuộc Sở",
//    "thuộc và trực thuộc Sở", "chủ trì", "thực hiện", "tham mưu", a stray "vị" left from "đơn vị".
// 4. Group phrases become one item: "các Phòng, Ban, Trung tâm" (every unit of a Sở), "các sở, ban, ngành
//    (tỉnh)" (every provincial unit of a province), "UBND các huyện, thị xã, thành phố" / "UBND cấp huyện" /
//    "địa phương" (every UBND cấp huyện unit), both together (every unit), "các cơ quan, đơn vị có liên quan"
//    (vague: kept by name, with a warning), as is a list of such words ("các cơ quan, đơn vị, địa phương"). A group the org has no units for (a Sở reading "các Sở, ban,
//    ngành tỉnh") is an outside group, kept by name.
// 5. Lists split on ",", ";", "/", " và " and line breaks; a piece that does not start a new name ("Truyền
//    thông" in "Sở Thông tin và Truyền thông", "viên chức" in "Phòng Công chức, viên chức") is joined back
//    to the one before.
// 6. Each piece is matched to a unit (matchUnit); otherwise it is an outside agency kept by its tidy name
//    ("Công an tỉnh"), with a warning when it looks like one of the org's own units but matches none.
import type { Org, Unit } from './org.js';
import { fold, levenshtein, tidy } from './text.js';

export interface UnitResolution {
  /** Internal unit codes, or 'all' for every internal unit. */
  lead: string[] | 'all';
  /** Internal unit codes, or outside agencies by their tidy name. */
  support: string[];
  /** Lead agencies outside the org, kept by name (e.g. "Công an tỉnh"). */
  external: string[];
  /** Pieces not understood, fuzzy matches used. */
  warnings: { vi: string; en: string }[];
}

type Warning = UnitResolution['warnings'][number];

/** Soft separator standing for a line break between list items. */
const NL = '\uE000';
const PH_OPEN = '\uE001';
const PH_CLOSE = '\uE002';

// ── Text with a folded twin of the same length, so a match on the folded text cuts the original ──────────

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

function foldChar(c: string): string {
  if (/\s/.test(c)) return ' ';
  const f = fold(c);
  if (f.length === c.length) return f;
  const l = c.toLowerCase();
  return l.length === c.length ? l : c;
}

/** Lower case, tone marks removed, vowel marks (â ê ô ơ ư ă) and đ kept: "Tổ chức" → "tô chưc". */
function markChar(c: string): string {
  const m = c.toLowerCase().normalize('NFD').replace(TONE_MARKS, '').normalize('NFC');
  return m.length === c.length ? m : foldChar(c);
}

class Aligned {
  constructor(
    readonly o: string,
    readonly f: string,
  ) {}

  static of(text: string, twin: (c: string) => string = foldChar): Aligned {
    let f = '';
    for (const c of text) f += twin(c);
    return new Aligned(text, f);
  }

  /** Replaces matches of `re` (global, run on the folded text) in both texts; `with_` returns ASCII-safe text. */
  replace(re: RegExp, with_: (m: RegExpExecArray) => string): Aligned {
    let o = '';
    let f = '';
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(this.f); m; m = re.exec(this.f)) {
      if (m[0] === '') {
        re.lastIndex++;
        continue;
      }
      const r = with_(m);
      o += this.o.slice(last, m.index) + r;
      f += this.f.slice(last, m.index) + Aligned.of(r).f;
      last = m.index + m[0].length;
    }
    return new Aligned(o + this.o.slice(last), f + this.f.slice(last));
  }

  slice(start: number, end?: number): Aligned {
    return new Aligned(this.o.slice(start, end), this.f.slice(start, end));
  }

  squeeze(): Aligned {
    return this.replace(/\s{2,}/g, () => ' ');
  }
}

// ── Matching one name against the org's units ──────────────────────────────────────────────────────────────

interface Key {
  /** Folded, letters and digits only. */
  f: string;
  /** Tone marks removed but vowel marks kept, letters and digits only. */
  m: string;
}

interface Forms {
  full: Key;
  /** The kind word in front ("phong", "so", "ubnd", …), if any. */
  prefix?: string;
  /** The name without its kind word ("to chuc can bo"), when what is left is still a name. */
  stripped?: Key;
}

const PREFIX_RE = /^(?:van phong|trung tam|chi cuc|tong cuc|phong|ban|so|nganh|ubnd|hdnd|bo|cuc)\s+/;
/** What is left after the kind word that is not a name of its own ("Văn phòng UBND tỉnh" ↛ "UBND tỉnh"). */
const GENERIC_REST = /^(?:(?:ubnd|hdnd|so|bo|cac)\b.*|tinh|huyen|xa|thi xa|thanh pho|tinh uy|cap huyen)$/;

const compact = (s: string): string => s.replace(/[^\p{L}\p{N}]/gu, '');

function forms(name: string): Forms {
  const t = tidy(name)
    .replace(/^[Pp]h?\.\s*/, 'Phòng ')
    .replace(/^TT\.?\s+(?=\p{Lu})/u, 'Trung tâm ')
    .replace(/^VP\.?\s+/, 'Văn phòng ');
  // o: tone marks removed, f: folded; both the same length as t.
  const a = new Aligned(Aligned.of(t, markChar).f, Aligned.of(t).f)
    .replace(/\buy\s+ban\s+nhan\s+dan\b/g, () => 'ubnd')
    .replace(/^cac\s+/g, () => '');
  const full: Key = { f: compact(a.f), m: compact(a.o) };
  const p = PREFIX_RE.exec(a.f);
  if (!p) return { full };
  const rest = a.slice(p[0].length);
  const prefix = p[0].trim();
  const stripped: Key = { f: compact(rest.f), m: compact(rest.o) };
  if (stripped.f.length < 3 || GENERIC_REST.test(rest.f.trim())) return { full, prefix };
  return { full, prefix, stripped };
}

const KIND_PREFIX: Record<Unit['kind'], string> = {
  Phòng: 'phong',
  Ban: 'ban',
  'Trung tâm': 'trung tam',
  'Văn phòng': 'van phong',
  'Chi cục': 'chi cuc',
  Sở: 'so',
  Ngành: 'nganh',
  'UBND cấp huyện': 'ubnd',
};

interface UnitKeys {
  unit: Unit;
  forms: Forms[];
  /** Kind words this unit may be written with. */
  prefixes: Set<string>;
}

interface OrgIndex {
  units: UnitKeys[];
  /** A province (units are Sở, ngành, UBND cấp huyện) rather than a Sở (units are Phòng, Ban, Trung tâm). */
  province: boolean;
  /** Kind words the org's own units are written with. */
  ownPrefixes: Set<string>;
}

const indexCache = new WeakMap<Org, OrgIndex>();

function indexOf(org: Org): OrgIndex {
  const cached = indexCache.get(org);
  if (cached) return cached;
  const units = org.units.map((unit): UnitKeys => {
    const fs = [unit.code, unit.name, ...unit.aliases].map(forms);
    const prefixes = new Set([KIND_PREFIX[unit.kind], ...fs.flatMap((x) => (x.prefix ? [x.prefix] : []))]);
    return { unit, forms: fs, prefixes };
  });
  const index: OrgIndex = {
    units,
    province: org.units.some((u) => u.kind === 'Sở' || u.kind === 'Ngành' || u.kind === 'UBND cấp huyện'),
    ownPrefixes: new Set(units.flatMap((u) => [...u.prefixes])),
  };
  indexCache.set(org, index);
  return index;
}

interface Score {
  d: number;
  exact: boolean;
}

const hasMarks = (k: Key): boolean => k.m !== k.f;

function compare(x: Key, y: Key, prefixOk: boolean, fuzzy: boolean): Score | undefined {
  if (x.f === y.f) return { d: 0, exact: prefixOk && (!hasMarks(x) || !hasMarks(y) || x.m === y.m) };
  if (!fuzzy || x.f.length <= 10 || y.f.length <= 10) return undefined;
  const d = levenshtein(x.f, y.f);
  return d <= 2 ? { d, exact: false } : undefined;
}

function better(a: Score | undefined, b: Score | undefined): Score | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.exact !== b.exact) return a.exact ? a : b;
  return b.d < a.d ? b : a;
}

function scoreUnit(input: Forms, u: UnitKeys): Score | undefined {
  let best: Score | undefined;
  for (const c of u.forms) {
    const samePrefix = input.prefix === c.prefix;
    // The names as written, when they carry the same kind word (or none).
    best = better(best, compare(input.full, c.full, true, samePrefix));
    // "Tổ chức cán bộ" against "Phòng Tổ chức cán bộ".
    if (!input.prefix && c.stripped) best = better(best, compare(input.full, c.stripped, true, true));
    // "Phòng TCCB" against "TCCB"; "Ban HCTH" is still HCTH, but not exactly.
    if (input.prefix && input.stripped && !c.prefix) {
      const ok = u.prefixes.has(input.prefix);
      best = better(best, compare(input.stripped, c.full, ok, ok));
    }
  }
  return best;
}

interface MatchDetail {
  unit?: Unit;
  exact: boolean;
  /** Units equally close when none is clearly meant. */
  ambiguous?: Unit[];
}

function matchDetail(name: string, org: Org): MatchDetail {
  const input = forms(name);
  if (!input.full.f) return { exact: false };
  const scored = indexOf(org)
    .units.map((u) => ({ u, s: scoreUnit(input, u) }))
    .filter((x): x is { u: UnitKeys; s: Score } => x.s !== undefined);
  const exact = scored.find((x) => x.s.exact);
  if (exact) return { unit: exact.u.unit, exact: true };
  if (!scored.length) return { exact: false };
  const min = Math.min(...scored.map((x) => x.s.d));
  const closest = scored.filter((x) => x.s.d === min);
  if (closest.length === 1) return { unit: closest[0]!.u.unit, exact: false };
  return { exact: false, ambiguous: closest.map((x) => x.u.unit) };
}

/**
 * The unit a name stands for: by code, name or alias, with or without diacritics, the kind word
 * ("Phòng") or punctuation ("HC-TH" = "HCTH"); names longer than 10 letters also with up to 2 typos
 * (`exact: false`). Codes and other short names must match exactly.
 */
export function matchUnit(name: string, org: Org): { code: string; exact: boolean } | undefined {
  const m = matchDetail(name, org);
  return m.unit ? { code: m.unit.code, exact: m.exact } : undefined;
}

// ── Reading a phrase ───────────────────────────────────────────────────────────────────────────────────────

const SEP = String.raw`\s*(?:,|;|\/|\bva\b|${NL})\s*`;
const END = String.raw`(?=\s*(?:$|[,;.:)\-]|\bva\b|\bphoi\b|${NL}|${PH_OPEN}))`;
const PROV = String.raw`(?:tat ca\s+)?(?:cac\s+)?(?:so|co quan chuyen mon)(?:${SEP}|\s+)(?:ban(?:${SEP}|\s+))?nganh(?:\s+(?:cap\s+)?tinh)?(?:\s+thuoc\s+ubnd\s+tinh)?(?:\s+(?:co\s+)?lien\s+quan)?`;
const DISTRICT = String.raw`(?:huyen|thi xa|thanh pho)`;
const DIST = String.raw`(?:(?:ubnd|uy ban nhan dan)\s+(?:cac\s+${DISTRICT}(?:${SEP}${DISTRICT})*|cap\s+huyen|${DISTRICT}(?:${SEP}${DISTRICT})+)|(?:cac\s+)?dia\s+phuong|cac\s+huyen(?:${SEP}(?:thi xa|thanh pho))+)(?:\s+tren\s+dia\s+ban(?:\s+tinh)?)?(?:\s+(?:co\s+)?lien\s+quan)?`;
// "chính quyền địa phương" is one name, not "chính quyền" and the districts.
const PROVINCE_GROUP = new RegExp(String.raw`(?<!\bchinh\s+quyen\s+)\b(?:(?<p>${PROV})(?:${SEP}(?<d>${DIST}))?|(?<d2>${DIST})(?:${SEP}(?<p2>${PROV}))?)${END}`, 'g');
const DEPT_GROUP = new RegExp(
  String.raw`(?<!van )\b(?:tat ca\s+)?(?:(?:cac\s+|moi\s+)?phong(?:${SEP}|\s+)ban(?:(?:${SEP}|\s+)(?:trung tam|don vi|chi cuc))*|cac\s+don vi)(?:\s+(?:cua\s+|thuoc\s+)?so)?${END}`,
  'g',
);
const GENERIC = String.raw`(?:co quan|don vi|to chuc|ca nhan|dia phuong)`;
const VAGUE_GROUP = new RegExp(String.raw`\b(?:cac\s+)?${GENERIC}(?:${SEP}${GENERIC})*\s+(?:co\s+)?lien\s+quan${END}`, 'g');
const GENERIC_LIST = new RegExp(
  String.raw`\b(?:cac\s+)?${GENERIC}(?:${SEP}${GENERIC})+(?:\s+tren\s+dia\s+ban(?:\s+tinh)?)?(?:\s+(?:co\s+)?lien\s+quan)?${END}`,
  'g',
);

// "được giao" is a label only with its colon: "đơn vị được giao nhiệm vụ …" is a name.
const LABEL = /(?:^|(?<=[\s.;:\-]))(?:don\s+vi|co\s+quan|nguoi)(?:\s*\/\s*(?:nguoi|don\s+vi|co\s+quan))?\s+(?:(?:thuc\s+hien|chu\s+tri)\b\s*:?|duoc\s+giao\s*:)/g;
const OWN_LABEL = /(?:don\s+vi|co\s+quan)(?:\s*\/\s*nguoi)?\s+thuc\s+hien\s*:/g;
const SUPPORT = /(?:\b(?:don\s+vi|co\s+quan)\s+)?\bphoi\s+hop(?:\s+chat\s+che)?(?:\s+voi)?\b\s*:?/;
const FILLERS = [
  /\bthu\s+truong\b/g,
  new RegExp(String.raw`(?:\bva\s+)?\btoan\s+the\b[^;${NL}]*`, 'g'),
  /\b(?:thuoc\s+va\s+)?truc\s+thuoc(?:\s+(?:so|ubnd\s+tinh|tinh))?\b/g,
  /\bthuoc\s+(?:so|ubnd\s+tinh)\b/g,
  /\b(?:chu\s+tri|thuc\s+hien|tham\s+muu|lam\s+dau\s+moi)\b/g,
];

/** Names that start a new list item, so a comma or "và" before them separates two items. */
const STARTER =
  /^(?:cac|tat ca|p\.|van phong|phong|ban|trung tam|chi cuc|so|nganh|ubnd|hdnd|uy ban|bo|tong cuc|cuc|cong an|thanh tra|tinh uy|thanh uy|huyen uy|tinh doan|doan|hoi|lien doan|mat tran|buu dien|vnpt|viettel|mobifone|kho bac|bao hiem|ngan hang|toa an|vien kiem sat|dai|bao|cong ty|chinh phu|thu tuong|quoc hoi)\b/;

/** A kind of agency written alone, without the name that would make it one. */
const BARE_KIND = /^(?:bao|dai|so|bo|nganh|phong|ban|cuc|vien|hoi|truong|trung tam|van phong|cong an|uy ban)$/;

/** How high a named body stands (a Phòng under a Cục under a Bộ); 0 for a name of no such kind. */
function rankOf(folded: string): number {
  const f = folded.trim();
  if (/^(?:phong|doi|to)\s+\S/.test(f)) return 1;
  if (/^(?:cuc|vu|chi cuc|so|trung tam|vien)\s+\S/.test(f)) return 2;
  if (/^(?:bo|tong cuc|ubnd|uy ban nhan dan)\s+\S/.test(f)) return 3;
  return 0;
}

type GroupKind = 'dept' | 'prov' | 'dist' | 'both' | 'vague';
interface Group {
  kind: GroupKind;
  text: string;
}

interface Piece {
  start: number;
  end: number;
  /** A ";" came before it: never joined to the previous piece. */
  hard: boolean;
  group?: number;
}

type Item = { codes: string[] } | { name: string };

function joinLines(text: string): string {
  const lines = text
    .normalize('NFC')
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((l) => l.trim())
    .filter(Boolean);
  let out = lines[0] ?? '';
  for (const line of lines.slice(1)) {
    const tail = fold(out.slice(-30));
    const continues =
      /(?:[,;:&/(–—-]|\b(?:va|voi|cac|cua|thuoc|phoi hop))$/.test(tail) || /^[\p{Ll}–—]/u.test(line) || /^\d/.test(line);
    out += continues ? ` ${line}` : ` ${NL} ${line}`;
  }
  return out;
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

const EDGE_PUNCT = /^[\s,;:.\-–—+•*/]+|[\s,;:.\-–—+•*/]+$/g;

/** A list piece as a name: no separators at the edges, no stray "vị", no leading "các" before a proper name. */
function cleanName(raw: string, dropCac: boolean): string {
  let s = tidy(raw.split(NL).join(' ')).replace(EDGE_PUNCT, '');
  s = s.replace(/\s+(?:đơn\s+|don\s+)?v[ịi]$/u, '').replace(EDGE_PUNCT, '');
  if (dropCac) s = s.replace(/^(?:các|cac|Các|Cac)\s+(?=\p{Lu})/u, '');
  return capitalise(s);
}

class Reader {
  readonly warnings: Warning[] = [];
  private readonly index: OrgIndex;

  constructor(private readonly org: Org) {
    this.index = indexOf(org);
  }

  warn(w: Warning): void {
    if (!this.warnings.some((x) => x.vi === w.vi && x.en === w.en)) this.warnings.push(w);
  }

  /** One side (lead or support) of a phrase, as items in the order written. */
  read(part: Aligned): Item[] {
    let t = part;
    for (const re of FILLERS) t = t.replace(re, () => ' ');
    t = t.squeeze();
    const groups: Group[] = [];
    const hold = (kind: GroupKind, m: RegExpExecArray): string => {
      groups.push({ kind, text: t.o.slice(m.index, m.index + m[0].length) });
      return ` ${PH_OPEN}${groups.length - 1}${PH_CLOSE} `;
    };
    // Each pass runs on the text the previous one left, so `t` is reassigned before the next `hold`.
    // A list of generic words first: "các cơ quan, đơn vị, địa phương" is one vague group, not three.
    t = t.replace(GENERIC_LIST, (m) => hold('vague', m));
    t = t.replace(PROVINCE_GROUP, (m) => {
      const g = m.groups ?? {};
      const prov = g.p !== undefined || g.p2 !== undefined;
      const dist = g.d !== undefined || g.d2 !== undefined;
      return hold(prov && dist ? 'both' : prov ? 'prov' : 'dist', m);
    });
    t = t.replace(DEPT_GROUP, (m) => hold('dept', m));
    t = t.replace(VAGUE_GROUP, (m) => hold('vague', m));
    t = t.squeeze();
    return this.items(t, this.pieces(t), groups);
  }

  private pieces(t: Aligned): Piece[] {
    const out: Piece[] = [];
    const re = new RegExp(String.raw`${PH_OPEN}(\d+)${PH_CLOSE}|(\s*;\s*)|${SEP}`, 'g');
    let last = 0;
    let hard = false;
    const text = (end: number) => {
      if (t.f.slice(last, end).trim()) out.push({ start: last, end, hard });
      hard = false;
    };
    for (let m = re.exec(t.f); m; m = re.exec(t.f)) {
      text(m.index);
      if (m[1] !== undefined) out.push({ start: m.index, end: m.index + m[0].length, hard: true, group: Number(m[1]) });
      if (m[1] !== undefined || m[2] !== undefined) hard = true;
      last = m.index + m[0].length;
    }
    text(t.f.length);
    return out;
  }

  private resolves(raw: string): boolean {
    return matchDetail(cleanName(raw, true), this.org).unit !== undefined;
  }

  private startsItem(raw: string): boolean {
    const name = cleanName(raw, false);
    return STARTER.test(fold(name)) || /^\p{Lu}{2,}(?!\p{Ll})/u.test(name) || this.resolves(raw);
  }

  private items(t: Aligned, pieces: Piece[], groups: Group[]): Item[] {
    // Join back pieces that continue a name: "Sở Thông tin" + "và Truyền thông".
    const joined: Piece[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      const prev = joined[joined.length - 1];
      // A bare kind word names nothing on its own: "Báo và Đài Phát thanh …", "các Bộ, ngành liên quan".
      if (prev && prev.group === undefined && p.group === undefined && !p.hard && BARE_KIND.test(fold(cleanName(t.o.slice(prev.start, prev.end), true)))) {
        prev.end = p.end;
        continue;
      }
      // "Phòng 5, Cục Cảnh sát …, Bộ Công an": a unit named with the two bodies above it is one name.
      // (Two levels alone, "Phòng X, Sở Y", may as well be two units.)
      const chain = (a: Piece | undefined, b: Piece | undefined) =>
        !!a && !!b && a.group === undefined && b.group === undefined && !b.hard && /^\s*,\s*$/.test(t.f.slice(a.end, b.start));
      const next = pieces[i + 1];
      if (prev && chain(prev, p) && chain(p, next) && rankOf(t.f.slice(prev.start, prev.end)) === 1 && rankOf(t.f.slice(p.start, p.end)) === 2 && rankOf(t.f.slice(next!.start, next!.end)) === 3) {
        prev.end = next!.end;
        i++;
        continue;
      }
      if (prev && prev.group === undefined && p.group === undefined && !p.hard && !this.startsItem(t.o.slice(p.start, p.end))) {
        const whole = t.o.slice(prev.start, p.end);
        if (this.resolves(whole) || !this.resolves(t.o.slice(prev.start, prev.end))) {
          prev.end = p.end;
          continue;
        }
      }
      joined.push({ ...p });
    }
    return joined.flatMap((p): Item[] => {
      if (p.group !== undefined) {
        const g = groups[p.group];
        return g ? [this.group(g)] : [];
      }
      const item = this.piece(t.o.slice(p.start, p.end));
      return item ? [item] : [];
    });
  }

  private group(g: Group): Item {
    const name = cleanName(g.text, false);
    if (g.kind === 'vague') {
      this.warn({
        vi: `«${name}» không chỉ rõ đơn vị nào; giữ nguyên tên`,
        en: `"${name}" names no unit in particular; kept by name`,
      });
      return { name };
    }
    const units = this.org.units;
    const district = (u: Unit) => u.kind === 'UBND cấp huyện';
    let codes: string[] = [];
    if (g.kind === 'dept' && !this.index.province) codes = units.map((u) => u.code);
    if (this.index.province) {
      if (g.kind === 'prov') codes = units.filter((u) => !district(u)).map((u) => u.code);
      if (g.kind === 'dist') codes = units.filter(district).map((u) => u.code);
      if (g.kind === 'both') codes = units.map((u) => u.code);
    }
    return codes.length ? { codes } : { name };
  }

  private piece(raw: string): Item | undefined {
    const name = cleanName(raw, true);
    const f = fold(name);
    if (!f || /^(?:don vi|vi|cac|va|voi)$/.test(f)) return undefined;
    const m = matchDetail(name, this.org);
    if (m.unit) {
      if (!m.exact)
        this.warn({
          vi: `Hiểu «${name}» là ${m.unit.name} (${m.unit.code})`,
          en: `Took "${name}" to mean ${m.unit.name} (${m.unit.code})`,
        });
      return { codes: [m.unit.code] };
    }
    if (m.ambiguous) {
      const list = m.ambiguous.map((u) => `${u.name} (${u.code})`).join(', ');
      this.warn({
        vi: `«${name}» gần giống nhiều đơn vị: ${list}; giữ nguyên tên`,
        en: `"${name}" is as close to several units: ${list}; kept by name`,
      });
      return { name };
    }
    if (this.outside(f)) return { name };
    const prefix = PREFIX_RE.exec(f)?.[0].trim();
    if ((prefix && this.index.ownPrefixes.has(prefix)) || /^\p{Lu}{2,}$/u.test(name))
      this.warn({
        vi: `Không có đơn vị «${name}» trong sơ đồ tổ chức; giữ nguyên tên`,
        en: `No unit "${name}" in the org chart; kept by name`,
      });
    else
      this.warn({
        vi: `Không hiểu «${name}» là đơn vị nào; giữ nguyên tên`,
        en: `Could not tell which unit "${name}" is; kept by name`,
      });
    return { name };
  }

  /** An agency outside the org, named without need for a warning. */
  private outside(f: string): boolean {
    const always =
      /^(?:cac\s+)?(?:bo|tong cuc|cuc|chinh phu|thu tuong|quoc hoi|tinh uy|thanh uy|huyen uy|tinh doan|doan|hoi|lien doan|mat tran|buu dien|vnpt|viettel|mobifone|kho bac|bao hiem|ngan hang|toa an|vien kiem sat|dai|bao|cong ty|doanh nghiep)\b/.test(f) ||
      /\b(?:trung uong|quoc gia|chinh phu)\b/.test(f);
    if (always) return true;
    if (this.index.province) return /^(?:ubnd|hdnd|uy ban nhan dan) tinh$|\bcap xa\b|\bxa, phuong\b|\bphuong, xa\b/.test(f);
    return /^(?:cac\s+)?(?:so|cong an|ubnd|hdnd|uy ban)\b/.test(f) || /\b(?:tinh|ubnd|hdnd|huyen|thi xa|thanh pho)\b/.test(f);
  }
}

const REFERRED = /^theo (?:phan cong|su phan cong|quy dinh|chuc nang)\b.*\b(?:quyet dinh|ke hoach|phuong an|chuong trinh|van ban|so)\b/;

/**
 * Reads a "Đơn vị thực hiện" phrase against an org chart: the lead units (or 'all'), the supporting units
 * and agencies, the outside agencies that lead, and warnings for whatever was guessed or not understood.
 */
export function resolveUnits(text: string, org: Org): UnitResolution {
  const reader = new Reader(org);
  // "Theo phân công tại Quyết định số …": the units are in another document.
  if (REFERRED.test(fold(tidy(text)))) {
    reader.warn({
      vi: `«${tidy(text)}»: đơn vị được giao ở văn bản khác; hãy chọn đơn vị chủ trì`,
      en: `"${tidy(text)}": the units are assigned in another document; choose the lead unit`,
    });
    return { lead: [], support: [], external: [], warnings: reader.warnings };
  }
  let t = Aligned.of(tidy(joinLines(text)));
  t = t.replace(/\([^)]*\)?/g, () => ' ');
  // A task that quotes the province's assignment ("-Đơn vị chủ trì: …-Đơn vị phối hợp: …") and then gives
  // its own ("Đơn vị thực hiện: …"): the last "thực hiện" line is the one that counts.
  let own: RegExpExecArray | null = null;
  for (const m of t.f.matchAll(OWN_LABEL)) own = m;
  if (own && own.index > 0) t = t.slice(own.index);
  t = t.replace(LABEL, () => ' ');
  const split = SUPPORT.exec(t.f);
  const leadPart = split ? t.slice(0, split.index) : t;
  const supportPart = split ? t.slice(split.index + split[0].length).replace(new RegExp(SUPPORT.source, 'g'), () => ` ${NL} `) : Aligned.of('');

  const leadCodes: string[] = [];
  const external: string[] = [];
  for (const item of reader.read(leadPart)) {
    if ('codes' in item) leadCodes.push(...item.codes.filter((c) => !leadCodes.includes(c)));
    else if (!external.includes(item.name)) external.push(item.name);
  }
  const support: string[] = [];
  for (const item of reader.read(supportPart)) {
    const add = 'codes' in item ? item.codes.filter((c) => !leadCodes.includes(c)) : [item.name];
    for (const x of add) if (!support.includes(x) && !external.includes(x)) support.push(x);
  }
  if (!leadCodes.length && !external.length)
    reader.warn({ vi: 'Không thấy đơn vị chủ trì', en: 'No lead unit found' });
  const all = org.units.every((u) => leadCodes.includes(u.code));
  return { lead: all ? 'all' : leadCodes, support, external, warnings: reader.warnings };
}
