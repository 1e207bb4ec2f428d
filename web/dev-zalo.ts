// /dev/zalo: chat with the bot as any person of the org chart, through the local Zalo double.
// Messages go through the real signed webhook; replies and buttons are what the double received.
// Mounted only when the double runs (no Zalo credentials), never in production.
import { createHash } from 'node:crypto';
import express, { type Router } from 'express';
import { issueLinkCode } from '../client/accounts.js';
import { asset } from './assets.js';
import type { ZaloDouble } from '../bot/zalo-double.js';
import type { Org } from '../domain/org.js';
import type { Store } from '../store/store.js';

export interface DevZaloDeps {
  org: Org;
  store: Store;
  double: ZaloDouble;
}

/** A stable, Zalo-looking numeric id for a person who has none yet. */
export function devZaloId(personId: string): string {
  return `9${BigInt(`0x${createHash('sha256').update(personId).digest('hex').slice(0, 15)}`).toString().padStart(18, '0').slice(0, 18)}`;
}

export function devZaloRouter(deps: DevZaloDeps): Router {
  const { org, store, double } = deps;
  const said: { userId: string; text: string; at: number }[] = [];
  const zaloIdOf = async (personId: string): Promise<string> =>
    (await store.zaloLinkOfPerson(personId))?.zaloUserId ?? org.people.find((p) => p.id === personId)?.zaloUserId ?? devZaloId(personId);
  const r = express.Router();
  // Anyone here can speak as anyone: only from this machine.
  r.use('/dev/zalo', (req, res, next) => {
    const ip = req.socket.remoteAddress ?? '';
    if (ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1') return next();
    res.status(403).type('text').send('Trang /dev/zalo chỉ mở được trên chính máy chạy ứng dụng.');
  });

  r.get('/dev/zalo', (_req, res) => {
    res.type('html').send(PAGE);
  });

  r.get('/dev/zalo/api/people', async (_req, res) => {
    res.json(
      await Promise.all(
        org.people.map(async (p) => ({
          id: p.id,
          name: p.name,
          title: p.title,
          unit: org.units.find((u) => u.head === p.id || u.members.includes(p.id))?.name ?? 'Lãnh đạo Sở',
          zaloUserId: await zaloIdOf(p.id),
          linked: !!(await store.zaloLinkOfPerson(p.id)),
        })),
      ),
    );
  });

  r.get('/dev/zalo/api/chat', async (req, res) => {
    const userId = await zaloIdOf(String(req.query.person ?? ''));
    const mine = said.filter((m) => m.userId === userId).map((m) => ({ from: 'user', text: m.text, buttons: [], at: m.at }));
    const oa = double.sentTo(userId).map((m) => ({ from: 'oa', text: m.text, buttons: m.buttons, at: m.at }));
    res.json({ userId, messages: [...mine, ...oa].sort((a, b) => a.at - b.at) });
  });

  r.post('/dev/zalo/api/send', express.json({ limit: '16kb' }), async (req, res) => {
    const { person, text } = (req.body ?? {}) as { person?: string; text?: string };
    if (!person || !org.people.some((p) => p.id === person) || !text?.trim()) {
      res.status(400).json({ error: 'Chọn một người và nhập tin nhắn.' });
      return;
    }
    const userId = await zaloIdOf(person);
    said.push({ userId, text: text.trim(), at: Date.now() });
    const d = await double.userSendsText(userId, text.trim());
    res.json({ status: d.status, answer: d.body });
  });

  // What an admin would do with `npm run cli -- person link-code PERSON`, one click away for demos.
  r.post('/dev/zalo/api/link-code', express.json({ limit: '4kb' }), async (req, res) => {
    const person = String((req.body as { person?: string } | undefined)?.person ?? '');
    if (!org.people.some((p) => p.id === person)) {
      res.status(400).json({ error: 'Không có người này trong sơ đồ tổ chức.' });
      return;
    }
    const { code } = await issueLinkCode(org, store, person, Date.now());
    res.json({ code });
  });

  return r;
}

// Styles and script are files of web/static/: the CSP allows no inline ones.
const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zalo OA (bản thử) — Trợ lý nhắc việc Đề án 06</title>
<link rel="stylesheet" href="${asset('dev-zalo.css')}"></head><body>
<header><h1>Zalo OA — bản thử trên máy</h1><p>Chọn một cán bộ và trò chuyện với trợ lý nhắc việc như trên Zalo.</p></header>
<main>
<select id="who"></select>
<p><small id="status"></small> <button id="code" type="button">Lấy mã liên kết</button></p>
<div id="log"></div>
<form id="f"><input id="text" autocomplete="off" placeholder="Ví dụ: ds, nhận 1, tiến độ 1 60% …, xong 1, trợ giúp"><button>Gửi</button></form>
</main>
<script src="${asset('dev-zalo.js')}"></script></body></html>`;
