// Vietnamese text as people and PDFs write it: with or without diacritics, any spacing.

/** NFC, one space between words, trimmed. */
export function tidy(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Lower case without diacritics ("Phòng Hành chính – Tổng hợp" → "phong hanh chinh - tong hop"), for matching. */
export function fold(text: string): string {
  return tidy(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[–—−‐]/g, '-')
    .toLowerCase();
}

/** Edit distance, for typos "within reason". */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
