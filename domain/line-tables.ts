// Tables whose cells come one per line: text copied out of a PDF puts every cell of a row, and the
// row's number, on lines of their own ("TT", "Nhiệm vụ", "Chủ trì", … then "1", "Rà soát …",
// "Sở A", …). A run of lines that are all column names (a task column and a lead or deadline
// among them) opens such a table; a line holding only a number or a Roman numeral opens a row;
// the lines up to the next one are its cells, a task text wrapped over several lines joined.
import type { Block, Paragraph, PlanDocument, Table } from './document.js';
import { columnMeaning } from './plan-table.js';
import { fold } from './text.js';

const ROW_START = /^(?:\d{1,3}\.?|(?:X{0,3})(?:IX|IV|V?I{1,3}|V|X)\.?)$/u;
const END = /^(noi nhan|kt\.|tm\.|tren day la|phu luc)/;

function headerRun(blocks: Block[], at: number): number {
  let n = 0;
  const meanings: string[] = [];
  while (at + n < blocks.length) {
    const b = blocks[at + n]!;
    const m = b.kind === 'paragraph' && b.text.split(' ').length <= 8 ? columnMeaning(b.text) : undefined;
    if (!m) break;
    meanings.push(m);
    n++;
  }
  // A title line ("PHÂN CÔNG NHIỆM VỤ") before the ordinal column is not part of the header.
  if (meanings.indexOf('ordinal') > 0) return 0;
  return n >= 3 && meanings.includes('task') && (meanings.includes('lead') || meanings.includes('deadline')) ? n : 0;
}

export function tablesFromLines(doc: PlanDocument): PlanDocument {
  const out: Block[] = [];
  const blocks = doc.blocks;
  for (let i = 0; i < blocks.length; ) {
    const width = headerRun(blocks, i);
    if (!width) {
      out.push(blocks[i]!);
      i++;
      continue;
    }
    const header = blocks.slice(i, i + width) as Paragraph[];
    const table: Table = { kind: 'table', rows: [header.map((p) => ({ text: p.text }))], source: { ...header[0]!.source, table: -1 } };
    const taskCol = header.findIndex((p) => columnMeaning(p.text) === 'task');
    i += width;
    let cells: string[] | undefined;
    const flush = () => {
      if (!cells) return;
      const [ordinal, ...rest] = cells;
      // A section row ("II", then its title) keeps its title in the second position.
      let row = rest;
      const needed = width - 1;
      if (/^[IVX]/u.test(ordinal!)) row = [rest.join(' ')];
      else if (rest.length > needed && taskCol > 0) {
        // The task text wrapped over several lines: join its extra lines.
        const extra = rest.length - needed;
        const t = taskCol - 1;
        row = [...rest.slice(0, t), rest.slice(t, t + extra + 1).join(' '), ...rest.slice(t + extra + 1)];
      }
      table.rows.push([ordinal!, ...row].slice(0, width).map((text) => ({ text })));
      cells = undefined;
    };
    for (; i < blocks.length; i++) {
      const b = blocks[i]!;
      if (b.kind !== 'paragraph' || END.test(fold(b.text))) break;
      if (headerRun(blocks, i)) break;
      const text = b.text.trim();
      if (ROW_START.test(text)) {
        flush();
        cells = [text.replace(/\.$/u, '')];
      } else if (cells) cells.push(text);
      else break;
    }
    flush();
    for (const r of table.rows) while (r.length < width) r.push({ text: '' });
    out.push(table);
  }
  // Tables are numbered in order again.
  let n = 0;
  return { ...doc, blocks: out.map((b) => (b.kind === 'table' ? { ...b, source: { ...b.source, table: n++ } } : b)) };
}
