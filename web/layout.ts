// The page frame: Vietnamese, phone-first, no external assets. Styles and the live script are files
// of web/static/ (web/assets.ts): the Content-Security-Policy allows no inline <style> or <script>.
import { formatDateTime } from '../domain/notification.js';
import type { Authed } from './session-types.js';
import { roleLabel, seesEverything } from './access.js';
import { asset } from './assets.js';
import { html, type Html } from './html.js';

export function page(o: { title: string; body: Html; auth?: Authed; live?: boolean }): Html {
  const a = o.auth;
  return html`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} — Theo dõi Đề án 06</title><link rel="stylesheet" href="${asset('app.css')}">${o.live ? html`<script src="${asset('live.js')}" defer></script>` : ''}</head>
<body>
<header><a href="/">Theo dõi Đề án 06</a>
${a ? html`<a href="/bao-cao">Báo cáo</a>${seesEverything(a.viewer) || a.viewer.heads.length ? html`<a href="/lien-lac">Liên lạc</a>` : ''}${a.viewer.admin ? html`<a href="/ke-hoach/moi">Khởi động kế hoạch</a>` : ''}
<span class="who">${a.viewer.person.name} · ${roleLabel(a.viewer)}</span>
<form method="post" action="/dang-xuat"><input type="hidden" name="_csrf" value="${a.session.csrf}"><button>Đăng xuất</button></form>` : ''}
</header>
${a?.viewer.admin && a.tokenProblem ? tokenBanner(a.tokenProblem.at) : ''}
<main id="main">${o.body}</main>
</body></html>`;
}

// Messages wait in the outbox until a person installs a new pair: admins must see it wherever they are.
const tokenBanner = (at: number): Html =>
  html`<div class="alert" role="alert" id="zalo-token-problem">Zalo OA đã từ chối mã làm mới (refresh token) lúc ${formatDateTime(at)}: tin nhắn đang chờ gửi. Đề nghị quản trị viên cấp mã mới bằng lệnh <code>npm run cli -- zalo token MÃ_TRUY_CẬP MÃ_LÀM_MỚI</code>.</div>`;
