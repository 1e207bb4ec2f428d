// Generated hostile traffic against POST /zalo/webhook over real HTTP. Whatever arrives, the webhook
// must answer a documented code (never 5xx), queue nothing, and still accept a genuine event at the end.
// Reproduce a failure with FUZZ_SEED=<printed seed>; every request has its own PRNG (seed, index),
// so the order in which concurrent answers arrive does not change what is generated.
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_MAX_BYTES, WEBHOOK_PATH, webhookRouter } from '../../bot/webhook.js';
import { expectedSignature } from '../../bot/webhook-auth.js';
import { mapLimit } from '../../runtime/concurrency.js';
import { SqliteStore } from '../../store/sqlite.js';

const APP_ID = '1234567890123456789';
const KEY = 'oa-secret';
const MAX_AGE = 600_000;
/** Clock skew the webhook allows ahead of its own clock (its default). */
const AHEAD = 5 * 60_000;
// A fixed clock: freshness depends on the seed only, never on when the test runs.
const NOW = 1_750_000_000_000;
const OA_ID = '5000000000000000001';
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const HOSTILE = 10_500;
const SHAPES = 1_500;
const CONCURRENCY = 16;

// ---------------------------------------------------------------- PRNG

function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number, index: number) {
    this.next = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
  }
  /** lo..hi inclusive */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  from(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  hex(n: number): string {
    return this.from('0123456789abcdef', n);
  }
  digits(n: number): string {
    return this.from('123456789', 1) + this.from('0123456789', n - 1);
  }
  id(n = this.int(8, 40)): string {
    return this.from('0123456789ABCDEFabcdef_-', n);
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }
}

// ---------------------------------------------------------------- events

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const TEXTS = ['tiến độ 2 60% đã rà soát xong', 'nhận 2', 'xong 3 đã gửi báo cáo', 'gia hạn 4 đến 30/9 vì chờ số liệu', 'danh sách', 'Đã hoàn thành 100%', 'hỏi: việc 7 hạn khi nào?'];
const ACTED = ['user_send_text', 'user_send_image', 'user_send_file', 'user_send_gif', 'user_send_video', 'user_send_audio', 'follow', 'unfollow'];
const ATTACHMENT_EVENTS = ACTED.slice(1, 6);
const IGNORED_NAMES = ['oa_send_text', 'oa_send_image', 'user_received_message', 'user_seen_message', 'user_send_location', 'user_send_sticker', 'user_send_link', 'add_user_to_tag', 'shop_has_order'];
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

function textEvent(r: Rng, o: { appId?: string; timestamp?: string } = {}): Obj {
  return {
    app_id: o.appId ?? APP_ID,
    user_id_by_app: r.digits(19),
    event_name: 'user_send_text',
    timestamp: o.timestamp ?? String(NOW + r.int(-MAX_AGE, AHEAD)),
    sender: { id: r.digits(19) },
    recipient: { id: OA_ID },
    message: { msg_id: r.hex(32), text: r.pick(TEXTS) },
  };
}

function attachment(r: Rng): Obj {
  const type = r.pick(['image', 'file', 'gif', 'video', 'audio']);
  return { type, payload: { url: `https://f21-zpc.zdn.vn/${r.id(10)}/${r.id(24)}.${type === 'file' ? 'pdf' : 'jpg'}`, ...(r.chance(0.5) ? { name: `minh-chung-${r.int(1, 99)}.pdf` } : {}) } };
}

function attachmentEvent(r: Rng, name = r.pick(ATTACHMENT_EVENTS)): Obj {
  const e = textEvent(r);
  e.event_name = name;
  e.message = { msg_id: r.hex(32), ...(r.chance(0.5) ? { text: r.pick(TEXTS) } : {}), attachments: Array.from({ length: r.int(1, 4) }, () => attachment(r)) };
  return e;
}

function followEvent(r: Rng, name: 'follow' | 'unfollow' = r.pick(['follow', 'unfollow'] as const)): Obj {
  return { app_id: APP_ID, oa_id: OA_ID, event_name: name, timestamp: String(NOW + r.int(-MAX_AGE, AHEAD)), user_id_by_app: r.digits(19), follower: { id: r.digits(19) }, source: 'oa_profile' };
}

/** Any well-formed event; for requests that must be refused before the event is read. */
function anyEvent(r: Rng): Obj {
  const k = r.int(0, 5);
  return k < 4 ? textEvent(r) : k === 4 ? attachmentEvent(r) : followEvent(r);
}

const enc = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const mac = (body: Buffer, appId = APP_ID, timestamp = '', key = KEY): string => `mac=${expectedSignature(appId, body, timestamp, key)}`;
/** Signs as Zalo does: over the body's own app_id and timestamp. */
const signed = (body: Buffer, key = KEY): string => {
  const o = JSON.parse(body.toString('utf8')) as { app_id?: unknown; timestamp?: unknown };
  return mac(body, String(o.app_id ?? ''), String(o.timestamp ?? ''), key);
};
const randomMac = (r: Rng): string => `mac=${r.chance(0.2) ? r.hex(64).toUpperCase() : r.hex(64)}`;

/** A string the id pattern `[0-9A-Za-z_-]{1,64}` refuses. */
function badId(r: Rng): string {
  switch (r.int(0, 2)) {
    case 0:
      return '';
    case 1:
      return r.id(r.int(65, 300));
    default: {
      const s = r.id(r.int(0, 40));
      const at = r.int(0, s.length);
      const bad = r.pick([' ', '/', '.', '+', '=', 'ä', 'đ', '😀', '\n', '\u0000', '%', '#', '?', '\\', '"', "'", '<', '>', ':', '@', '\u200b', '\t', '１', 'Ａ']);
      return s.slice(0, at) + bad + s.slice(at);
    }
  }
}

function wrongType(r: Rng, not: 'string' | 'object' | 'array'): Json {
  const all: Json[] = [null, true, false, 0, -1, 1.5, 1e308, 'x', '', [], ['a'], {}, { a: 1 }];
  const ok = all.filter((v) => (not === 'string' ? typeof v !== 'string' : not === 'array' ? !Array.isArray(v) : typeof v !== 'object' || v === null || Array.isArray(v)));
  return r.pick(ok);
}

// ---------------------------------------------------------------- requests

type Outcome = 'unsigned' | 'bad_signature' | 'stale' | 'wrong_app' | 'malformed' | 'too_large' | 'ignored' | 'no_route' | 'options';
const STATUS: Record<Outcome, readonly number[]> = {
  unsigned: [401],
  bad_signature: [401],
  stale: [401],
  wrong_app: [403],
  malformed: [400],
  too_large: [413],
  ignored: [200],
  // express 5 answers unknown method/path with its own 404 page; 405 would be fine too.
  no_route: [404, 405],
  // express answers OPTIONS for a known path itself (Allow: POST).
  options: [200, 204],
};

interface FuzzRequest {
  category: string;
  variant: string;
  method?: string;
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
  /** Sent without Content-Length (chunked), in several writes. */
  chunked?: boolean;
  expect: readonly Outcome[];
  /** For `ignored`: the exact value of `ignored`, when known. */
  ignored?: string;
}

const sig = (value: string | string[]): OutgoingHttpHeaders => ({ 'x-zevent-signature': value });
const json = { 'content-type': 'application/json' };

const hostile: Record<string, (r: Rng) => FuzzRequest> = {
  no_header(r) {
    // Even a perfectly formed event is refused without a signature (the console's "test" button).
    const path = r.pick([WEBHOOK_PATH, WEBHOOK_PATH, `${WEBHOOK_PATH}/`, WEBHOOK_PATH.toUpperCase(), `${WEBHOOK_PATH}?x=1`]);
    return { category: 'no_header', variant: path, path, headers: r.chance(0.8) ? json : {}, body: enc(anyEvent(r)), expect: ['unsigned'] };
  },
  empty_header(r) {
    const value = r.pick(['', ' ', '\t', 'mac=', 'mac', '=']);
    return { category: 'empty_header', variant: JSON.stringify(value), headers: { ...json, ...sig(value) }, body: enc(anyEvent(r)), expect: ['unsigned'] };
  },
  bad_mac_format(r) {
    const body = enc(anyEvent(r));
    const good = signed(body).slice(4);
    const variants: Array<[string, () => string | string[]]> = [
      ['short', () => `mac=${r.hex(r.int(1, 63))}`],
      ['long', () => `mac=${r.hex(r.int(65, 200))}`],
      ['non-hex', () => {
        const h = r.hex(64).split('');
        for (let k = r.int(1, 4); k > 0; k--) h[r.int(0, 63)] = r.pick('ghijklmnopqrstuvwxyzGXZ+/=_-.: '.split(''));
        return `mac=${h.join('')}`;
      }],
      ['good hex, other prefix', () => r.pick([`sha256=${good}`, `mac:${good}`, `mac =${good}`, `mac= ${good}`, good, `hmac=${good}`, `mac=0x${good}`, `mac="${good}"`])],
      ['good hex, trailing junk', () => r.pick([`mac=${good};`, `mac=${good},`, `mac=${good} x`, `mac=${good}0`])],
      ['repeated header', () => [`mac=${good}`, `mac=${good}`]],
      ['base64', () => `mac=${Buffer.from(good, 'hex').toString('base64')}`],
    ];
    const [variant, value] = r.pick(variants);
    return { category: 'bad_mac_format', variant, headers: { ...json, ...sig(value()) }, body, expect: ['unsigned'] };
  },
  random_mac(r) {
    // Well-formed (the prefix and hex are case-insensitive, outer blanks trimmed), just not the right digest.
    const value = `${r.pick(['', ' ', '\t'])}${r.pick(['mac=', 'mac=', 'MAC=', 'Mac='])}${r.chance(0.2) ? r.hex(64).toUpperCase() : r.hex(64)}${r.pick(['', ' '])}`;
    const variant = r.pick(['event', 'event with invalid utf-8']);
    const body = variant === 'event' ? enc(anyEvent(r)) : Buffer.concat([enc(textEvent(r)).subarray(0, -3), Buffer.from([0xc3, 0x28, 0x22, 0x7d, 0x7d])]);
    return { category: 'random_mac', variant, headers: { ...json, ...sig(value) }, body, expect: ['bad_signature'] };
  },
  tampered(r) {
    const event = anyEvent(r);
    const original = enc(event);
    const header = sig(signed(original));
    const variant = r.pick(['flip byte', 'field added', 'whitespace', 'timestamp changed', 'app_id changed', 'text NFD', 'truncated', 'appended']);
    let body: Buffer;
    let expect: Outcome[] = ['bad_signature'];
    switch (variant) {
      case 'flip byte': {
        body = Buffer.from(original);
        const at = r.int(0, body.length - 1);
        body[at] = body[at]! ^ r.int(1, 255);
        // The flip may break the JSON or the envelope before the signature is looked at.
        expect = ['bad_signature', 'malformed'];
        break;
      }
      case 'field added':
        body = Buffer.concat([original.subarray(0, -1), Buffer.from(`,${JSON.stringify(r.pick(['x', 'extra', 'admin', 'event_name']))}:${JSON.stringify(r.pick<Json>([1, 'a', null, { b: [] }]))}}`)]);
        break;
      case 'whitespace': {
        const s = original.toString('utf8');
        const spots = structuralSpots(s);
        const at = r.chance(0.2) ? r.pick([0, s.length]) : r.pick(spots) + 1;
        body = Buffer.from(s.slice(0, at) + r.pick([' ', '\n', '\t', '\r\n', '  ']) + s.slice(at));
        break;
      }
      case 'timestamp changed':
        body = enc({ ...event, timestamp: String(Number(event.timestamp) + r.pick([-1, 1]) * r.int(1, 1000)) });
        break;
      case 'app_id changed':
        body = enc({ ...event, app_id: r.digits(19) });
        break;
      case 'text NFD': {
        const e = textEvent(r);
        const msg = e.message as Obj;
        msg.text = 'tiến độ đã rà soát xong';
        const nfc = enc(e);
        msg.text = 'tiến độ đã rà soát xong'.normalize('NFD');
        return { category: 'tampered', variant, headers: { ...json, ...sig(signed(nfc)) }, body: enc(e), expect };
      }
      case 'truncated':
        body = original.subarray(0, r.int(0, original.length - 1));
        expect = ['malformed'];
        break;
      default:
        body = Buffer.concat([original, Buffer.from(r.pick([' ', '\n', '\u0000', 'x', '{}']))]);
        // JSON.parse allows trailing whitespace only.
        expect = ['bad_signature', 'malformed'];
    }
    return { category: 'tampered', variant, headers: { ...json, ...header }, body, expect };
  },
  wrong_key(r) {
    const body = enc(anyEvent(r));
    const key = r.pick(['', 'oa-secret ', 'OA-SECRET', 'oa-secre', 'oa-secretx', 'app-secret', r.hex(32)]);
    return { category: 'wrong_key', variant: JSON.stringify(key), headers: { ...json, ...sig(signed(body, key)) }, body, expect: ['bad_signature'] };
  },
  other_app(r) {
    const appId = r.pick([r.digits(19), r.digits(r.int(1, 30)), `${APP_ID} `, ` ${APP_ID}`, APP_ID.slice(0, -1), `${APP_ID}0`, `0${APP_ID}`, APP_ID.replace(/9$/, '8'), 'x']);
    const stale = r.chance(0.3);
    const body = enc(textEvent(r, { appId, ...(stale ? { timestamp: String(NOW - MAX_AGE - r.int(1, 1e9)) } : {}) }));
    // Signed with our key: the signature holds but the app is not ours (checked before freshness).
    if (r.chance(0.75)) return { category: 'other_app', variant: stale ? 'our key, stale' : 'our key', headers: { ...json, ...sig(signed(body)) }, body, expect: ['wrong_app'] };
    return { category: 'other_app', variant: 'their key', headers: { ...json, ...sig(signed(body, `their-${r.hex(8)}`)) }, body, expect: ['bad_signature'] };
  },
  stale(r) {
    const away = r.pick([MAX_AGE + 1, MAX_AGE + r.int(2, 60_000), r.int(MAX_AGE + 1, 86_400_000 * 3650)]);
    const variant = r.pick(['past', 'future', 'seconds', 'sixteen digits', 'ten digits']);
    const ts =
      variant === 'past' ? String(NOW - away)
      : variant === 'future' ? String(NOW + away)
      : variant === 'seconds' ? String(Math.floor(NOW / 1000))
      : variant === 'sixteen digits' ? r.digits(16)
      : r.digits(10);
    const body = enc(textEvent(r, { timestamp: ts }));
    return { category: 'stale', variant, headers: { ...json, ...sig(signed(body)) }, body, expect: ['stale'] };
  },
  bad_timestamp(r) {
    const n = String(NOW);
    const value = r.pick<Json | undefined>([
      'abc', '', ' ', `${n} `, ` ${n}`, `${n}\n`, `-${n}`, `+${n}`, `${n}.5`, '1.75e12', `0x${NOW.toString(16)}`, r.digits(r.int(17, 60)), r.digits(r.int(1, 9)),
      '１７５００００００００００', `${n.slice(0, 6)}_${n.slice(6)}`, 'NaN', 'Infinity', NOW, NOW + 0.5, -NOW, 1e300, null, true, [n], { t: n }, undefined,
    ]);
    const e = textEvent(r);
    if (value === undefined) delete e.timestamp;
    else e.timestamp = value;
    const body = enc(e);
    return { category: 'bad_timestamp', variant: JSON.stringify(value ?? '(missing)'), headers: { ...json, ...sig(mac(body, APP_ID, String(value ?? ''))) }, body, expect: ['malformed'] };
  },
  oversized(r) {
    const variant = r.pick(['signed event', 'random bytes', 'unsigned', 'chunked', 'gzip bomb', 'just over']);
    const size = variant === 'just over' ? WEBHOOK_MAX_BYTES + 1 : r.int(WEBHOOK_MAX_BYTES + 1, 4 * WEBHOOK_MAX_BYTES);
    if (variant === 'gzip bomb') {
      // Small on the wire, huge once inflated: never inflated (Zalo does not compress), refused as malformed.
      const inflated = Buffer.alloc(r.int(WEBHOOK_MAX_BYTES + 1, 2 * 1024 * 1024), r.pick([0x20, 0x30, 0x7b]));
      return { category: 'oversized', variant, headers: { ...json, 'content-encoding': 'gzip', ...sig(randomMac(r)) }, body: gzipSync(inflated), expect: ['malformed'] };
    }
    if (variant === 'random bytes') return { category: 'oversized', variant, headers: sig(randomMac(r)), body: r.bytes(size), expect: ['too_large'] };
    const e = textEvent(r);
    const base = enc(e).length;
    (e.message as Obj).text = 'tiến độ '.repeat(Math.ceil((size - base) / 'tiến độ '.length) + 1).slice(0, size - base);
    const body = enc(e);
    const headers = variant === 'unsigned' ? json : { ...json, ...sig(signed(body)) };
    return { category: 'oversized', variant, headers, body, chunked: variant === 'chunked', expect: ['too_large'] };
  },
  at_limit(r) {
    // Exactly at the limit is read (and refused for its signature); one byte over is not read.
    const e = textEvent(r);
    const base = enc({ ...e, pad: '' }).length;
    const body = enc({ ...e, pad: 'a'.repeat(WEBHOOK_MAX_BYTES - base) });
    return { category: 'at_limit', variant: String(body.length), headers: { ...json, ...sig(randomMac(r)) }, body, expect: ['bad_signature'] };
  },
  empty_body(r) {
    const variant = r.pick(['signed-looking', 'no header', 'chunked']);
    return {
      category: 'empty_body',
      variant,
      headers: variant === 'no header' ? json : { ...json, ...sig(randomMac(r)) },
      body: Buffer.alloc(0),
      chunked: variant === 'chunked',
      expect: [variant === 'no header' ? 'unsigned' : 'malformed'],
    };
  },
  garbage(r) {
    const variants: Array<[string, () => Buffer]> = [
      ['random bytes', () => r.bytes(r.int(1, 4096))],
      ['invalid utf-8', () => Buffer.concat([Buffer.from('{"app_id":"'), r.pick([Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xe2, 0x82])]), Buffer.from('"')])],
      ['not json', () => Buffer.from(r.pick(['{', '}', 'undefined', "{'app_id':'1'}", '{"app_id":"1",}', '{"a":1} // c', 'NaN', '<xml/>', 'app_id=1&timestamp=2', '{"app_id":"1"', '\u0000', '[1,2', '"unterminated']))],
      ['bom + json', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(textEvent(r))])],
      ['utf-16 json', () => Buffer.from(JSON.stringify(textEvent(r)), 'utf16le')],
      ['json scalar', () => Buffer.from(r.pick(['null', 'true', 'false', '0', '-1', '1e999', '"x"', '""', `"${APP_ID}"`, '[]', '[{}]', `[${JSON.stringify(textEvent(r))}]`, '{}']))],
      ['envelope types', () => enc({ ...textEvent(r), app_id: wrongType(r, 'string') })],
      ['empty app_id', () => enc({ ...textEvent(r), app_id: '' })],
    ];
    const [variant, make] = r.pick(variants);
    return { category: 'garbage', variant, headers: { ...json, ...sig(randomMac(r)) }, body: make(), expect: ['malformed'] };
  },
  deep_json(r) {
    const variant = r.pick(['arrays', 'objects', 'inside envelope', 'signed inside event']);
    if (variant === 'arrays') {
      const depth = r.int(100, 30_000);
      return { category: 'deep_json', variant, headers: sig(randomMac(r)), body: Buffer.from('['.repeat(depth) + ']'.repeat(depth)), expect: ['malformed'] };
    }
    // 6 bytes a level: 10,000 levels stay under the limit with an event around them.
    const depth = r.int(100, 10_000);
    const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    if (variant === 'objects') return { category: 'deep_json', variant, headers: sig(randomMac(r)), body: Buffer.from(nested), expect: ['malformed'] };
    const { message: _message, ...rest } = textEvent(r);
    const head = JSON.stringify(rest).slice(0, -1);
    if (variant === 'inside envelope') return { category: 'deep_json', variant, headers: sig(randomMac(r)), body: Buffer.from(`${head},"x":${nested}}`), expect: ['bad_signature'] };
    // Correctly signed, but the message is a deep tree instead of {msg_id, text}: read and ignored.
    const body = Buffer.from(`${head},"message":${nested}}`);
    return { category: 'deep_json', variant, headers: sig(signed(body)), body, expect: ['ignored'], ignored: 'malformed user_send_text' };
  },
  proto_keys(r) {
    const e = textEvent(r);
    const variants: Array<[string, () => { body: Buffer; expect: Outcome; ignored?: string }]> = [
      ['envelope only under __proto__', () => {
        const body = Buffer.from(`{"__proto__":{"app_id":"${APP_ID}","timestamp":"${NOW}"},"event_name":"user_send_text"}`);
        return { body, expect: 'malformed' };
      }],
      ['envelope under constructor.prototype', () => {
        const body = Buffer.from(`{"constructor":{"prototype":{"app_id":"${APP_ID}","timestamp":"${NOW}"}}}`);
        return { body, expect: 'malformed' };
      }],
      ['event under __proto__', () => {
        const { app_id, timestamp, ...rest } = e;
        return { body: Buffer.from(`{"app_id":${JSON.stringify(app_id)},"timestamp":${JSON.stringify(timestamp)},"__proto__":${JSON.stringify(rest)}}`), expect: 'ignored', ignored: '(none)' };
      }],
      ['message under __proto__', () => {
        const { message, ...rest } = e;
        return { body: Buffer.from(`${JSON.stringify(rest).slice(0, -1)},"message":{"__proto__":${JSON.stringify(message)}}}`), expect: 'ignored', ignored: 'malformed user_send_text' };
      }],
      ['sender under __proto__', () => {
        const { sender, ...rest } = e;
        return { body: Buffer.from(`${JSON.stringify(rest).slice(0, -1)},"sender":{"__proto__":${JSON.stringify(sender)}}}`), expect: 'ignored', ignored: 'malformed user_send_text' };
      }],
      ['event_name is a prototype key', () => {
        const name = r.pick(PROTO_NAMES);
        return { body: enc({ ...e, event_name: name }), expect: 'ignored', ignored: name.slice(0, 64) };
      }],
      ['pollution payload', () => {
        const name = r.pick(IGNORED_NAMES);
        return { body: Buffer.from(`${JSON.stringify({ ...e, event_name: name }).slice(0, -1)},"__proto__":{"polluted":"yes","event_name":"user_send_text"},"constructor":{"prototype":{"polluted":"yes"}}}`), expect: 'ignored', ignored: name.slice(0, 64) };
      }],
    ];
    const [variant, make] = r.pick(variants);
    const m = make();
    return { category: 'proto_keys', variant, headers: { ...json, ...sig(m.expect === 'malformed' ? randomMac(r) : signed(m.body)) }, body: m.body, expect: [m.expect], ...(m.ignored ? { ignored: m.ignored } : {}) };
  },
  content_type(r) {
    const type = r.pick([undefined, 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/json; charset=utf-16', 'application/json; charset=bogus', 'application/octet-stream', 'application/xml', '*/*', ';;;', 'application/json, text/html']);
    const e = anyEvent(r);
    const variant = r.pick(['event, random mac', 'form body', 'multipart body']);
    const body =
      variant === 'form body' ? Buffer.from(new URLSearchParams({ app_id: APP_ID, timestamp: String(NOW), event_name: 'user_send_text' }).toString())
      : variant === 'multipart body' ? Buffer.from(`--xyz\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${JSON.stringify(e)}\r\n--xyz--\r\n`)
      : enc(e);
    return { category: 'content_type', variant: `${type ?? '(none)'} / ${variant}`, headers: { ...(type ? { 'content-type': type } : {}), ...sig(randomMac(r)) }, body, expect: [variant === 'event, random mac' ? 'bad_signature' : 'malformed'] };
  },
  content_encoding(r) {
    const body = enc(anyEvent(r));
    const variant = r.pick(['gzip', 'deflate', 'gzip garbage', 'deflate garbage', 'unknown', 'gzip truncated']);
    const data =
      variant === 'gzip' ? gzipSync(body)
      : variant === 'deflate' ? deflateSync(body)
      : variant === 'gzip truncated' ? gzipSync(body).subarray(0, r.int(1, 20))
      : variant === 'unknown' ? body
      : r.bytes(r.int(1, 500));
    const coding = variant.startsWith('gzip') ? 'gzip' : variant.startsWith('deflate') ? 'deflate' : r.pick(['compress', 'x-custom', 'identity, gzip', 'snappy']);
    return {
      category: 'content_encoding',
      variant,
      headers: { ...json, 'content-encoding': coding, ...sig(randomMac(r)) },
      body: data,
      // Compressed bodies are not inflated: the signature is over the bytes on the wire.
      expect: ['malformed'],
    };
  },
  other_route(r) {
    const e = enc(anyEvent(r));
    const variant = r.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'POST elsewhere']);
    if (variant === 'POST elsewhere') {
      const path = r.pick(['/zalo/webhook/x', '/zalo/webhooks', '/zalo', '/', '/zalo/webhook/../x', '/zalo//webhook', '/zalo/%E0%A4%A']);
      return { category: 'other_route', variant: `POST ${path}`, method: 'POST', path, headers: { ...json, ...sig(signed(e)) }, body: e, expect: ['no_route'] };
    }
    // A correctly signed, fresh event on the wrong method must not be queued either.
    const withBody = variant === 'PUT' || variant === 'PATCH' || variant === 'DELETE';
    return {
      category: 'other_route',
      variant,
      method: variant,
      headers: withBody ? { ...json, ...sig(signed(e)) } : {},
      ...(withBody ? { body: e } : {}),
      expect: [variant === 'OPTIONS' ? 'options' : 'no_route'],
    };
  },
};

/** Offsets of JSON punctuation outside strings: whitespace may go right after them. */
function structuralSpots(s: string): number[] {
  const spots: number[] = [];
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',' || c === ':' || c === '{' || c === '}' || c === '[' || c === ']') spots.push(i);
  }
  return spots;
}

// Signed, fresh, for our app: only the event inside is wrong. Each must be read and ignored.
const shapes: Record<string, (r: Rng) => { body: Obj | Buffer; variant: string; ignored: string }> = {
  event_name(r) {
    const e = textEvent(r);
    const variant = r.pick(['random', 'near miss', 'known ignored', 'prototype', 'not a string', 'missing']);
    let name: Json | undefined;
    if (variant === 'random') {
      do name = r.from('abcdefghijklmnopqrstuvwxyz_ ĐđươạếỗỆ😀\u0000\u200b0123456789', r.int(0, 80));
      while (ACTED.includes(name));
    } else if (variant === 'near miss') {
      const real = r.pick(ACTED);
      const misses = [real.toUpperCase(), ` ${real}`, `${real} `, `${real}\u0000`, `${real}\u200b`, real.replace('_', '-'), real.slice(0, -1), `${real}s`, real.replace('e', 'е')];
      name = r.pick(misses.filter((m) => !ACTED.includes(m)));
    } else if (variant === 'known ignored') name = r.pick(IGNORED_NAMES);
    else if (variant === 'prototype') name = r.pick(PROTO_NAMES);
    else if (variant === 'not a string') name = r.pick<Json>([null, 1, true, ['user_send_text'], { user_send_text: true }, {}]);
    if (name === undefined) delete e.event_name;
    else e.event_name = name;
    return { body: e, variant, ignored: typeof name === 'string' ? name.slice(0, 64) : '(none)' /* echoed up to 64 characters */ };
  },
  text(r) {
    const e = textEvent(r);
    const msg = e.message as Obj;
    const variant = r.pick([
      'no message', 'message type', 'no msg_id', 'msg_id type', 'msg_id chars', 'no sender', 'sender type', 'sender id',
      'no text', 'text type', 'text too long', 'recipient id', 'recipient type',
    ]);
    switch (variant) {
      case 'no message': delete e.message; break;
      case 'message type': e.message = wrongType(r, 'object'); break;
      case 'no msg_id': delete msg.msg_id; break;
      case 'msg_id type': msg.msg_id = wrongType(r, 'string'); break;
      case 'msg_id chars': msg.msg_id = badId(r); break;
      case 'no sender': delete e.sender; break;
      case 'sender type': e.sender = wrongType(r, 'object'); break;
      case 'sender id': e.sender = r.chance(0.8) ? { id: badId(r) } : { id: wrongType(r, 'string') }; break;
      case 'no text': delete msg.text; break;
      case 'text type': msg.text = wrongType(r, 'string'); break;
      case 'text too long': msg.text = 'đã xong '.repeat(1300).slice(0, r.int(10_001, 10_400)); break;
      case 'recipient id': e.recipient = { id: badId(r) }; break;
      default: e.recipient = r.pick<Json>(['5000', 5000, [], true]);
    }
    return { body: e, variant, ignored: 'malformed user_send_text' };
  },
  attachments(r) {
    const e = attachmentEvent(r);
    const msg = e.message as Obj;
    const list = msg.attachments as Obj[];
    const item = r.pick(list);
    const payload = item.payload as Obj;
    const variant = r.pick([
      'no attachments', 'attachments type', 'empty', 'too many', 'item type', 'no type', 'type type', 'no payload', 'payload type',
      'no url', 'url not a url', 'url type', 'url too long', 'name too long', 'name type', 'msg_id chars', 'text type', 'sender id',
    ]);
    switch (variant) {
      case 'no attachments': delete msg.attachments; break;
      case 'attachments type': msg.attachments = wrongType(r, 'array'); break;
      case 'empty': msg.attachments = []; break;
      case 'too many': msg.attachments = Array.from({ length: r.int(21, 40) }, () => attachment(r)); break;
      case 'item type': list[r.int(0, list.length - 1)] = wrongType(r, 'object') as Obj; break;
      case 'no type': delete item.type; break;
      case 'type type': item.type = wrongType(r, 'string'); break;
      case 'no payload': delete item.payload; break;
      case 'payload type': item.payload = wrongType(r, 'object'); break;
      case 'no url': delete payload.url; break;
      // No scheme at all, or a scheme with no host: new URL() refuses these.
      case 'url not a url': payload.url = r.pick(['', 'not a url', 'photo.jpg', '/relative/path.jpg', '//cdn.example/x.jpg', 'http://', 'https://', 'http://a b.vn/x', 'https://[::1', 'www.zalo.me/x', r.id(30)]); break;
      case 'url type': payload.url = wrongType(r, 'string'); break;
      case 'url too long': payload.url = `https://f21-zpc.zdn.vn/${'a'.repeat(r.int(1980, 3000))}`; break;
      case 'name too long': payload.name = 'minh chứng '.repeat(60).slice(0, r.int(501, 660)); break;
      case 'name type': payload.name = r.pick<Json>([1, [], {}, true]); break;
      case 'msg_id chars': msg.msg_id = badId(r); break;
      case 'text type': msg.text = r.pick<Json>([1, [], {}, true]); break;
      default: e.sender = { id: badId(r) };
    }
    return { body: e, variant, ignored: `malformed ${String(e.event_name)}` };
  },
  follow(r) {
    const e = followEvent(r);
    const variant = r.pick(['no follower', 'follower type', 'follower id', 'sender instead']);
    switch (variant) {
      case 'no follower': delete e.follower; break;
      case 'follower type': e.follower = wrongType(r, 'object'); break;
      case 'follower id': e.follower = r.chance(0.8) ? { id: badId(r) } : { id: wrongType(r, 'string') }; break;
      default: delete e.follower; e.sender = { id: r.digits(19) };
    }
    return { body: e, variant, ignored: `malformed ${String(e.event_name)}` };
  },
};

// ---------------------------------------------------------------- the webhook under test

interface Target {
  store: SqliteStore;
  queued: () => number;
  send: (req: FuzzRequest) => Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>;
  close: () => Promise<void>;
}

const targets: Target[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
});

async function startTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-fuzz-'));
  const store = new SqliteStore(join(dir, 'state.sqlite'));
  let queued = 0;
  const app = express();
  app.use(webhookRouter({ auth: { appId: APP_ID, secretKey: KEY, maxAgeMs: MAX_AGE }, store, log: pino({ level: 'silent' }), onQueued: () => void queued++, now: () => NOW }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send: Target['send'] = (req) =>
    new Promise((resolve, reject) => {
      const headers: OutgoingHttpHeaders = { ...req.headers };
      if (req.body && !req.chunked) headers['content-length'] = req.body.length;
      const out = request({ host: '127.0.0.1', port, method: req.method ?? 'POST', path: req.path ?? WEBHOOK_PATH, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.setTimeout(15_000, () => out.destroy(new Error('no answer within 15 s')));
      if (req.body && req.chunked) {
        // Several writes without Content-Length: the limit must hold on a stream too.
        const step = Math.max(1, Math.ceil(req.body.length / 4));
        for (let i = 0; i < req.body.length; i += step) out.write(req.body.subarray(i, i + step));
        out.end();
      } else out.end(req.body);
    });
  const t: Target = {
    store,
    queued: () => queued,
    send,
    async close() {
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  targets.push(t);
  return t;
}

interface Failure {
  index: number;
  category: string;
  variant: string;
  problem: string;
  status?: number;
  answer?: string;
  sent?: string;
}

/** Checks one answer against what the request's category allows; a string says what is wrong. */
function judge(req: FuzzRequest, status: number, text: string): string | undefined {
  if (status >= 500) return `server error ${status}`;
  const allowed = req.expect.filter((o) => STATUS[o].includes(status));
  if (allowed.length === 0) return `status ${status}, expected ${req.expect.join(' or ')}`;
  if (allowed.every((o) => o === 'no_route' || o === 'options')) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'answer is not JSON';
  }
  if (status === 200) {
    if (body.ok !== true || typeof body.ignored !== 'string' || 'duplicate' in body) return 'expected {ok:true, ignored}';
    if (req.ignored !== undefined && body.ignored !== req.ignored) return `ignored ${JSON.stringify(body.ignored)}, expected ${JSON.stringify(req.ignored)}`;
    return undefined;
  }
  if (body.ok !== false) return 'refusal without ok:false';
  if (!allowed.includes(body.error as Outcome)) return `error ${JSON.stringify(body.error)}, expected ${allowed.join(' or ')}`;
  return undefined;
}

async function run(t: Target, n: number, make: (r: Rng, i: number) => FuzzRequest): Promise<{ failures: Failure[]; seen: Map<string, number> }> {
  const failures: Failure[] = [];
  const seen = new Map<string, number>();
  await mapLimit(Array.from({ length: n }, (_, i) => i), CONCURRENCY, async (i) => {
    let req: FuzzRequest | undefined;
    try {
      req = make(new Rng(SEED, i), i);
      seen.set(req.category, (seen.get(req.category) ?? 0) + 1);
      const res = await t.send(req);
      const problem = judge(req, res.status, res.text);
      if (problem) failures.push({ index: i, category: req.category, variant: req.variant, problem, status: res.status, answer: res.text.slice(0, 200), sent: req.body?.subarray(0, 200).toString('utf8') });
    } catch (err) {
      failures.push({ index: i, category: req?.category ?? '?', variant: req?.variant ?? '?', problem: `request failed: ${(err as Error).message}` });
    }
  });
  return { failures, seen };
}

function reportSeed(onTestFailed: (fn: () => void) => void): void {
  onTestFailed(() => console.error(`webhook fuzz failed with seed ${SEED}: rerun with FUZZ_SEED=${SEED}`));
}

describe(`webhook under hostile traffic (seed ${SEED})`, () => {
  it(`answers ${HOSTILE} generated hostile requests with documented refusals and queues none`, async ({ onTestFailed }) => {
    reportSeed(onTestFailed);
    const t = await startTarget();
    const names = Object.keys(hostile);
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const { failures, seen } = await run(t, HOSTILE, (r) => hostile[r.pick(names)]!(r));

    expect(failures.slice(0, 15), `seed ${SEED}: ${failures.length} of ${HOSTILE} requests answered wrongly`).toEqual([]);
    // Every category was exercised, not just generated.
    for (const name of names) expect(seen.get(name) ?? 0, `requests in category ${name}`).toBeGreaterThan(HOSTILE / names.length / 2);
    expect(await t.store.inboxCount(), `seed ${SEED}: rows queued by hostile requests`).toBe(0);
    expect(t.queued(), 'onQueued calls').toBe(0);
    expect(Object.getOwnPropertyNames(Object.prototype).sort(), 'Object.prototype untouched').toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Alive and accepting all along: a genuine event is queued exactly once.
    const body = enc(textEvent(new Rng(SEED, -1), { timestamp: String(NOW) }));
    const res = await t.send({ category: 'genuine', variant: 'user_send_text', headers: { ...json, ...sig(signed(body)) }, body, expect: [] });
    expect([res.status, JSON.parse(res.text)]).toEqual([200, { ok: true }]);
    expect(await t.store.inboxCount()).toBe(1);
    expect(t.queued()).toBe(1);
  });

  it(`reads and ignores ${SHAPES} correctly signed events of the wrong shape`, async ({ onTestFailed }) => {
    reportSeed(onTestFailed);
    const t = await startTarget();
    const names = Object.keys(shapes);
    const { failures, seen } = await run(t, SHAPES, (r, i) => {
      const name = r.pick(names);
      const s = shapes[name]!(r);
      const body = Buffer.isBuffer(s.body) ? s.body : enc(s.body);
      return { category: name, variant: `${s.variant} #${i}`, headers: { ...json, ...sig(signed(body)) }, body, expect: ['ignored'], ignored: s.ignored };
    });
    expect(failures.slice(0, 15), `seed ${SEED}: ${failures.length} of ${SHAPES} events answered wrongly`).toEqual([]);
    for (const name of names) expect(seen.get(name) ?? 0, `events in category ${name}`).toBeGreaterThan(SHAPES / names.length / 2);
    expect(await t.store.inboxCount(), `seed ${SEED}: rows queued by malformed events`).toBe(0);
    expect(t.queued(), 'onQueued calls').toBe(0);
  });
});
