// Dashboard charts as inline SVG strings: no chart library, no external fonts or scripts, so the
// page works on an agency intranet without internet access. Deterministic: same input, same string.
import type { CompletionPoint, UnitLine } from '../domain/dashboard.js';
import { formatDate } from '../domain/notification.js';

export const CHART_COLORS = {
  done: '#188038',
  awaitingApproval: '#f9ab00',
  dueSoon: '#1a73e8',
  notDue: '#9aa0a6',
  overdue: '#d93025',
  weekly: '#81c995',
  axis: '#5f6368',
  grid: '#e8eaed',
  text: '#202124',
} as const;

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
const EMPTY_TEXT = 'Chưa có dữ liệu';
/** Estimated advance of a character: 13px bold, 13px, 12px (no font metrics in a string builder; err wide). */
const CHAR_W_BOLD = 7.8;
const CHAR_W = 7.5;
const CHAR_W_SMALL = 6.6;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Coordinates with at most 2 decimals, never "-0": short, stable output. */
function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A width or height option: the default when missing or not a number, never below min. */
function size(v: number | undefined, fallback: number, min: number): number {
  return Math.max(min, v !== undefined && Number.isFinite(v) ? v : fallback);
}

/** Whole percent, but never "100%" while something is still open (199/200 is not done). */
function percent(done: number, of: number): number {
  if (of <= 0) return 0;
  const p = Math.round((done / of) * 100);
  return done < of ? Math.min(p, 99) : p;
}

function svgOpen(width: number, height: number, label: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(width)} ${num(height)}" width="100%" ` +
    `preserveAspectRatio="xMidYMin meet" role="img" aria-label="${esc(label)}" ` +
    `font-family="${FONT}" font-size="13" fill="${CHART_COLORS.text}"><title>${esc(label)}</title>`
  );
}

/** The chart's title and "Chưa có dữ liệu", so an empty box still says what it is. */
function emptySvg(width: number, height: number, title: string): string {
  return (
    svgOpen(width, height, `${title}: ${EMPTY_TEXT}`) +
    `<text x="${num(width / 2)}" y="20" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>` +
    `<text x="${num(width / 2)}" y="${num(Math.max(48, height / 2 + 10))}" text-anchor="middle" fill="${CHART_COLORS.axis}">${EMPTY_TEXT}</text>` +
    `</svg>`
  );
}

// ---------------------------------------------------------------------------
// Per-unit stacked bars
// ---------------------------------------------------------------------------

interface Segment {
  key: string;
  label: string;
  color: string;
  count: (l: UnitLine) => number;
}

/** Left to right: what is finished, what waits on a manager, what is still running, what is late. */
const SEGMENTS: Segment[] = [
  { key: 'done', label: 'Hoàn thành', color: CHART_COLORS.done, count: (l) => l.counts.done },
  { key: 'awaiting_approval', label: 'Chờ duyệt', color: CHART_COLORS.awaitingApproval, count: (l) => l.counts.byStatus.awaiting_approval },
  { key: 'due_soon', label: 'Sắp đến hạn', color: CHART_COLORS.dueSoon, count: (l) => l.counts.byStatus.due_soon },
  {
    key: 'not_due',
    label: 'Chưa đến hạn, chờ điều kiện triển khai',
    color: CHART_COLORS.notDue,
    count: (l) => l.counts.byStatus.not_due + l.counts.byStatus.awaiting_activation,
  },
  { key: 'overdue', label: 'Quá hạn', color: CHART_COLORS.overdue, count: (l) => l.counts.byStatus.overdue },
];

/** Tasks still meant to be done (cancelled ones are out of the picture). */
function live(l: UnitLine): number {
  return l.counts.total - l.counts.byStatus.cancelled;
}

function unitSummary(l: UnitLine): string {
  const n = live(l);
  if (n === 0) return `chỉ có nhiệm vụ đã hủy (${l.counts.byStatus.cancelled})`;
  return `${l.counts.done}/${n} hoàn thành (${percent(l.counts.done, n)}%)`;
}

/**
 * Horizontal stacked bars, one per unit, all on one scale (the unit with the most tasks fills the
 * width) so a long red segment means many overdue tasks, not a small unit.
 */
export function unitBarsSvg(lines: UnitLine[], opts: { width?: number } = {}): string {
  const width = size(opts.width, 720, 240);
  const title = 'Tiến độ nhiệm vụ theo đơn vị';
  const pad = 12;
  const legendH = 28;
  const rowH = 48;
  const barH = 16;
  const barW = width - 2 * pad;
  const max = Math.max(0, ...lines.map(live));
  if (lines.length === 0 || max === 0) return emptySvg(width, 80, title);

  // Legend: a swatch and a word per segment, wrapped to the width. Without font metrics, text
  // width is estimated per character (generous, so items do not collide).
  let legend = '';
  const titleH = 30;
  let lx = pad;
  let ly = titleH;
  for (const s of SEGMENTS) {
    const itemW = 16 + s.label.length * CHAR_W_SMALL;
    if (lx > pad && lx + itemW > width - pad) {
      lx = pad;
      ly += 20;
    }
    legend += `<rect x="${num(lx)}" y="${ly}" width="12" height="12" rx="2" fill="${s.color}"/>`;
    legend += `<text x="${num(lx + 16)}" y="${ly + 10}">${esc(s.label)}</text>`;
    lx += itemW + 14;
  }
  const barsTop = ly + legendH;

  const height = barsTop + lines.length * rowH + pad;
  const done = lines.reduce((s, l) => s + l.counts.done, 0);
  const all = lines.reduce((s, l) => s + live(l), 0);
  const label = `${title}: ${lines.length} đơn vị, ${done}/${all} nhiệm vụ hoàn thành (${percent(done, all)}%)`;
  let out = svgOpen(width, height, label);
  out += `<text x="${num(width / 2)}" y="20" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`;
  out += `<g font-size="12">${legend}</g>`;

  lines.forEach((l, i) => {
    const top = barsTop + i * rowH;
    const barY = top + 22;
    const summary = `— ${unitSummary(l)}`;
    // A long unit name is cut to leave room for the summary; the full name stays in the tooltip.
    const room = Math.max(8, Math.floor((barW - 5 - summary.length * CHAR_W) / CHAR_W_BOLD));
    const name = l.name.length > room ? `${l.name.slice(0, room - 1).trimEnd()}…` : l.name;
    out += `<g>`;
    // dx, not a leading space: SVG collapses whitespace at the start of a tspan.
    out +=
      `<text x="${pad}" y="${top + 14}"><title>${esc(`${l.name} ${summary}`)}</title>` +
      `<tspan font-weight="600">${esc(name)}</tspan><tspan dx="5" fill="${CHART_COLORS.axis}">${esc(summary)}</tspan></text>`;
    // Track behind the bar: the scale of the whole chart.
    out += `<rect x="${pad}" y="${barY}" width="${num(barW)}" height="${barH}" rx="3" fill="${CHART_COLORS.grid}"/>`;
    let x = pad;
    for (const s of SEGMENTS) {
      const c = s.count(l);
      if (c === 0) continue;
      const w = (c / max) * barW;
      out +=
        `<rect class="seg-${s.key}" x="${num(x)}" y="${barY}" width="${num(w)}" height="${barH}" fill="${s.color}">` +
        `<title>${esc(`${l.name} — ${s.label}: ${c}`)}</title></rect>`;
      x += w;
    }
    out += `</g>`;
  });
  return out + `</svg>`;
}

// ---------------------------------------------------------------------------
// Completion over time
// ---------------------------------------------------------------------------

/** A step of 1, 2 or 5 × 10^k giving at most `maxTicks` integer ticks up to max. */
function tickStep(max: number, maxTicks: number): number {
  const raw = Math.max(1, max / maxTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return Math.max(1, m * mag);
  return 10 * mag;
}

function ddmm(iso: string): string {
  return formatDate(iso).slice(0, 5);
}

/** Cumulative completions by week (line over a light area) with each week's count as bars. */
export function completionChartSvg(points: CompletionPoint[], opts: { width?: number; height?: number } = {}): string {
  const width = size(opts.width, 720, 240);
  const height = size(opts.height, 320, 160);
  const title = 'Số nhiệm vụ hoàn thành theo tuần';
  const last = points[points.length - 1];
  if (!last || last.cumulative === 0) return emptySvg(width, height, title);

  const first = points[0]!;
  const label =
    `${title}, từ tuần ${formatDate(first.week)} đến tuần ${formatDate(last.week)}: ` +
    `lũy kế ${last.cumulative} nhiệm vụ, tuần gần nhất ${last.done}`;

  const left = 44;
  const right = 16;
  const top = 56;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxY = Math.max(1, ...points.map((p) => Math.max(p.cumulative, p.done)));
  const step = tickStep(maxY, 5);
  const yMax = Math.ceil(maxY / step) * step;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const slot = plotW / points.length;
  const cx = (i: number) => left + slot * (i + 0.5);

  let out = svgOpen(width, height, label);
  out += `<text x="${num(width / 2)}" y="20" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`;

  // Legend under the title.
  const ly = 38;
  out += `<g font-size="12">`;
  out += `<rect x="${left}" y="${ly - 10}" width="12" height="12" fill="${CHART_COLORS.weekly}"/>`;
  out += `<text x="${left + 16}" y="${ly}">Hoàn thành trong tuần</text>`;
  out += `<line x1="${left + 170}" y1="${ly - 4}" x2="${left + 190}" y2="${ly - 4}" stroke="${CHART_COLORS.done}" stroke-width="2.5"/>`;
  out += `<text x="${left + 196}" y="${ly}">Lũy kế</text>`;
  out += `</g>`;

  // Horizontal grid with integer labels.
  out += `<g font-size="11" fill="${CHART_COLORS.axis}">`;
  for (let v = 0; v <= yMax; v += step) {
    out += `<line x1="${left}" y1="${num(y(v))}" x2="${num(left + plotW)}" y2="${num(y(v))}" stroke="${CHART_COLORS.grid}"/>`;
    out += `<text x="${left - 6}" y="${num(y(v) + 4)}" text-anchor="end">${v}</text>`;
  }
  out += `</g>`;

  // Weekly counts as bars.
  const barW = Math.max(1, slot * 0.6);
  out += `<g fill="${CHART_COLORS.weekly}">`;
  points.forEach((p, i) => {
    if (p.done === 0) return;
    out +=
      `<rect x="${num(cx(i) - barW / 2)}" y="${num(y(p.done))}" width="${num(barW)}" height="${num(y(0) - y(p.done))}">` +
      `<title>${esc(`Tuần từ ${formatDate(p.week)}: ${p.done} hoàn thành`)}</title></rect>`;
  });
  out += `</g>`;

  // Cumulative as an area under a line, with a dot per week.
  const coords = points.map((p, i) => `${num(cx(i))},${num(y(p.cumulative))}`);
  const base = num(y(0));
  out += `<polygon points="${num(cx(0))},${base} ${coords.join(' ')} ${num(cx(points.length - 1))},${base}" fill="${CHART_COLORS.done}" fill-opacity="0.12"/>`;
  out += `<polyline points="${coords.join(' ')}" fill="none" stroke="${CHART_COLORS.done}" stroke-width="2.5" stroke-linejoin="round"/>`;
  out += `<g fill="${CHART_COLORS.done}">`;
  points.forEach((p, i) => {
    out +=
      `<circle cx="${num(cx(i))}" cy="${num(y(p.cumulative))}" r="3">` +
      `<title>${esc(`Tuần từ ${formatDate(p.week)}: lũy kế ${p.cumulative} nhiệm vụ`)}</title></circle>`;
  });
  out += `</g>`;

  // X axis: dd/mm of each Monday, thinned out so labels never overlap.
  const every = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(plotW / 44))));
  out += `<line x1="${left}" y1="${base}" x2="${num(left + plotW)}" y2="${base}" stroke="${CHART_COLORS.axis}"/>`;
  out += `<g font-size="11" fill="${CHART_COLORS.axis}" text-anchor="middle">`;
  points.forEach((p, i) => {
    // Count from the right so the latest week always has its label.
    if ((points.length - 1 - i) % every !== 0) return;
    out += `<text x="${num(cx(i))}" y="${num(top + plotH + 18)}">${ddmm(p.week)}</text>`;
  });
  out += `</g>`;
  return out + `</svg>`;
}
