// Vietnamese phone numbers as Zalo's template-by-phone API wants them: "84" + the national
// number, digits only. Mobile numbers have 9 national digits (09x, 03x, 05x, 07x, 08x), landlines
// 10 (02xx); anything else is not a number Zalo can reach.

const NATIONAL = /^[235789]\d{8}$|^2\d{9}$/;

/** "0912 345 678", "+84 912.345.678", "(0292) 3 123 456" → "84912345678"; undefined when not a Vietnamese number. */
export function normalisePhone(raw: string | number | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (text.length === 0 || text.length > 32 || /[^\d\s+().\-]/.test(text)) return undefined;
  let digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) {
    if (!digits.startsWith('84')) return undefined;
    digits = digits.slice(2);
  } else if (digits.startsWith('0084')) digits = digits.slice(4);
  else if (digits.startsWith('84') && digits.length >= 11) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  else return undefined;
  return NATIONAL.test(digits) ? `84${digits}` : undefined;
}

/** "84912345678" → "0912 345 678" (how people write it). */
export function displayPhone(p: string): string {
  const national = `0${p.slice(2)}`;
  return national.length === 10 ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}` : national;
}

/** "84912345678" → "0912 *** 678": enough for a person to recognise their own number in a log or a page. */
export function maskPhone(p: string): string {
  const d = displayPhone(p);
  return d.length > 8 ? `${d.slice(0, 4)} *** ${d.slice(-3)}` : d;
}
