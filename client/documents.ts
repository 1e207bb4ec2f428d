// Reading a plan document (.txt, .docx, .pdf): its structure (paragraphs and tables with where
// each came from), and the text the line-based importer reads ("cell | cell |" rows). The limits
// here (size) and in each reader (a zip's inflated size, pages, OCR time) keep a hostile file
// from taking the process's memory or time.
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { documentText, textDocument, type PlanDocument } from '../domain/document.js';
import { DocumentError } from './document-error.js';
import { readDocx } from './docx-reader.js';
import { readPdf } from './pdf-reader.js';

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export { DocumentError };

const MB = (n: number) => (n / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 });

export async function readPlanDocument(file: string): Promise<string> {
  return documentText(await readPlanStructure(file));
}

export async function readPlanStructure(file: string): Promise<PlanDocument> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new DocumentError(`Không tìm thấy tệp ${file}.`, `no such file: ${file}`);
  if (info.size === 0) throw new DocumentError(`Tệp ${file} rỗng.`, `${file} is empty`);
  if (info.size > MAX_DOCUMENT_BYTES)
    throw new DocumentError(
      `Tệp ${file} quá lớn (${MB(info.size)} MB; tối đa ${MB(MAX_DOCUMENT_BYTES)} MB).`,
      `${file} is too large (${info.size} bytes, limit ${MAX_DOCUMENT_BYTES})`,
    );
  const ext = extname(file).toLowerCase();
  const bytes = await readFile(file);
  let doc: PlanDocument;
  if (ext === '.txt' || ext === '.text') doc = textDocument(decodeText(bytes, file));
  else if (ext === '.docx') doc = await readDocx(bytes, file);
  else if (ext === '.pdf') doc = await readPdf(bytes, file);
  else throw new DocumentError(`Không đọc được định dạng «${ext || '(không có)'}»: hãy dùng .docx, .pdf hoặc .txt.`, `unsupported format "${ext}"`);
  if (!doc.blocks.some((b) => (b.kind === 'paragraph' ? b.text.trim() : b.rows.some((r) => r.some((c) => c.text.trim())))))
    throw new DocumentError(`Tệp ${file} không có chữ nào đọc được.`, `${file} has no readable text`);
  return doc;
}

function decodeText(bytes: Buffer, file: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) throw new Error('NUL byte');
    return text;
  } catch {
    throw new DocumentError(`Tệp ${file} không phải văn bản UTF-8.`, `${file} is not UTF-8 text`);
  }
}
