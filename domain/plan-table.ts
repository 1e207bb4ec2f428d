// Tasks in tables of any layout. Each table's header is read anew: every header cell is classified
// by its meaning (ordinal, task, lead, support, deadline, result or product, level, note) in any
// order and number of columns, a second header line ("Chủ trì | Phối hợp" under "Cơ quan thực
// hiện") refines it, a header repeated on every page is skipped. Rows: a Roman numeral opens a
// group, a number opens a task, a row without one continues the task above. Merged cells (a unit
// named once for a block of rows) count for every row they cover. A table whose header names no
// task and no lead (a schedule, a list of schools) gives no tasks.
import type { Table, TableCell } from './document.js';
import type { RawTask } from './raw-plan.js';
import { fold, tidy } from './text.js';

export type ColumnMeaning = 'ordinal' | 'task' | 'lead' | 'support' | 'deadline' | 'result' | 'level' | 'note';

/** What a header cell means; the order of the checks matters ("Thời gian thực hiện" is a deadline, "Cơ quan phối hợp" support). */
export function columnMeaning(header: string): ColumnMeaning | undefined {
  const f = fold(header).replace(/\s+/g, ' ').trim();
  if (!f) return undefined;
  if (/^(s?tt|so tt|so thu tu|stt)\b\.?$/.test(f)) return 'ordinal';
  if (/phoi hop/.test(f)) return 'support';
  if (/thoi gian|thoi han|tien do|han hoan thanh|moc hoan thanh|lo trinh/.test(f)) return 'deadline';
  if (/ket qua|san pham|dau ra|hinh thuc van ban/.test(f)) return 'result';
  if (/cap do|muc do|muc uu tien/.test(f)) return 'level';
  if (/ghi chu/.test(f)) return 'note';
  if (/nhiem vu|noi dung|hoat dong|cong viec|giai phap|ten (de an|chuong trinh)|danh muc/.test(f)) return 'task';
  if (/chu tri|thuc hien|phu trach|trach nhiem|don vi|co quan|duoc giao/.test(f)) return 'lead';
  return undefined;
}

type Columns = Partial<Record<ColumnMeaning, number>>;

function headerColumns(cells: string[]): Columns | undefined {
  // Header cells are short names of columns; a data row has long texts and starts with its number.
  const filled = cells.filter(Boolean);
  if (filled.some((c) => c.split(' ').length > 10) || ORDINAL.test(cells[0] ?? '') || (!!cells[0] && ROMAN.test(cells[0]))) return undefined;
  const cols: Columns = {};
  cells.forEach((c, i) => {
    const m = columnMeaning(c);
    // A merged header cell repeats over its columns: the first one carries the meaning.
    if (m && cols[m] === undefined) cols[m] = i;
  });
  const named = cells.filter((c) => columnMeaning(c)).length;
  if (cols.task === undefined || (cols.lead === undefined && cols.deadline === undefined)) return undefined;
  return named * 2 >= filled.length ? cols : undefined;
}

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})\.?$/u;
const ORDINAL = /^(\d{1,3})(?:[.)]|\.\d{1,2}\.?)?$|^(\d{1,3}\.\d{1,2})\.?$/u;

const texts = (row: TableCell[]): string[] => row.map((c) => tidy(c.text.replace(/\s*\n\s*/g, ' ')));

/** Raw tasks of every task table of a document, in order; refs "<section>.<n>" as the tables number them. */
export function tableTasks(tables: Table[]): RawTask[] {
  const tasks: RawTask[] = [];
  for (const table of tables) {
    let cols: Columns | undefined;
    let headerKey = '';
    let section = '';
    let group: string | undefined;
    let current: RawTask | undefined;
    let currentRow = -1;
    let width = 0;
    let lastHeader = -2;
    const seen = new Map<string, Columns>();
    table.rows.forEach((row, r) => {
      const cells = texts(row);
      const cols2 = headerColumns(cells);
      if (cols2) {
        const key = cells.join('|');
        if (seen.has(key)) cols = seen.get(key)!; // the same header repeated on a new page
        else if (lastHeader === r - 1 && cols) {
          // The second line of a two-line header refines the first ("Chủ trì | Phối hợp" under "Cơ quan thực hiện").
          cols = { ...cols, ...cols2 };
          seen.set(headerKey, cols);
        } else {
          // A new table in the same grid.
          cols = cols2;
          width = cells.length;
          section = '';
          group = undefined;
        }
        seen.set(key, cols);
        headerKey = key;
        lastHeader = r;
        current = undefined;
        return;
      }
      if (!cols) return;
      const cell = (m: ColumnMeaning) => (cols![m] !== undefined ? cells[cols![m]!] || undefined : undefined);
      // "Chủ trì | Phối hợp" under a merged "Cơ quan thực hiện": refine the header.
      const sub = cells.map((c) => columnMeaning(c));
      if (!current && sub.some((m) => m === 'lead' || m === 'support') && !sub.includes('task') && !cells.some((c) => ORDINAL.test(c))) {
        sub.forEach((m, i) => {
          if (m === 'lead' || m === 'support') cols![m] = i;
        });
        return;
      }
      const first = cells[cols.ordinal ?? 0] ?? '';
      const firstIsOrigin = !row[cols.ordinal ?? 0]?.from;
      if (ROMAN.test(first) && first && firstIsOrigin) {
        section = first.replace(/\.$/, '').toUpperCase();
        // The group title: the first other cell with text (a section row spans the table).
        group = cells.find((c, i) => i !== (cols!.ordinal ?? 0) && c && c !== first);
        current = undefined;
        return;
      }
      const n = ORDINAL.exec(first);
      if (n && firstIsOrigin) {
        const no = (n[1] ?? n[2])!;
        current = {
          ref: section ? `${section}.${no}` : no,
          ...(group ? { group } : {}),
          source: { ...table.source, row: r },
          how: { units: 'column', deadline: 'column' },
          content: cell('task') ?? '',
          ...(cell('lead') ? { unitsText: cell('lead')! } : {}),
          ...(cell('support') ? { supportText: cell('support')! } : {}),
          ...(cell('deadline') ? { deadlineText: cell('deadline')! } : {}),
        };
        tasks.push(current);
        currentRow = r;
        return;
      }
      // A row with no number: the task above continues (a row broken over a page, or a merged block).
      if (!current) {
        // A table that does not number its rows: every row with a task text is a task.
        if (cols.ordinal === undefined && cell('task')) {
          current = { ref: `${tasks.length + 1}`, source: { ...table.source, row: r }, how: { units: 'column', deadline: 'column' }, content: cell('task')!, ...(cell('lead') ? { unitsText: cell('lead')! } : {}), ...(cell('support') ? { supportText: cell('support')! } : {}), ...(cell('deadline') ? { deadlineText: cell('deadline')! } : {}) };
          tasks.push(current);
          currentRow = r;
        }
        return;
      }
      // A plain-text row broken over two lines (fewer cells than the header): its text fills what the task lacks.
      if (row.length < width) {
        for (const text of cells.filter(Boolean)) continueBrokenRow(current, text);
        return;
      }
      // A deadline that slipped out of its column (a row broken by hand): it is still the deadline.
      const stray = cells.filter(Boolean);
      if (!current.deadlineText && !cell('deadline') && stray.length === 1 && DEADLINE_LIKE.test(fold(stray[0]!))) {
        current.deadlineText = stray[0]!;
        return;
      }
      // The same task (number and text merged down) given to another unit with its own product or deadline:
      // one more task, with the task's text.
      const leadCell = cols.lead !== undefined ? row[cols.lead] : undefined;
      const taskCell = cols.task !== undefined ? row[cols.task] : undefined;
      if (taskCell?.from && leadCell && !leadCell.from && tidy(leadCell.text)) {
        const base = current.ref.replace(/-\d+$/, '');
        const n = tasks.filter((t) => t.ref === base || t.ref.startsWith(`${base}-`)).length + 1;
        current = {
          ref: `${base}-${n}`,
          ...(current.group ? { group: current.group } : {}),
          source: { ...table.source, row: r },
          how: { units: 'column', deadline: 'column' },
          content: current.content,
          unitsText: tidy(leadCell.text),
          ...(cell('support') ? { supportText: cell('support')! } : {}),
          ...(cell('deadline') ? { deadlineText: cell('deadline')! } : {}),
        };
        tasks.push(current);
        currentRow = r;
        return;
      }
      const prev = table.rows[currentRow];
      const append = (m: ColumnMeaning, key: 'content' | 'unitsText' | 'supportText' | 'deadlineText') => {
        const i = cols![m];
        if (i === undefined) return;
        const c = row[i];
        // A merged cell continuing down repeats the text already taken.
        if (!c || !tidy(c.text) || (c.from && prev?.[i] && (prev[i]!.from ?? [currentRow, i]).join() === c.from.join())) return;
        current![key] = tidy(`${current![key] ?? ''} ${tidy(c.text)}`);
      };
      append('task', 'content');
      append('lead', 'unitsText');
      append('support', 'supportText');
      append('deadline', 'deadlineText');
    });
  }
  return tasks;
}

const DEADLINE_LIKE = /^(?:(?:tu|truoc|trong|den|cap \S+ tu)\s.*\d{4}|(?:quy|thang|nam)\s.*\d{4}|thuong xuyen|hang (?:thang|quy|nam))/;

/** Where the text of a broken row goes: a deadline-looking phrase to the deadline, else the first field still empty. */
function continueBrokenRow(task: RawTask, text: string): void {
  const looksLikeDeadline = /(thang|quy|nam|ngay|thuong xuyen|hang|dinh ky|khi co|theo lo trinh|\d{1,2}\/\d{4})/.test(fold(text));
  if (!task.deadlineText && looksLikeDeadline) task.deadlineText = text;
  else if (!task.unitsText) task.unitsText = text;
  else if (!task.supportText) task.supportText = text;
  else if (!task.deadlineText) task.deadlineText = text;
  else task.content = tidy(`${task.content} ${text}`);
}
