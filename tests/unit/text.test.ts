import { describe, expect, it } from 'vitest';
import { fold, levenshtein, tidy } from '../../domain/text.js';

describe('text', () => {
  it('folds diacritics, đ, dashes and case', () => {
    expect(fold('Phòng Hành chính – Tổng hợp')).toBe('phong hanh chinh - tong hop');
    expect(fold('ĐỊNH DANH  điện tử')).toBe('dinh danh dien tu');
  });
  it('composes decomposed text and collapses spaces', () => {
    expect(tidy('h\u1ed7 tr\u1ee3'.normalize('NFD') + '  \n x')).toBe('hỗ trợ x');
  });
  it('counts edits', () => {
    expect(levenshtein('hoan thnah', 'hoan thanh')).toBe(2);
    expect(levenshtein('tccb', 'tccb')).toBe(0);
  });
});
