// Reports on the dashboard: the files built for each plan (DOCX, XLSX) and "build now" for a period.
import type { Client } from '@temporalio/client';
import express, { type Router } from 'express';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportNow } from '../client/reports.js';
import { formatDateTime } from '../domain/notification.js';
import { parseReportPeriod } from '../domain/report.js';
import type { Store } from '../store/store.js';
import { seesEverything, type Viewer } from './access.js';
import { flashOf, flashQuery } from './flash.js';
import { html } from './html.js';
import { page } from './layout.js';

export interface ReportsDeps {
  store: Store;
  client: Client;
  reportsDir: string;
  taskQueue: string;
}

const FILE = /^bao-cao-[0-9A-Za-z-]+\.(docx|xlsx)$/;
/** Reports are for those who lead: unit heads, leadership and admins. */
const mayUseReports = (v: Viewer): boolean => seesEverything(v) || v.heads.length > 0;

/** The files of each report period ("bao-cao-2025-Q1.docx" + ".xlsx"), newest period first. */
function byPeriod(files: { name: string; at: number }[]): { label: string; at: number; files: { name: string }[] }[] {
  const groups = new Map<string, { label: string; at: number; files: { name: string }[]; start: string }>();
  for (const f of files) {
    const code = f.name.replace(/^bao-cao-/, '').replace(/\.(docx|xlsx)$/, '');
    const period = parseReportPeriod(code);
    const g = groups.get(code) ?? { label: period?.label ?? code, at: 0, files: [], start: period?.start ?? code };
    g.files.push(f);
    g.at = Math.max(g.at, f.at);
    groups.set(code, g);
  }
  return [...groups.values()].sort((a, b) => b.start.localeCompare(a.start) || b.at - a.at).map((g) => ({ ...g, files: g.files.sort((a, b) => a.name.localeCompare(b.name)) }));
}

function filesOf(dir: string): { name: string; at: number; bytes: number }[] {
  try {
    return readdirSync(dir)
      .filter((f) => FILE.test(f))
      .map((name) => {
        const st = statSync(join(dir, name));
        return { name, at: st.mtimeMs, bytes: st.size };
      })
      .sort((a, b) => b.name.localeCompare(a.name));
  } catch {
    return [];
  }
}

export function reportsRouter(deps: ReportsDeps, guard: { requireViewer: express.RequestHandler; checkCsrf: express.RequestHandler }): Router {
  const r = express.Router();
  const refuse = (res: express.Response) =>
    res.status(403).type('html').send(page({ title: 'Không có quyền', auth: res.locals.auth!, body: html`<p class="error" role="alert">Báo cáo dành cho lãnh đạo đơn vị, lãnh đạo Sở và quản trị viên.</p>` }).value);

  r.get('/bao-cao', guard.requireViewer, async (req, res) => {
    const auth = res.locals.auth!;
    if (!mayUseReports(auth.viewer)) return void refuse(res);
    const { ok, error } = flashOf(req, auth.session);
    const plans = await deps.store.planSummaries();
    res.type('html').send(
      page({
        title: 'Báo cáo',
        auth,
        body: html`<h1>Báo cáo định kỳ</h1>
          ${ok ? html`<p class="notice" role="status">${ok}</p>` : ''}${error ? html`<p class="error" role="alert">${error}</p>` : ''}
          ${plans.map((p) => {
            const files = filesOf(join(deps.reportsDir, p.id));
            return html`<section class="card"><h2>${p.title}</h2>
              ${files.length
                ? html`<ul class="reports">${byPeriod(files).map(
                    (r) =>
                      html`<li><b>Báo cáo ${r.label}</b> — ${r.files.map(
                        (f, k) =>
                          html`${k ? ' · ' : ''}<a href="/bao-cao/tai?plan=${encodeURIComponent(p.id)}&amp;file=${encodeURIComponent(f.name)}">${f.name.endsWith('.docx') ? 'văn bản (DOCX)' : 'bảng số liệu (XLSX)'}</a>`,
                      )} <span class="muted">lập lúc ${formatDateTime(r.at)}</span></li>`,
                  )}</ul>`
                : html`<p class="muted">Chưa có báo cáo nào.</p>`}
              <form method="post" action="/bao-cao/tao" class="filters"><input type="hidden" name="_csrf" value="${auth.session.csrf}"><input type="hidden" name="plan" value="${p.id}">
                <label>Kỳ báo cáo <input name="period" placeholder="Quý II/2024, Tháng 5/2024, 6 tháng đầu năm 2024, Năm 2024" required></label><button>Lập báo cáo ngay</button></form>
            </section>`;
          })}`,
      }).value,
    );
  });

  r.get('/bao-cao/tai', guard.requireViewer, async (req, res) => {
    if (!mayUseReports(res.locals.auth!.viewer)) return void refuse(res);
    const plan = String(req.query.plan ?? '');
    const file = String(req.query.file ?? '');
    // Only names we write, inside a plan we started: no path tricks.
    if (!(await deps.store.planGet(plan)) || !FILE.test(file)) return void res.status(404).type('text').send('Không tìm thấy tệp báo cáo.');
    res.download(join(deps.reportsDir, plan, file), file, (err) => {
      if (err && !res.headersSent) res.status(404).type('text').send('Không tìm thấy tệp báo cáo.');
    });
  });

  r.post('/bao-cao/tao', express.urlencoded({ extended: false, limit: '8kb' }), guard.requireViewer, guard.checkCsrf, async (req, res) => {
    if (!mayUseReports(res.locals.auth!.viewer)) return void refuse(res);
    const plan = String(req.body?.plan ?? '');
    const typed = String(req.body?.period ?? '').trim();
    const period = parseReportPeriod(typed);
    const session = res.locals.auth!.session;
    if (!(await deps.store.planGet(plan))) return void res.redirect(303, `/bao-cao?${flashQuery(session, 'error', 'Không có kế hoạch này.')}`);
    if (!period)
      return void res.redirect(
        303,
        `/bao-cao?${flashQuery(session, 'error', `Kỳ báo cáo «${typed.slice(0, 40)}» không đúng dạng: ghi «Tháng 5/2024», «Quý II/2024», «6 tháng đầu năm 2024», «Năm 2024» (hoặc 2024-05, 2024-Q2, 2024-H1, 2024).`)}`,
      );
    const built = await buildReportNow(deps.client, plan, period.code, deps.taskQueue);
    res.redirect(303, `/bao-cao?${flashQuery(session, 'ok', `Đã lập báo cáo ${built.period.label}: ${[built.docx, built.xlsx].map((f) => f.split('/').pop()).join(', ')}.`)}`);
  });

  return r;
}
