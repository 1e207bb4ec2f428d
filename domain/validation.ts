// Turning untrusted YAML/JSON into typed domain objects, with errors that name
// the file, the path inside it and the problem, in Vietnamese and in English.
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';

export interface FileIssue {
  path: string;
  vi: string;
  en: string;
}

/** A file (org chart, plan, calendar) that cannot be used; nothing should start. */
export class InvalidFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: FileIssue[],
  ) {
    super(`${file} is invalid:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.en}`).join('\n')}`);
    this.name = 'InvalidFileError';
  }

  /** The same problems, for an admin reading Vietnamese. */
  get vietnamese(): string {
    return `Tệp ${this.file} không hợp lệ:\n${this.issues
      .map((i) => `  - ${i.path || '(gốc)'}: ${i.vi}`)
      .join('\n')}`;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

const viLocale = z.locales.vi().localeError;
const enLocale = z.locales.en().localeError;

/** Parses `data` with `schema`; on failure throws InvalidFileError with both languages. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, file: string): z.output<S> {
  const en = schema.safeParse(data, { error: enLocale });
  if (en.success) return en.data;
  const vi = schema.safeParse(data, { error: viLocale });
  const viIssues = vi.success ? [] : vi.error.issues;
  throw new InvalidFileError(
    file,
    en.error.issues.map((issue, i) => {
      const localized = viIssues[i]?.message ?? issue.message;
      // Custom refinements carry "vi|en" so both languages survive one schema.
      const [viMsg, enMsg] = splitBilingual(issue.message, localized);
      return { path: formatPath(issue.path), vi: viMsg, en: enMsg };
    }),
  );
}

/** Custom issues are written as `bilingual(vi, en)`; built-in ones come localized. */
export function bilingual(vi: string, en: string): string {
  return `${vi}\u241E${en}`;
}

function splitBilingual(enMessage: string, viMessage: string): [string, string] {
  const sep = '\u241E';
  if (enMessage.includes(sep)) {
    const [vi, en] = enMessage.split(sep);
    return [vi ?? enMessage, en ?? enMessage];
  }
  return [viMessage, enMessage];
}

export function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new InvalidFileError(file, [{ path: '', vi: `không đọc được YAML: ${msg}`, en: `not valid YAML: ${msg}` }]);
  }
}
