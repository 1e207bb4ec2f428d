// Runs in every test file before its tests (vitest.config.ts, setupFiles).
import { delimiter } from 'node:path';
import { inject } from 'vitest';

// The run's OCR page cache comes first on PATH (tests/helpers/ocr-cache.ts).
const ocrBin = inject('ocrCacheBin');
if (ocrBin && !process.env.PATH?.split(delimiter).includes(ocrBin)) process.env.PATH = `${ocrBin}${delimiter}${process.env.PATH ?? ''}`;
