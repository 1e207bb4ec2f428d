// The "Liên lạc" page: whom a reminder reaches right now and by which channel, and whom it does
// not, so a unit head or an admin can get a link, a phone or an address fixed before a deadline.
// The rows come from client/reach.ts; this file only words and scopes them.
import express, { type Response, type Router } from 'express';
import { lastInteractionText, NO_CHANNEL_RULES, reachReport, refusalText, skipReasons, zaloText } from '../client/reach.js';
import type { Org } from '../domain/org.js';
import { maskPhone } from '../domain/phone.js';
import { CHANNEL_LABELS, type ChannelRules } from '../domain/reach.js';
import type { Store } from '../store/store.js';
import { seesEverything, type Viewer } from './access.js';
import { html } from './html.js';
import { page } from './layout.js';

export interface ContactsDeps {
  org: Org;
  store: Store;
  /** The channel rules in force for reminders and Zalo's token state; absent, no channel counts as usable. */
  contacts?: { rules(): Promise<ChannelRules>; tokenProblem(): Promise<{ at: number; reason: string } | undefined> };
}

const mayUseContacts = (v: Viewer): boolean => seesEverything(v) || v.heads.length > 0;

export function contactsRouter(deps: ContactsDeps, guard: { requireViewer: express.RequestHandler }): Router {
  const { org } = deps;
  const r = express.Router();
  const unitName = (code: string) => org.units.find((u) => u.code === code)?.name ?? code;
  const refuse = (res: Response, status: number, text: string) =>
    res.status(status).type('html').send(page({ title: 'Liên lạc', auth: res.locals.auth!, body: html`<p class="error" role="alert">${text}</p><p><a href="/">Về tổng quan</a></p>` }).value);

  r.get('/lien-lac', guard.requireViewer, async (req, res) => {
    const auth = res.locals.auth!;
    const v = auth.viewer;
    if (!mayUseContacts(v)) return void refuse(res, 403, 'Trang liên lạc dành cho lãnh đạo đơn vị, lãnh đạo Sở và quản trị viên.');
    const typed = typeof req.query['don-vi'] === 'string' ? req.query['don-vi'].trim() : '';
    const unit = typed ? org.units.find((u) => u.code.toLowerCase() === typed.toLowerCase()) : undefined;
    if (typed && !unit) return void refuse(res, 404, `Không có đơn vị mã «${typed}» trong sơ đồ tổ chức.`);
    if (unit && !seesEverything(v) && !v.heads.includes(unit.code)) return void refuse(res, 403, 'Đồng chí chỉ xem được cán bộ của đơn vị mình phụ trách.');

    // Interactions and refusals are stamped in real time: never business time here.
    const now = Date.now();
    const rules = (await deps.contacts?.rules()) ?? NO_CHANNEL_RULES;
    let rows = await reachReport(org, deps.store, rules, now, unit ? { unit: unit.code } : {});
    if (!seesEverything(v)) rows = rows.filter((row) => row.units.some((u) => v.heads.includes(u)));
    const unreachable = rows.filter((row) => row.channels.length === 0).length;
    const units = seesEverything(v) ? org.units : org.units.filter((u) => v.heads.includes(u.code));

    res.type('html').send(
      page({
        title: 'Liên lạc',
        auth,
        body: html`<h1>Liên lạc với cán bộ${unit ? ` — ${unit.name}` : ''}</h1>
          <p class="${unreachable ? 'error' : 'notice'}" role="status" id="reach-count">${
            unreachable
              ? html`<b>${unreachable} cán bộ không liên lạc được</b> (trên tổng số ${rows.length} cán bộ). Đề nghị liên kết Zalo hoặc bổ sung số điện thoại, thư điện tử cho các đồng chí này.`
              : html`Tất cả ${rows.length} cán bộ đều liên lạc được.`
          }</p>
          ${rules.zalo ? '' : html`<p class="error">Zalo OA hiện chưa có mã truy cập hợp lệ: tin nhắn Zalo tạm thời không gửi được.</p>`}
          <form class="card filters" method="get" action="/lien-lac">
            <label>Đơn vị <select name="don-vi">${seesEverything(v) || units.length > 1 ? html`<option value="">Tất cả</option>` : ''}${units.map(
              (u) => html`<option value="${u.code}" ${unit?.code === u.code ? 'selected' : ''}>${u.name}</option>`,
            )}</select></label>
            <button>Xem</button>
          </form>
          <section class="card"><div class="scroll"><table class="contacts" id="contacts"><thead><tr>
            <th>Họ tên</th><th>Chức vụ</th><th>Đơn vị</th><th>Zalo</th><th>Tương tác gần nhất</th><th>Số điện thoại</th><th>Thư điện tử</th><th>Kênh nhắc việc lúc này</th><th>Từ chối trong 30 ngày</th>
          </tr></thead><tbody>
          ${rows.map((row) => {
            const none = row.channels.length === 0;
            return html`<tr class="${none ? 'unreachable' : ''}" data-person="${row.person.id}">
              <td>${row.person.name}</td><td>${row.person.title}</td><td>${row.units.map(unitName).join(', ') || '—'}</td>
              <td>${zaloText(row)}</td><td>${lastInteractionText(row)}</td>
              <td>${row.phone ? maskPhone(row.phone) : '—'}</td><td>${row.email ?? '—'}</td>
              <td>${none
                ? html`<b>Không kênh nào liên lạc được</b><ul class="reasons">${skipReasons(row).map((s) => html`<li>${s}</li>`)}</ul>`
                : html`${CHANNEL_LABELS[row.channels[0]!]}${row.channels.length > 1 ? html`<br><span class="muted">sau đó: ${row.channels.slice(1).map((c) => CHANNEL_LABELS[c]).join(', ')}</span>` : ''}`}</td>
              <td>${refusalText(row)}</td></tr>`;
          })}
          </tbody></table></div></section>`,
      }).value,
    );
  });

  return r;
}
