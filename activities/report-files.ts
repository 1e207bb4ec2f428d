// A report as files: a DOCX laid out like a Vietnamese administrative report, and an XLSX with the same data.
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
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
import type { ReportData } from '../domain/report.js';
import { STATUS_LABELS, TASK_STATUSES } from '../domain/status.js';

const FONT = 'Times New Roman';
const SIZE = 26; // half-points: 13 pt, the administrative standard

const text = (t: string, o: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}) =>
  new TextRun({
    text: t,
    font: FONT,
    size: o.size ?? SIZE,
    ...(o.bold ? { bold: true } : {}),
    ...(o.italics ? { italics: true } : {}),
    ...(o.underline ? { underline: { type: UnderlineType.SINGLE } } : {}),
  });

const para = (runs: TextRun[], align: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.LEFT) =>
  new Paragraph({ children: runs, alignment: align, spacing: { after: 60 } });

const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER };

function cell(t: string, bold = false): TableCell {
  return new TableCell({ children: [para([text(t, { bold, size: 22 })])] });
}

function grid(head: string[], rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: head.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
  });
}

function compiledOnLine(d: ReportData): string {
  const [y, m, day] = d.compiledOn.split('-');
  return `${d.agency.place ?? ''}${d.agency.place ? ', ' : ''}ngày ${day} tháng ${m} năm ${y}`;
}

export async function reportDocx(d: ReportData): Promise<Buffer> {
  const header = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          new TableCell({
            borders: NO_BORDERS,
            children: [
              ...(d.agency.parent ? [para([text(d.agency.parent.toUpperCase())], AlignmentType.CENTER)] : []),
              para([text(d.agency.name.toUpperCase(), { bold: true })], AlignmentType.CENTER),
              para([text('Số:      /BC')], AlignmentType.CENTER),
            ],
          }),
          new TableCell({
            borders: NO_BORDERS,
            children: [
              para([text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true })], AlignmentType.CENTER),
              para([text('Độc lập - Tự do - Hạnh phúc', { bold: true, underline: true })], AlignmentType.CENTER),
              para([text(compiledOnLine(d), { italics: true })], AlignmentType.CENTER),
            ],
          }),
        ],
      }),
    ],
  });
  const done = d.counts.done_on_time + d.counts.done_late;
  const summary = [
    `Tổng số nhiệm vụ (tính theo đơn vị thực hiện): ${d.total}.`,
    `Đã hoàn thành: ${done} (đúng hạn: ${d.counts.done_on_time}; quá hạn: ${d.counts.done_late}).`,
    ...TASK_STATUSES.filter((s) => s !== 'done_on_time' && s !== 'done_late').map((s) => `${capitalize(STATUS_LABELS[s])}: ${d.counts[s]}.`),
  ];
  const doc = new Document({
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          header,
          para([]),
          new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [text('BÁO CÁO', { bold: true, size: 28 })] }),
          para([text(`Kết quả thực hiện ${d.plan.title}`, { bold: true })], AlignmentType.CENTER),
          para([text(`Kỳ báo cáo: ${d.period.label} (từ ${formatDate(d.period.start)} đến ${formatDate(d.period.end)})`, { italics: true })], AlignmentType.CENTER),
          para([text(`Căn cứ Kế hoạch số ${d.plan.documentNumber}, ${d.agency.name} báo cáo kết quả thực hiện như sau:`)]),
          para([text('I. TÌNH HÌNH CHUNG', { bold: true })]),
          ...summary.map((s) => para([text(`- ${s}`)])),
          grid(
            ['Đơn vị', 'Tổng số', ...TASK_STATUSES.map((s) => capitalize(STATUS_LABELS[s]))],
            d.byUnit.map((u) => [u.unitName, String(u.total), ...TASK_STATUSES.map((s) => String(u.counts[s]))]),
          ),
          para([]),
          para([text('II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ', { bold: true })]),
          grid(
            ['TT', 'Nội dung', 'Đơn vị', 'Thời hạn', 'Tiến độ/kết quả', 'Tình trạng'],
            d.rows.map((r) => [r.ref, r.content, r.unitName, r.due ? `${formatDate(r.due)} (${r.deadlineText})` : r.deadlineText, r.result, capitalize(STATUS_LABELS[r.status])]),
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export async function reportXlsx(d: ReportData): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = d.agency.name;
  const summary = book.addWorksheet('Tổng hợp');
  summary.addRow([`Báo cáo ${d.period.label}: ${d.plan.title}`]);
  summary.addRow([]);
  summary.addRow(['Đơn vị', 'Mã đơn vị', 'Tổng số', ...TASK_STATUSES.map((s) => capitalize(STATUS_LABELS[s]))]).font = { bold: true };
  for (const u of d.byUnit) summary.addRow([u.unitName, u.unit, u.total, ...TASK_STATUSES.map((s) => u.counts[s])]);
  summary.addRow(['Tổng cộng', '', d.total, ...TASK_STATUSES.map((s) => d.counts[s])]).font = { bold: true };
  summary.getColumn(1).width = 40;

  const tasks = book.addWorksheet('Nhiệm vụ');
  tasks.addRow(['TT', 'Nội dung', 'Mã đơn vị', 'Đơn vị', 'Người thực hiện', 'Thời hạn', 'Văn bản ghi', 'Tiến độ/kết quả', 'Tình trạng', 'Mã tình trạng', 'Cấp báo cáo']).font = { bold: true };
  for (const r of d.rows)
    tasks.addRow([r.ref, r.content, r.unit, r.unitName, r.assignee, r.due ? formatDate(r.due) : '', r.deadlineText, r.result, capitalize(STATUS_LABELS[r.status]), r.status, r.escalationLevel]);
  tasks.getColumn(2).width = 60;
  return Buffer.from(await book.xlsx.writeBuffer());
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
