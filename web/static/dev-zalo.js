// /dev/zalo: talk to the bot as a person of the org chart, through the local Zalo double.
const $ = (id) => document.getElementById(id);
let people = [], shown = '';
async function loadPeople() {
  people = await (await fetch('/dev/zalo/api/people')).json();
  $('who').innerHTML = people.map((p) => '<option value="' + p.id + '">' + p.name + ' — ' + p.title + ' (' + p.unit + ')</option>').join('');
  const saved = localStorage.getItem('devZaloPerson');
  if (saved && people.some((p) => p.id === saved)) $('who').value = saved;
  status();
}
function status() {
  const p = people.find((x) => x.id === $('who').value);
  $('status').textContent = p ? (p.linked ? 'Đã liên kết Zalo (id ' + p.zaloUserId + ').' : 'Chưa liên kết Zalo: lấy mã rồi gửi «dk <mã>».') : '';
}
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]); }
async function refresh() {
  const person = $('who').value;
  if (!person) return;
  const chat = await (await fetch('/dev/zalo/api/chat?person=' + encodeURIComponent(person))).json();
  const html = chat.messages.map((m) => '<div class="m ' + m.from + '">' + esc(m.text) +
    (m.buttons || []).map((b) => '<br><button class="b" data-p="' + esc(b.payload) + '">' + esc(b.title) + '</button>').join('') + '</div>').join('');
  if (html !== shown) { $('log').innerHTML = shown = html; $('log').scrollTop = 1e9; }
}
async function send(text) {
  if (!text.trim()) return;
  await fetch('/dev/zalo/api/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person: $('who').value, text }) });
  setTimeout(refresh, 150);
}
$('f').onsubmit = (e) => { e.preventDefault(); send($('text').value); $('text').value = ''; };
$('log').onclick = (e) => { if (e.target.dataset.p) send(e.target.dataset.p); };
$('who').onchange = () => { localStorage.setItem('devZaloPerson', $('who').value); shown = ''; status(); refresh(); };
$('code').onclick = async () => {
  const r = await (await fetch('/dev/zalo/api/link-code', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person: $('who').value }) })).json();
  if (r.code) { $('text').value = 'dk ' + r.code; $('text').focus(); }
};
loadPeople().then(refresh);
setInterval(async () => { await refresh(); }, 1500);
setInterval(loadPeople, 10000);
