// The page frame: Vietnamese, phone-first, no external assets.
import { formatDateTime } from '../domain/notification.js';
import type { Authed } from './session-types.js';
import { roleLabel, seesEverything } from './access.js';
import { html, raw, type Html } from './html.js';

const CSS = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f9;color:#1f2328;line-height:1.45}
header{background:#b71c1c;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}header .who{margin-left:auto;font-size:14px;opacity:.95}
header form{display:inline}header button{background:transparent;border:1px solid #fff;color:#fff;border-radius:6px;padding:3px 8px;cursor:pointer}
main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:20px;margin:8px 0 12px}h2{font-size:17px;margin:18px 0 8px}
.card{background:#fff;border-radius:10px;padding:14px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.narrow{max-width:460px;margin:24px auto}
label{display:block;margin:8px 0}input,select,textarea,button{font:inherit}
input,select,textarea{width:100%;padding:8px;border:1px solid #c4c9d0;border-radius:6px}
button{background:#1a73e8;color:#fff;border:0;border-radius:6px;padding:8px 14px;cursor:pointer;margin-top:6px}
button.secondary{background:#5f6368}button.danger{background:#d93025}
.error{color:#b3261e;background:#fce8e6;padding:8px;border-radius:6px}.notice{background:#e6f4ea;padding:8px;border-radius:6px}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:6px;border-bottom:1px solid #e3e6ea;vertical-align:top}
tr.overdue td{color:#b3261e}tr.overdue td:first-child{border-left:4px solid #d93025}
.counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px}
.count{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px rgba(0,0,0,.08);color:inherit;text-decoration:none}.count b{display:block;font-size:24px}
.count.overdue b{color:#d93025}.count.done_on_time b{color:#188038}
.bar{background:#e3e6ea;border-radius:4px;height:10px;min-width:80px}.bar span{display:block;height:10px;border-radius:4px;background:#188038}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;align-items:end}
.scroll{overflow-x:auto}.muted{color:#5f6368;font-size:13px}.uncertain{background:#fef7e0}.tag{display:inline-block;padding:1px 6px;border-radius:10px;background:#e8eaed;font-size:12px}
.tag.overdue{background:#fce8e6;color:#b3261e}.tag.awaiting_approval{background:#fef7e0;color:#8a5a00}.tag.done_on_time,.tag.done_late{background:#e6f4ea;color:#137333}
ol.timeline{padding-left:18px}ol.timeline li{margin:4px 0}
#preview td input{min-width:170px}
.actions form{border-top:1px solid #e3e6ea;padding-top:8px;margin-top:8px}
.alert{background:#fce8e6;color:#8c1d18;border-bottom:3px solid #d93025;padding:10px 16px;font-weight:600;overflow-wrap:anywhere}.alert code{background:#fff;padding:0 4px;border-radius:4px}
tr.unreachable td{color:#b3261e;background:#fdf1f0}tr.unreachable td:first-child{border-left:4px solid #d93025}
table.contacts{min-width:960px}ul.reasons{margin:0;padding-left:16px}
.sm-only{display:none}
@media (max-width:640px){.hide-sm{display:none}.sm-only{display:inline}th,td{padding:5px 4px}}
`;

export function page(o: { title: string; body: Html; auth?: Authed; live?: boolean }): Html {
  const a = o.auth;
  return html`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} — Theo dõi Đề án 06</title><style>${raw(CSS)}</style></head>
<body>
<header><a href="/">Theo dõi Đề án 06</a>
${a ? html`<a href="/bao-cao">Báo cáo</a>${seesEverything(a.viewer) || a.viewer.heads.length ? html`<a href="/lien-lac">Liên lạc</a>` : ''}${a.viewer.admin ? html`<a href="/ke-hoach/moi">Khởi động kế hoạch</a>` : ''}
<span class="who">${a.viewer.person.name} · ${roleLabel(a.viewer)}</span>
<form method="post" action="/dang-xuat"><input type="hidden" name="_csrf" value="${a.session.csrf}"><button>Đăng xuất</button></form>` : ''}
</header>
${a?.viewer.admin && a.tokenProblem ? tokenBanner(a.tokenProblem.at) : ''}
<main id="main">${o.body}</main>
${o.live ? raw(LIVE_SCRIPT) : ''}
</body></html>`;
}

// Messages wait in the outbox until a person installs a new pair: admins must see it wherever they are.
const tokenBanner = (at: number): Html =>
  html`<div class="alert" role="alert" id="zalo-token-problem">Zalo OA đã từ chối mã làm mới (refresh token) lúc ${formatDateTime(at)}: tin nhắn đang chờ gửi. Đề nghị quản trị viên cấp mã mới bằng lệnh <code>npm run cli -- zalo token MÃ_TRUY_CẬP MÃ_LÀM_MỚI</code>.</div>`;

// Live pages re-fetch themselves every few seconds and swap the main content when it changed.
const LIVE_SCRIPT = `<script>
(function(){var last=null;async function tick(){try{var r=await fetch(location.href,{headers:{'x-partial':'1'},credentials:'same-origin'});
if(r.status===200){var t=await r.text();if(last!==null&&t!==last&&!document.activeElement.closest('form')){document.getElementById('main').innerHTML=t;}last=t;}}catch(e){}}
async function loop(){await tick();setTimeout(loop,3000);}loop();})();
</script>`;
