// A plan document as read from its file, before any meaning is given to it: paragraphs and
// tables in reading order, each with where it came from (page, line, table cell), so the
// importer can read structure instead of guessing it from flattened text, and the preview can
// show an admin where every value was found.

/** Where a piece of a document is: 1-based page (PDF) and line, or table, row and column (0-based). */
export interface SourceRef {
  page?: number;
  line?: number;
  table?: number;
  row?: number;
  col?: number;
}

export interface Paragraph {
  kind: 'paragraph';
  text: string;
  /**
   * A list label the document's own numbering draws ("1.", "a)", "-", "II."), when it is not part
   * of the text (Word numbering); absent when the label is typed in the text itself.
   */
  label?: string;
  /** List level of the numbering (0 = top), when the document says. */
  level?: number;
  /** Bold / heading style, when the document says: headings of sections and unit blocks. */
  heading?: boolean;
  source: SourceRef;
}

/** One position of a table's grid. A merged cell fills every position it spans with its text. */
export interface TableCell {
  text: string;
  /** Set on the positions a merged cell covers beyond its first: the [row, col] it continues. */
  from?: [number, number];
}

export interface Table {
  kind: 'table';
  /**
   * The grid, row by row; every row has the same number of columns, except in tables read from plain
   * text, where a row broken over two lines is shorter (its cells continue the row above).
   */
  rows: TableCell[][];
  source: SourceRef;
}

export type Block = Paragraph | Table;

export interface PlanDocument {
  format: 'txt' | 'docx' | 'pdf';
  blocks: Block[];
  /** Pages of a PDF. */
  pages?: number;
  /** The text came from OCR (a scanned PDF): values are less certain. */
  ocr?: boolean;
  /** A plain-text document's own text, kept as it is. */
  text?: string;
}

/** "trang 3, dòng 12", "bảng 2, hàng 5": where a value was read, for the admin checking it. */
export function sourceText(s: SourceRef | undefined): string {
  if (!s) return 'không rõ';
  const parts: string[] = [];
  if (s.page !== undefined) parts.push(`trang ${s.page}`);
  if (s.table !== undefined) parts.push(`bảng ${s.table + 1}`);
  if (s.row !== undefined) parts.push(`hàng ${s.row + 1}`);
  else if (s.line !== undefined) parts.push(`dòng ${s.line}`);
  return parts.join(', ') || 'không rõ';
}

/** The grid's text of one row, merged positions included (what a reader of the printed table sees). */
/** An inline list mark whose number could not be read (a superscript "⁽³⁾" in a scan): "(•)". */
export const INLINE_MARK = '(•)';

export const rowTexts = (row: TableCell[]): string[] => row.map((c) => c.text);

/**
 * The document as the line-based importer reads it: one line per paragraph (its list label
 * first), one "a | b | c |" line per table row. Merged positions are left empty, as the text of a
 * merged cell belongs to its first row and column.
 */
export function documentText(doc: PlanDocument): string {
  if (doc.text !== undefined) return doc.text;
  const lines: string[] = [];
  for (const b of doc.blocks) {
    if (b.kind === 'paragraph') lines.push(b.label ? `${b.label} ${b.text}` : b.text);
    else for (const row of b.rows) lines.push(`${row.map((c) => (c.from ? '' : c.text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '/'))).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Plain text (a .txt, or text a reader could not structure): one paragraph per line, "|" rows as tables. */
export function textDocument(text: string, format: PlanDocument['format'] = 'txt'): PlanDocument {
  const blocks: Block[] = [];
  let table: Table | undefined;
  text.split(/\r\n?|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.includes('|') && (line.endsWith('|') || line.split('|').length >= 3)) {
      const cells = line.replace(/\|\s*$/, '').split('|').map((c) => ({ text: c.trim() }));
      if (!table) blocks.push((table = { kind: 'table', rows: [], source: { line: i + 1, table: blocks.filter((b) => b.kind === 'table').length } }));
      table.rows.push(cells);
      return;
    }
    table = undefined;
    blocks.push({ kind: 'paragraph', text: line, source: { line: i + 1 } });
  });
  return { format, blocks, ...(format === 'txt' ? { text } : {}) };
}
