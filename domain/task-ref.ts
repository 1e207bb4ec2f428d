// The order of plan task refs ("II.1.(3)", "III.2.a"), the one every list of tasks uses.
const collator = new Intl.Collator('vi');
const ROMAN_DIGITS: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

/** Value of an upper-case Roman numeral ("IX" → 9), as plan section heads are numbered. */
function romanValue(s: string): number | undefined {
  if (!/^[IVXLCDM]+$/.test(s)) return undefined;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN_DIGITS[s[i]!]!;
    const next = ROMAN_DIGITS[s[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

function refParts(ref: string): string[] {
  return ref.match(/\d+|[^\d.()\s]+/g) ?? [];
}

/** A ref read once: its parts, numbers (Arabic or Roman) as numbers. */
type RefKey = { ref: string; parts: { n: number | undefined; s: string }[] };

function refKey(ref: string): RefKey {
  return { ref, parts: refParts(ref).map((s) => ({ n: /^\d+$/.test(s) ? Number(s) : romanValue(s), s })) };
}

function compareRefKeys(a: RefKey, b: RefKey): number {
  const pa = a.parts;
  const pb = b.parts;
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const c = x.n !== undefined && y.n !== undefined ? x.n - y.n : collator.compare(x.s, y.s);
    if (c !== 0) return c;
  }
  return pa.length - pb.length || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

/**
 * "II.2.(10)" after "II.2.(9)" and "IX" after "V": numbers (Arabic or Roman) compare as numbers,
 * the rest in Vietnamese order ("đ" after "d"), a shorter ref first.
 */
export function compareTaskRefs(a: string, b: string): number {
  return compareRefKeys(refKey(a), refKey(b));
}

/**
 * compareTaskRefs for one sort: each ref is read once, not on every comparison (10,000 rows:
 * ~80 ms → a few ms). Take a new one per sort; it keeps every ref it has seen.
 */
export function refOrder(): (a: string, b: string) => number {
  const keys = new Map<string, RefKey>();
  const keyOf = (ref: string): RefKey => {
    let k = keys.get(ref);
    if (!k) keys.set(ref, (k = refKey(ref)));
    return k;
  };
  return (a, b) => compareRefKeys(keyOf(a), keyOf(b));
}
