// Vietnamese text for admins reading the terminal.
import type { Drift, RebuildResult } from '../client/read-model.js';
import { sourceText } from '../domain/document.js';
import { formatDate, formatDateTime } from '../domain/notification.js';
import type { Org } from '../domain/org.js';
import { ESCALATION_LABELS, STATUS_LABELS, TASK_STATUSES, type TaskStatus } from '../domain/status.js';
import type { MultiUnitTaskView, UnitTaskView } from '../domain/task.js';
import type { TaskRow } from '../client/visibility.js';
import type { PlanRecord } from '../store/store.js';
import type { ImportedPlan } from '../domain/plan-import.js';
import type { BuiltReport } from '../activities/reports.js';
import type { ReachRow } from '../client/reach.js';
import { maskPhone } from '../domain/phone.js';
import { CHANNEL_LABELS, type ChannelRules } from '../domain/reach.js';
import { lastInteractionText, refusalText, skipReasons, zaloText } from '../client/reach.js';

/** A plain text table; widths by characters, which is right for precomposed Vietnamese. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const when = formatDateTime;

export function planList(plans: PlanRecord[]): string {
  if (plans.length === 0) return 'Chưa có kế hoạch nào được khởi động.';
  return table(
    ['Mã kế hoạch', 'Số văn bản', 'Số nhiệm vụ', 'Khởi động lúc', 'Tên kế hoạch'],
    plans.map((p) => [p.id, p.documentNumber, String(p.taskCount), when(p.startedAt), p.title]),
  );
}

export function planStatus(planId: string, rows: TaskRow[], org: Org): string {
  const name = (id: string) => org.people.find((p) => p.id === id)?.name ?? id;
  const counts = TASK_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  const summary = counts.map(([s, n]) => `${STATUS_LABELS[s]}: ${n}`).join('; ') || 'không có nhiệm vụ';
  return [
    `Kế hoạch ${planId}: ${rows.length} nhiệm vụ theo đơn vị (${summary}).`,
    '',
    table(
      ['Số hiệu', 'Đơn vị', 'Người được giao', 'Hạn', 'Trạng thái', 'Cấp báo cáo'],
      rows.map((r) => [r.ref, r.unit, name(r.assignee), r.due ? formatDate(r.due) : '—', STATUS_LABELS[r.status], String(r.escalationLevel)]),
    ),
  ].join('\n');
}

export function unitTask(v: UnitTaskView): string {
  const lines = [
    `Nhiệm vụ ${v.task.ref}: ${v.task.title}`,
    `Kế hoạch: ${v.planTitle} (${v.planId})`,
    `Nội dung: ${v.task.content}`,
    `Đơn vị chủ trì: ${v.unit.name}`,
    ...(v.task.support.length ? [`Đơn vị phối hợp: ${v.task.support.join(', ')}`] : []),
    `Người được giao: ${v.assignee.name} (${v.assignee.title})${v.acknowledgedBy ? ', đã nhận' : ', chưa nhận'}`,
    `Thời hạn: ${v.due ? formatDate(v.due) : '—'} (văn bản ghi: «${v.task.deadline.text}»)${v.originalDue && v.due !== v.originalDue ? `, đã gia hạn từ ${formatDate(v.originalDue)}` : ''}`,
    `Trạng thái: ${STATUS_LABELS[v.status]}`,
    `Mức báo cáo cấp trên: ${v.escalationLevel} (${ESCALATION_LABELS[v.escalationLevel]})`,
    ...(v.progress ? [`Tiến độ: ${v.progress.percent}%${v.progress.note ? ` — ${v.progress.note}` : ''}`] : []),
    ...(v.cycle ? [`Kỳ hiện tại: ${v.cycle.label}${v.cycle.checkedIn ? ' (đã báo cáo)' : ''}`] : []),
    ...(v.extensionRequest ? [`Đang xin gia hạn đến ${formatDate(v.extensionRequest.until)}: ${v.extensionRequest.reason}`] : []),
    ...(v.explanation && !v.explanation.answer ? [`Đang chờ giải trình (hạn ${formatDate(v.explanation.due)}): ${v.explanation.question}`] : []),
    '',
    'Diễn biến:',
    ...v.timeline.map((t) => `  ${when(t.at)}  ${t.text}`),
  ];
  return lines.join('\n');
}

export function multiTask(v: MultiUnitTaskView): string {
  return [
    `Nhiệm vụ ${v.task.ref}: ${v.task.title}`,
    `Trạng thái chung: ${STATUS_LABELS[v.status]}`,
    '',
    table(
      ['Đơn vị', 'Trạng thái', 'Mã nhiệm vụ của đơn vị'],
      v.units.map((u) => [u.unit, STATUS_LABELS[u.status as TaskStatus], u.workflowId]),
    ),
  ].join('\n');
}

/** What the importer understood, for an admin to review before starting. */
export function importPreview(imported: ImportedPlan, unitCount: number): string {
  const units = (lead: string[]) => (lead.length === unitCount ? `tất cả ${unitCount} đơn vị` : lead.join(', ') || '—');
  const deadline = (t: ImportedPlan['tasks'][number]) => {
    const d = t.deadline;
    if (d.kind === 'date') return formatDate(d.due);
    if (d.kind === 'phased') return d.phases.map((p) => `${p.label}: ${formatDate(p.due)}`).join('; ');
    return DEADLINE_KIND_LABELS[d.kind];
  };
  return [
    `${imported.plan.title}`,
    `Số văn bản: ${imported.plan.document.number}; cơ quan ban hành: ${imported.plan.document.issuer}; mã kế hoạch: ${imported.plan.id}`,
    ...(imported.plan.reporting
      ? [`Chế độ báo cáo: ${imported.plan.reporting.cycles.map((c) => CYCLE_LABELS[c.cycle]).join(', ')}; đơn vị tổng hợp: ${imported.plan.reporting.owner}`]
      : []),
    '',
    table(
      ['Số hiệu', 'Đơn vị chủ trì', 'Thời hạn', 'Văn bản ghi', 'Nguồn'],
      imported.tasks.map((t) => {
        // "?" marks what was read into the text rather than stated: the admin checks it.
        const doubt = (f: 'lead' | 'deadline') => (t.uncertain.some((u) => u.field === f || u.field === 'task') ? ' ?' : '');
        return [t.ref, `${units(t.lead)}${doubt('lead')}`, `${deadline(t)}${doubt('deadline')}`, t.deadline.text || '—', sourceText(t.source)];
      }),
    ),
    ...(imported.tasks.some((t) => t.uncertain.length)
      ? ['"?": suy ra từ câu văn, tiêu đề nhóm hoặc bản scan, không phải văn bản ghi rõ; đề nghị đối chiếu trước khi khởi động.']
      : []),
    '',
    imported.warnings.length ? `Cảnh báo (${imported.warnings.length}):` : 'Không có cảnh báo.',
    ...imported.warnings.map((w) => `  - ${w.ref ? `${w.ref}: ` : ''}${w.vi}`),
  ].join('\n');
}

const DEADLINE_KIND_LABELS = {
  date: 'theo ngày',
  recurring: 'định kỳ',
  ongoing: 'thường xuyên',
  event: 'khi có điều kiện',
  phased: 'theo lộ trình',
  unknown: 'chưa rõ',
} as const;

const CYCLE_LABELS = { monthly: 'hằng tháng', quarterly: 'hằng quý', 'half-yearly': '6 tháng', yearly: 'hằng năm' } as const;

export function reportBuilt(r: BuiltReport): string {
  const counts = TASK_STATUSES.filter((s) => r.counts[s] > 0).map((s) => `${STATUS_LABELS[s]}: ${r.counts[s]}`);
  return [
    `Đã lập báo cáo ${r.period.label} của kế hoạch ${r.planId}: ${r.total} nhiệm vụ (${counts.join('; ')}).`,
    `Tệp Word: ${r.docx}`,
    `Tệp Excel: ${r.xlsx}`,
    `Hạn gửi: trước ngày ${formatDate(r.submitBy)}.`,
  ].join('\n');
}

/** `person reach`: who a reminder reaches now; the unreachable first and marked. */
export function reachTable(rows: ReachRow[], rules: ChannelRules): string {
  const none = rows.filter((r) => r.channels.length === 0).length;
  return [
    none ? `${none} cán bộ không liên lạc được (trên tổng số ${rows.length} cán bộ).` : `Tất cả ${rows.length} cán bộ đều liên lạc được.`,
    ...(rules.zalo ? [] : ['Zalo OA chưa có mã truy cập hợp lệ: tin nhắn Zalo tạm thời không gửi được (cấp mã mới: npm run cli -- zalo token MÃ_TRUY_CẬP MÃ_LÀM_MỚI).']),
    '',
    table(
      ['Mã', 'Họ tên', 'Đơn vị', 'Zalo', 'Tương tác gần nhất', 'Điện thoại', 'Thư điện tử', 'Kênh nhắc việc lúc này', 'Từ chối trong 30 ngày'],
      rows.map((r) => [
        r.person.id,
        r.person.name,
        r.units.join(', ') || '—',
        zaloText(r),
        lastInteractionText(r),
        r.phone ? maskPhone(r.phone) : '—',
        r.email ?? '—',
        r.channels.length ? CHANNEL_LABELS[r.channels[0]!] : `KHÔNG LIÊN LẠC ĐƯỢC (${skipReasons(r).join('; ')})`,
        refusalText(r),
      ]),
    ),
  ].join('\n');
}

const DRIFT_KINDS = { missing: 'thiếu dòng', extra: 'thừa dòng (không còn luồng nhiệm vụ)', differs: 'lệch' } as const;

/** Vietnamese names of the fields a row may disagree on. */
const FIELD_NAMES: Record<string, string> = {
  planId: 'kế hoạch',
  ref: 'số hiệu',
  title: 'tên nhiệm vụ',
  unit: 'đơn vị',
  assignee: 'người được giao',
  status: 'trạng thái',
  due: 'hạn',
  escalationLevel: 'cấp báo cáo',
  running: 'đang theo dõi',
};

export function rebuilt(r: RebuildResult): string {
  return [
    `Đã dựng lại bảng theo dõi: ${r.tasks} nhiệm vụ; ghi lại ${r.written} dòng; xóa ${r.removed} dòng không còn luồng nhiệm vụ.`,
    ...(r.failed.length ? [`Không đọc được ${r.failed.length} nhiệm vụ (giữ nguyên dòng cũ):`, ...r.failed.slice(0, 20).map((f) => `• ${f.workflowId}: ${f.error}`)] : []),
  ].join('\n');
}

export function drift(r: { tasks: number; drift: Drift[] }): string {
  if (r.drift.length === 0) return `Bảng theo dõi khớp với Temporal: ${r.tasks} nhiệm vụ.`;
  return [
    `Bảng theo dõi lệch ở ${r.drift.length}/${r.tasks} nhiệm vụ. Chạy «npm run cli -- read-model rebuild» để dựng lại.`,
    ...r.drift.slice(0, 50).map((d) => `• ${d.ref} (${d.workflowId}): ${DRIFT_KINDS[d.kind]}${d.fields?.length ? ` — ${d.fields.map((f) => FIELD_NAMES[f] ?? f).join(', ')}` : ''}`),
    ...(r.drift.length > 50 ? [`… và ${r.drift.length - 50} nhiệm vụ nữa.`] : []),
  ].join('\n');
}
