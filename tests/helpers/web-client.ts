// A browser-like HTTP client for the dashboard tests: keeps cookies, never follows redirects,
// and reads the anti-CSRF token of the last page.
export class WebClient {
  cookies = new Map<string, string>();
  lastHtml = '';
  constructor(readonly base: string) {}

  private store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response & { text_: string }> {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: { cookie: this.cookieHeader(), accept: 'text/html', ...headers } });
    this.store(res);
    const text = await res.text();
    this.lastHtml = text;
    return Object.assign(res, { text_: text });
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response & { text_: string }> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: this.base, ...headers },
      body: new URLSearchParams(form).toString(),
    });
    this.store(res);
    const text = await res.text();
    this.lastHtml = text;
    return Object.assign(res, { text_: text });
  }

  /** The `_csrf` value of the last page's first form. */
  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!m) throw new Error('no _csrf on the last page');
    return m[1]!;
  }
}
