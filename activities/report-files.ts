// A report as files: a DOCX laid out as Nghị định 30/2020/NĐ-CP prescribes for an administrative
// report (a short narrative with the figures, then an appendix table), and an XLSX of the same data.
import {
  AlignmentType,
  BorderStyle,
  convertMillimetersToTwip,
  Document,
  Header,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  UnderlineType,
  WidthType,
} from 'docx';
import ExcelJS from 'exceljs';
import { formatDate } from '../domain/notification.js';
import { REPORT_STATUS_LABELS, type AppendixRow, type ReportData } from '../domain/report.js';
import { ESCALATION_LABELS, TASK_STATUSES, type TaskStatus } from '../domain/status.js';

const FONT = 'Times New Roman';
const SIZE = 28; // half-points: 14 pt for the body
const SMALL = 24; // 12 pt in tables
const label = (s: TaskStatus) => REPORT_STATUS_LABELS[s];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** "Triển khai …" inside a sentence; an acronym or a name ("Đề án 06", "UBND") keeps its capital. */
const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

type Align = (typeof AlignmentType)[keyof typeof AlignmentType];

const run = (t: string, o: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}) =>
  new TextRun({
    text: t,
    font: FONT,
    size: o.size ?? SIZE,
    ...(o.bold ? { bold: true } : {}),
    ...(o.italics ? { italics: true } : {}),
    ...(o.underline ? { underline: { type: UnderlineType.SINGLE } } : {}),
  });

const para = (runs: TextRun[], align: Align = AlignmentType.JUSTIFIED, indent = true) =>
  new Paragraph({ children: runs, alignment: align, spacing: { after: 80, line: 300 }, ...(indent ? { indent: { firstLine: convertMillimetersToTwip(10) } } : {}) });
const centered = (runs: TextRun[]) => para(runs, AlignmentType.CENTER, false);

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

/**
 * Table text by paragraph style, not by properties on every run: an appendix of 10,000 rows is
 * 50,000 cells, and the properties repeated in each were a third of the time to write the file.
 */
const CELL_STYLES = [
  { id: 'cell', name: 'Table text', run: { size: SMALL }, paragraph: { spacing: { after: 20 } } },
  { id: 'cellBold', name: 'Table text bold', run: { size: SMALL, bold: true }, paragraph: { spacing: { after: 20 } } },
  { id: 'cellHead', name: 'Table heading', run: { size: SMALL, bold: true }, paragraph: { spacing: { after: 20 }, alignment: AlignmentType.CENTER } },
];

const cellOf = (t: string, o: { style?: 'cell' | 'cellBold' | 'cellHead'; span?: number } = {}) =>
  new TableCell({
    ...(o.span ? { columnSpan: o.span } : {}),
    children: t.split('\n').map((line) => new Paragraph({ style: o.style ?? 'cell', children: [new TextRun(line)] })),
  });

/** Text width in twips: A4 less the margins, portrait (210 − 30 − 15 mm) and landscape (297 − 20 − 15 mm). */
const PORTRAIT_WIDTH = convertMillimetersToTwip(165);
const LANDSCAPE_WIDTH = convertMillimetersToTwip(262);
/** Shares of a width, in twips (Word reads the grid's columns, not percentages). */
const shares = (total: number, parts: number[]) => parts.map((p) => Math.round((total * p) / parts.reduce((a, b) => a + b, 0)));

function grid(head: string[], rows: (string[] | { group: string } | { total: string })[], widths: number[]): Table {
  return new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: head.map((h) => cellOf(h, { style: 'cellHead' })) }),
      ...rows.map((r) =>
        Array.isArray(r)
          ? new TableRow({ cantSplit: true, children: r.map((c) => cellOf(c)) })
          : new TableRow({ children: [cellOf('group' in r ? r.group : r.total, { style: 'cellBold', span: head.length })] }),
      ),
    ],
  });
}

/** Two blocks side by side without borders: the letterhead, the signature. */
function sideBySide(parts: [number, number], left: Paragraph[], right: Paragraph[]): Table {
  return new Table({
    width: { size: PORTRAIT_WIDTH, type: WidthType.DXA },
    borders: NO_BORDERS,
    columnWidths: shares(PORTRAIT_WIDTH, parts),
    rows: [new TableRow({ children: [left, right].map((children) => new TableCell({ borders: NO_BORDERS, children })) })],
  });
}

/** "Kế hoạch số 12/KH-SNV ngày 05/3/2024": what a blank number or a missing date leaves out. */
function planReference(d: ReportData): string {
  const number = /\d/.test(d.plan.documentNumber) ? ` số ${d.plan.documentNumber}` : '';
  const date = d.plan.documentDate ? ` ngày ${formatDate(d.plan.documentDate)}` : '';
  return `Kế hoạch${number}${date}`;
}

/** The object of "Kết quả thực hiện …": the plan's own title when it says "Kế hoạch", else "Kế hoạch <title>". */
function planObject(title: string): string {
  return /^kế hoạch\b/iu.test(title) ? title : `Kế hoạch ${lowerFirst(title)}`;
}

function appendixRows(groups: ReportData['appendix']): (string[] | { group: string })[] {
  const out: (string[] | { group: string })[] = [];
  let n = 0;
  for (const g of groups) {
    out.push({ group: g.unitName });
    for (const r of g.rows) out.push(appendixRow(r, ++n));
  }
  return out;
}

function appendixRow(r: AppendixRow, n: number): string[] {
  const units = r.units.length === 1 ? cap(label(r.units[0]!.status)) : r.units.map((u) => `${u.unitName}: ${label(u.status)}`).join('\n');
  const due = r.due ? `${formatDate(r.due)}${r.extended ? ' (đã gia hạn)' : ''}` : r.deadlineText;
  return [String(n), `${r.ref} ${r.title}`, units, due, r.result];
}

export async function reportDocx(d: ReportData): Promise<Buffer> {
  const head = d.letterhead;
  const c = d.counts;
  const done = c.done_on_time + c.done_late;
  const open = c.not_due + c.due_soon;
  const late = d.late.slice(0, 10);
  const next = d.next.rows.slice(0, 10);
  const title = `Kết quả thực hiện ${planObject(d.plan.title)} ${d.period.label}`;
  const letterhead = sideBySide(
    [40, 60],
    [
      ...(d.agency.parent ? [centered([run(d.agency.parent.toUpperCase(), { size: 26 })])] : []),
      centered([run(d.agency.name.toUpperCase(), { bold: true, size: 26 })]),
      centered([run(`Số:      /${head.numberSuffix}`, { size: 26 })]),
    ],
    [
      centered([run('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, size: 24 })]),
      centered([run('Độc lập - Tự do - Hạnh phúc', { bold: true, underline: true })]),
      centered([run(head.placeDate, { italics: true })]),
    ],
  );
  const signature = sideBySide(
    [50, 50],
    [
      new Paragraph({ children: [run('Nơi nhận:', { bold: true, italics: true, size: 24 })] }),
      ...head.copies.map((x, i) => new Paragraph({ children: [run(`- ${x}${i === head.copies.length - 1 ? '.' : ';'}`, { size: 22 })] })),
    ],
    [
      ...(head.signer.on ? [centered([run(head.signer.on, { bold: true })])] : []),
      centered([run(head.signer.title, { bold: true })]),
      centered([run('')]),
      centered([run('')]),
      centered([run('')]),
      centered([run(head.signer.name, { bold: true })]),
    ],
  );
  const pageNumber = new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: 26 })] })] });
  const margins = { top: convertMillimetersToTwip(20), bottom: convertMillimetersToTwip(20), left: convertMillimetersToTwip(30), right: convertMillimetersToTwip(15) };
  const doc = new Document({
    creator: d.agency.name,
    title,
    styles: { default: { document: { run: { font: FONT, size: SIZE } } }, paragraphStyles: CELL_STYLES },
    sections: [
      {
        // Nghị định 30/2020: A4 portrait, the margins above, the page number at the top from page 2.
        properties: { titlePage: true, page: { size: { orientation: PageOrientation.PORTRAIT }, margin: margins } },
        headers: { default: pageNumber, first: new Header({ children: [] }) },
        children: [
          letterhead,
          centered([run('')]),
          centered([run('BÁO CÁO', { bold: true })]),
          centered([run(title, { bold: true })]),
          centered([run(`(Kỳ báo cáo: ${d.period.label}, từ ${formatDate(d.period.start)} đến ${formatDate(d.period.end)}; số liệu đến ngày ${formatDate(d.asOf)})`, { italics: true, size: 26 })]),
          centered([run(`Kính gửi: ${head.to.join('; ')}.`)]),
          para([run(`Thực hiện ${planReference(d)} của ${d.agency.name} về ${lowerFirst(d.plan.title.replace(/^kế hoạch\s+/iu, ''))}, ${d.agency.name} báo cáo kết quả thực hiện ${d.period.label} như sau:`)]),
          para([run('I. KẾT QUẢ ĐẠT ĐƯỢC', { bold: true })], AlignmentType.LEFT),
          para([run(`- Tổng số nhiệm vụ (tính theo đơn vị thực hiện): ${d.total}.`)]),
          para([run(`- Trong kỳ có ${d.dueInPeriod} nhiệm vụ đến hạn, đã hoàn thành ${d.doneInPeriod}; trong kỳ đã hoàn thành ${d.completedInPeriod} nhiệm vụ.`)]),
          para([run(`- Đến ngày ${formatDate(d.asOf)}: Đã hoàn thành: ${done} (đúng hạn: ${c.done_on_time}; quá hạn: ${c.done_late}). Quá hạn: ${c.overdue}. Chờ duyệt: ${c.awaiting_approval}. Đang thực hiện, chưa đến hạn: ${open}. Chờ văn bản hướng dẫn: ${c.awaiting_activation}.${c.cancelled ? ` Đã hủy: ${c.cancelled}.` : ''}`)]),
          grid(
            ['Đơn vị', 'Tổng số', 'Hoàn thành', 'Quá hạn', 'Chờ duyệt', 'Chưa đến hạn'],
            d.byUnit.map((u) => [u.unitName, String(u.total), String(u.counts.done_on_time + u.counts.done_late), String(u.counts.overdue), String(u.counts.awaiting_approval), String(u.counts.not_due + u.counts.due_soon)]),
            shares(PORTRAIT_WIDTH, [40, 12, 12, 12, 12, 12]),
          ),
          centered([run('', { size: 12 })]),
          para([run('II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN', { bold: true })], AlignmentType.LEFT),
          ...(late.length
            ? [
                para([run(`- Còn ${d.late.length} nhiệm vụ quá hạn${d.late.length > late.length ? ` (nêu ${late.length} nhiệm vụ; đủ tại Phụ lục)` : ''}:`)]),
                ...late.map((r) => para([run(`+ ${r.ref} ${r.title} (${r.unitName}, hạn ${r.due ? formatDate(r.due) : r.deadlineText})${r.lateReason ? `: ${r.lateReason}` : '.'}`)])),
              ]
            : [para([run('- Không có nhiệm vụ quá hạn.')])]),
          ...(c.awaiting_activation ? [para([run(`- ${c.awaiting_activation} nhiệm vụ chờ văn bản hướng dẫn của cấp trên để triển khai.`)])] : []),
          para([run('III. KIẾN NGHỊ, ĐỀ XUẤT', { bold: true })], AlignmentType.LEFT),
          ...(c.overdue || c.awaiting_activation
            ? [
                ...(c.overdue ? [para([run(`- ${d.agency.name} tiếp tục chỉ đạo các đơn vị khẩn trương hoàn thành ${c.overdue} nhiệm vụ quá hạn; đề nghị ${head.to[0]} xem xét, tháo gỡ các khó khăn nêu tại mục II.`)])] : []),
                ...(c.awaiting_activation ? [para([run(`- Đề nghị ${head.to[0]} sớm có văn bản hướng dẫn để triển khai ${c.awaiting_activation} nhiệm vụ đang chờ.`)])] : []),
              ]
            : [para([run('- Không có kiến nghị.')])]),
          para([run(`IV. NHIỆM VỤ TRỌNG TÂM ${d.next.label.toUpperCase()}`, { bold: true })], AlignmentType.LEFT),
          ...(next.length
            ? [
                para([run(`- ${d.next.rows.length} nhiệm vụ đến hạn trong ${d.next.label}:`)]),
                ...next.map((r) => para([run(`+ ${r.ref} ${r.title} (${r.unitName}, hạn ${formatDate(r.due!)}).`)])),
              ]
            : [para([run('- Tiếp tục thực hiện các nhiệm vụ còn lại của Kế hoạch.')])]),
          para([run(`Trên đây là báo cáo ${title.charAt(0).toLowerCase()}${title.slice(1)} của ${d.agency.name}./.`)]),
          centered([run('')]),
          signature,
        ],
      },
      {
        // The appendix: one row per task, grouped by unit, with totals; landscape for the table.
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { ...margins, left: convertMillimetersToTwip(20) } } },
        headers: { default: pageNumber },
        children: [
          centered([run('PHỤ LỤC', { bold: true })]),
          centered([run(`KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ ${d.period.label.toUpperCase()}`, { bold: true })]),
          centered([run(`(Kèm theo Báo cáo số      /${head.numberSuffix} ${head.placeDate.replace(/^.*?,\s*/u, '')} của ${d.agency.name})`, { italics: true, size: 26 })]),
          grid(
            ['TT', 'Nhiệm vụ', 'Đơn vị chủ trì, tình trạng', 'Thời hạn', 'Kết quả'],
            [
              ...appendixRows(d.appendix),
              {
                total: `Tổng cộng: ${d.appendix.reduce((n, g) => n + g.rows.length, 0)} nhiệm vụ, ${d.total} lượt đơn vị thực hiện; hoàn thành ${done}, quá hạn ${c.overdue}, chờ duyệt ${c.awaiting_approval}, chưa đến hạn ${open}, chờ văn bản hướng dẫn ${c.awaiting_activation}.`,
              },
            ],
            shares(LANDSCAPE_WIDTH, [6, 38, 20, 12, 24]),
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** An ISO date as a date cell (Excel sorts and filters it as a date). */
const dateCell = (iso: string | undefined): Date | string => {
  if (!iso) return '';
  const [y, m, day] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, day));
};

function sheetSetup(ws: ExcelJS.Worksheet, headerRow: number, columns: number): void {
  ws.views = [{ state: 'frozen', ySplit: headerRow }];
  ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: columns } };
  ws.pageSetup = { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${headerRow}:${headerRow}` };
  const head = ws.getRow(headerRow);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', wrapText: true };
}

export async function reportXlsx(d: ReportData): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = d.agency.name;
  const summary = book.addWorksheet('Tổng hợp');
  summary.addRow([`Báo cáo ${d.period.label}: ${d.plan.title} (số liệu đến ngày ${formatDate(d.asOf)})`]).font = { bold: true };
  summary.addRow([]);
  summary.addRow(['Đơn vị', 'Tổng số', ...TASK_STATUSES.map((s) => cap(label(s)))]);
  for (const u of d.byUnit) summary.addRow([u.unitName, u.total, ...TASK_STATUSES.map((s) => u.counts[s])]);
  summary.addRow(['Tổng cộng', d.total, ...TASK_STATUSES.map((s) => d.counts[s])]).font = { bold: true };
  summary.columns.forEach((col, i) => (col.width = i === 0 ? 42 : 14));
  sheetSetup(summary, 3, 2 + TASK_STATUSES.length);

  const tasks = book.addWorksheet('Nhiệm vụ');
  tasks.addRow(['Số hiệu', 'Nhiệm vụ', 'Đơn vị chủ trì', 'Người thực hiện', 'Thời hạn', 'Văn bản ghi', 'Đã gia hạn', 'Tiến độ, kết quả', 'Tình trạng', 'Đã báo cáo đến']);
  for (const r of d.rows)
    tasks.addRow([
      r.ref,
      r.title,
      r.unitName,
      r.assignee,
      dateCell(r.due),
      r.deadlineText,
      r.extended ? 'Có' : '',
      r.result,
      cap(label(r.status)),
      r.escalationLevel > 0 ? (ESCALATION_LABELS[r.escalationLevel] ?? '') : '',
    ]);
  const widths = [12, 50, 30, 22, 12, 24, 10, 40, 22, 22];
  tasks.columns.forEach((col, i) => {
    col.width = widths[i]!;
    col.alignment = { vertical: 'top', wrapText: true };
  });
  tasks.getColumn(5).numFmt = 'dd/mm/yyyy';
  sheetSetup(tasks, 1, widths.length);
  return Buffer.from(await book.xlsx.writeBuffer());
}
