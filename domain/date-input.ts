// Dates as people type them: "30/6/2024", "30-06-2024", "2024-06-30".
import { isValidIsoDate, type IsoDate } from './calendar.js';

export type DateInput = { ok: true; date: IsoDate } | { ok: false; vi: string; en: string };

export function parseDateInput(text: string): DateInput {
  const t = text.trim();
  let y: string | undefined, m: string | undefined, d: string | undefined;
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (vn) [, d, m, y] = vn;
  else if (iso) [, y, m, d] = iso;
  else return { ok: false, vi: `«${shown(t)}» không phải là ngày (viết dạng ngày/tháng/năm, ví dụ 30/6/2024).`, en: `"${shown(t)}" is not a date (dd/mm/yyyy or yyyy-mm-dd)` };
  const date = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  if (!isValidIsoDate(date)) return { ok: false, vi: `Ngày ${d}/${m}/${y} không tồn tại.`, en: `${date} does not exist` };
  return { ok: true, date };
}

/** The text echoed back inside a message: short, so a pasted essay does not fill it. */
function shown(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
