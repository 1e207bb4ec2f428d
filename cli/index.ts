// The admin CLI: `npm run cli -- plan start FILE`, `task approve PLAN/REF --as PERSON`, …
// Output is Vietnamese; `--json` prints machine-readable results.
import { Command, Option } from 'commander';
import type { Client } from '@temporalio/client';
import { stringify } from 'yaml';
import { DocumentError, readPlanStructure } from '../client/documents.js';
import { loadOrg, loadPlan } from '../client/files.js';
import { startPlan } from '../client/plans.js';
import { readModelDrift, rebuildReadModel } from '../client/read-model.js';
import { buildReportNow } from '../client/reports.js';
import { parseReportPeriod } from '../domain/report.js';
import { actOnTask, showTask, TaskActionError, taskIdFrom } from '../client/tasks.js';
import { parseDateInput } from '../domain/date-input.js';
import { progressBar, progressLine, type PlanStartProgress } from '../domain/plan-start.js';
import { findPerson, type Org } from '../domain/org.js';
import { checkPlanAgainstOrg, planSchema } from '../domain/plan.js';
import { importPlanDocument, toPlanInput, type ImportedPlan } from '../domain/plan-import.js';
import { InvalidFileError } from '../domain/validation.js';
import { loadConfig } from '../runtime/config.js';
import { connectClient, resolveTemporal, TemporalConnectionError, type TemporalSettings } from '../runtime/temporal.js';
import { openStore } from '../store/open.js';
import type { ActionCall } from '../client/actions.js';
import * as fmt from './format.js';
import { issueLinkCode } from '../client/accounts.js';
import { installTokens } from '../client/zalo-tokens.js';
import { reachReport } from '../client/reach.js';
import { contactRules } from '../worker/notify.js';

const config = loadConfig();

class UsageError extends Error {}

async function connect(): Promise<Client> {
  // Resolved here, not at load: commands that never reach Temporal work with a broken profile.
  let temporal: TemporalSettings;
  try {
    temporal = resolveTemporal();
  } catch (err) {
    throw new UsageError(`Cấu hình kết nối Temporal không hợp lệ: ${(err as Error).message}`);
  }
  // Nothing configured: the dev server that `npm start` runs.
  const address = temporal.address ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  try {
    return (await connectClient({ ...temporal, address }, { connectTimeout: 5000 })).client;
  } catch (err) {
    // A TLS problem is named (CA, server name, client certificate); anything else is the usual advice.
    if (err instanceof TemporalConnectionError && err.problem && err.problem !== 'unreachable') throw new UsageError(err.vi);
    throw new UsageError(`Không kết nối được máy chủ Temporal tại ${address}. Hãy chạy «npm start» hoặc đặt TEMPORAL_ADDRESS.`);
  }
}

const store = () => openStore(config);
const org = (file?: string): Org => loadOrg(file ?? config.ORG_FILE);

function out(json: boolean, data: unknown, text: string): void {
  console.log(json ? JSON.stringify(data, null, 2) : text);
}

/**
 * A plan start's progress on stderr (stdout keeps the result, --json included): one line redrawn
 * in a terminal, a line every tenth of the way otherwise (a log).
 */
function progressPrinter(): (p: PlanStartProgress) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shownTenth = -1;
  return (p) => {
    const now = Date.now();
    const done = p.finishedAt !== undefined;
    if (tty) {
      if (!done && now - last < 200) return;
      last = now;
      process.stderr.write(`\r${progressBar(p)} ${progressLine(p, now)}\u001b[K${done ? '\n' : ''}`);
      return;
    }
    const tenth = p.total ? Math.floor(((p.started + p.existing) / p.total) * 10) : 10;
    // Tenths 0-9 while it runs, then the finished line.
    if (!done && (tenth === shownTenth || tenth >= 10)) return;
    shownTenth = tenth;
    process.stderr.write(`${progressLine(p, now)}\n`);
  };
}

function person(o: Org, id: string | undefined): string {
  if (!id) throw new UsageError('Hãy cho biết ai thực hiện: --as MÃ_NGƯỜI.');
  if (!findPerson(o, id)) throw new UsageError(`Không có người mã «${id}» trong sơ đồ tổ chức.`);
  return id;
}

function date(text: string): string {
  const d = parseDateInput(text);
  if (!d.ok) throw new UsageError(d.vi);
  return d.date;
}

const program = new Command('cli').description('Quản trị kế hoạch Đề án 06').showHelpAfterError();

const plan = program.command('plan').description('Kế hoạch');
const DOCUMENT = /\.(txt|text|docx|pdf)$/i;

plan
  .command('parse <file>')
  .description('Đọc văn bản kế hoạch (.docx, .pdf, .txt) và cho xem các nhiệm vụ, đơn vị, thời hạn đã hiểu')
  .option('--org <file>', 'sơ đồ tổ chức (mặc định ORG_FILE)')
  .addOption(new Option('--json', 'in {plan, tasks, warnings} dạng JSON').conflicts('yaml'))
  .option('--yaml', 'in tệp kế hoạch YAML để rà soát, sửa và khởi động')
  .action(async (file: string, o: { org?: string; json?: boolean; yaml?: boolean }) => {
    const chart = org(o.org);
    const imported = importPlanDocument(await readPlanStructure(file), chart);
    if (o.json) console.log(JSON.stringify(importJson(imported), null, 2));
    else if (o.yaml) console.log(planYaml(imported, chart));
    else console.log(fmt.importPreview(imported, chart.units.length));
  });

/** The plan a document describes, checked; refuses while warnings stand unless allowed. */
async function planFromDocument(file: string, chart: Org, o: { yes?: boolean; allowWarnings?: boolean }) {
  const imported = importPlanDocument(await readPlanStructure(file), chart);
  if (imported.tasks.length === 0) throw new UsageError(`Không khởi động: ${imported.warnings[0]?.vi ?? 'không có nhiệm vụ'}.`);
  if (imported.warnings.length && !o.allowWarnings)
    throw new UsageError(`${fmt.importPreview(imported, chart.units.length)}\n\nKhông khởi động: còn ${imported.warnings.length} cảnh báo. Hãy sửa văn bản, hoặc dùng «plan parse --yaml» để rà soát rồi khởi động tệp YAML, hoặc thêm --allow-warnings (nhiệm vụ chưa đủ thông tin sẽ không được theo dõi).`);
  if (!o.yes) throw new UsageError(`${fmt.importPreview(imported, chart.units.length)}\n\nChưa khởi động: xem lại bảng trên rồi chạy lại với --yes.`);
  const { plan: input } = toPlanInput(imported, chart);
  const p = planSchema.parse(input);
  checkPlanAgainstOrg(p, chart, file);
  return p;
}

plan
  .command('start <file>')
  .description('Khởi động theo dõi mọi nhiệm vụ của một kế hoạch: tệp YAML, hoặc văn bản .docx/.pdf/.txt (cần --yes)')
  .option('--org <file>', 'sơ đồ tổ chức (mặc định ORG_FILE)')
  .option('--yes', 'với văn bản: khởi động ngay sau khi đọc')
  .option('--allow-warnings', 'với văn bản: khởi động dù còn cảnh báo (bỏ qua nhiệm vụ chưa đủ thông tin)')
  .option('--json', 'in kết quả dạng JSON')
  .action(async (file: string, o: { org?: string; json?: boolean; yes?: boolean; allowWarnings?: boolean }) => {
    const chart = org(o.org);
    const p = DOCUMENT.test(file) ? await planFromDocument(file, chart, o) : loadPlan(file, chart);
    const s = await store();
    const res = await startPlan(await connect(), s, chart, p, config.TEMPORAL_TASK_QUEUE, { onProgress: progressPrinter() }).finally(() => s.close());
    out(!!o.json, { plan: p.id, ...res }, `Đã khởi động kế hoạch ${p.id} (${p.tasks.length} nhiệm vụ): ${res.started} luồng theo dõi mới, ${res.existing} đã chạy từ trước.`);
  });

plan
  .command('list')
  .description('Các kế hoạch đã khởi động')
  .option('--json')
  .action(async (o: { json?: boolean }) => {
    const s = await store();
    const plans = await s.planList();
    await s.close();
    out(!!o.json, plans.map(({ plan: _p, ...rest }) => rest), fmt.planList(plans));
  });

plan
  .command('status <plan>')
  .description('Mọi nhiệm vụ của kế hoạch: đơn vị, người được giao, hạn, trạng thái, cấp báo cáo')
  .option('--json')
  .action(async (planId: string, o: { json?: boolean }) => {
    const s = await store();
    const rows = await s.taskFind({ planId }, { order: 'ref' }).finally(() => s.close());
    if (rows.length === 0) throw new UsageError(`Không tìm thấy nhiệm vụ nào của kế hoạch «${planId}».`);
    out(!!o.json, rows, fmt.planStatus(planId, rows, org()));
  });

const report = program.command('report').description('Báo cáo định kỳ');
report
  .command('build <plan>')
  .description('Lập ngay báo cáo của một kỳ: DOCX và XLSX trong DATA_DIR/reports')
  .requiredOption('--period <period>', 'kỳ báo cáo: «Quý II/2024», «Tháng 5/2024», «6 tháng đầu năm 2024», «Năm 2024» (hoặc 2024-Q2, 2024-05, 2024-H1, 2024)')
  .option('--json')
  .action(async (planId: string, o: { period: string; json?: boolean }) => {
    const period = parseReportPeriod(o.period);
    if (!period) throw new UsageError(`Kỳ báo cáo «${o.period}» không đúng dạng: ghi «Quý II/2024», «Tháng 5/2024», «6 tháng đầu năm 2024», «Năm 2024» (hoặc 2024-Q2, 2024-05, 2024-H1, 2024).`);
    const s = await store();
    const known = await s.planGet(planId);
    await s.close();
    if (!known) throw new UsageError(`Kế hoạch «${planId}» chưa được khởi động.`);
    const r = await buildReportNow(await connect(), planId, period.code, config.TEMPORAL_TASK_QUEUE);
    out(!!o.json, r, fmt.reportBuilt(r));
  });

const task = program.command('task').description('Nhiệm vụ (mã dạng KẾ_HOẠCH/SỐ_HIỆU hoặc KẾ_HOẠCH/SỐ_HIỆU/ĐƠN_VỊ)');
task
  .command('show <task>')
  .description('Trạng thái và diễn biến của một nhiệm vụ')
  .option('--json')
  .action(async (id: string, o: { json?: boolean }) => {
    const shown = await showTask(await connect(), taskIdFrom(id));
    out(!!o.json, shown.view, shown.kind === 'unit' ? fmt.unitTask(shown.view) : fmt.multiTask(shown.view));
  });

/** Every action: `task NAME TASK [args…] --as PERSON [--unit UNIT] [--json]`. */
function action(name: string, description: string, args: string, build: (a: string[], o: Record<string, unknown>) => ActionCall, extra?: (c: Command) => Command) {
  let c = task
    .command(`${name} <task> ${args}`.trim())
    .description(description)
    .requiredOption('--as <person>', 'mã người thực hiện (trong sơ đồ tổ chức)')
    .option('--unit <unit>', 'đơn vị, khi nhiệm vụ do nhiều đơn vị chủ trì')
    .option('--json');
  if (extra) c = extra(c);
  c.action(async (id: string, ...rest: unknown[]) => {
    const o = rest[rest.length - 2] as Record<string, unknown>;
    const positional = rest.slice(0, -2).flat().map(String);
    const actor = person(org(), o.as as string);
    const call = build(positional, o);
    const view = await actOnTask(await connect(), taskIdFrom(id), call.action, { ...call.input, actor }, o.unit ? { unit: o.unit as string } : {});
    out(!!o.json, view, `Đã ghi nhận. ${fmt.unitTask(view).split('\n').filter((l) => l.startsWith('Trạng thái') || l.startsWith('Thời hạn') || l.startsWith('Người được giao')).join('\n')}`);
  });
}

const words = (a: string[]) => a.join(' ').trim();

/** The documented JSON of `plan parse --json`: each task's warnings are listed once, at the top. */
function importJson(imported: ImportedPlan) {
  return {
    plan: imported.plan,
    tasks: imported.tasks.map(({ warnings: _w, deadline, ...t }) => {
      const { warning: _d, ...d } = deadline as typeof deadline & { warning?: unknown };
      return { ...t, deadline: d };
    }),
    warnings: imported.warnings,
  };
}

function planYaml(imported: ImportedPlan, chart: Org): string {
  const { plan: input, skipped } = toPlanInput(imported, chart);
  const notes = [
    '# Kế hoạch đọc từ văn bản: hãy rà soát trước khi khởi động (npm run cli -- plan start TỆP.yaml).',
    ...imported.warnings.map((w) => `# Cảnh báo${w.ref ? ` ${w.ref}` : ''}: ${w.vi}`),
    ...skipped.map((w) => `# Chưa đưa vào: ${w.ref}: ${w.vi}`),
  ];
  return `${notes.join('\n')}\n${stringify(input, { lineWidth: 0 })}`;
}

action('ack', 'Xác nhận đã nhận nhiệm vụ', '', () => ({ action: 'acknowledge', input: {} }));
action('progress', 'Báo cáo tiến độ (phần trăm và ghi chú)', '<percent> [note...]', (a) => {
  const percent = Number(String(a[0]).replace('%', ''));
  return { action: 'reportProgress', input: { percent, note: words(a.slice(1)) } };
});
action('complete', 'Báo cáo hoàn thành, chờ trưởng đơn vị duyệt', '[note...]', (a, o) => ({
  action: 'reportCompletion',
  input: { note: words(a), evidence: (o.evidence as string[] | undefined) ?? [] },
}), (c) => c.option('--evidence <url...>', 'đường dẫn minh chứng'));
action('approve', 'Duyệt kết quả hoàn thành', '[note...]', (a) => ({ action: 'approveCompletion', input: { note: words(a) } }));
action('reject', 'Không duyệt kết quả, nêu lý do', '<reason...>', (a) => ({ action: 'rejectCompletion', input: { reason: words(a) } }));
action('extend', 'Xin gia hạn (NGÀY LÝ_DO), hoặc cho ý kiến với --approve / --refuse', '[args...]', (a, o) => {
  if (o.approve || o.refuse) return { action: 'decideExtension', input: { approve: !!o.approve, reason: words(a) } };
  if (!a[0]) throw new UsageError('Hãy ghi ngày xin gia hạn, ví dụ: task extend KẾ_HOẠCH/II.2.(1) 30/6/2024 chờ số liệu --as hcth.cv1');
  return { action: 'requestExtension', input: { until: date(a[0]), reason: words(a.slice(1)) } };
}, (c) => c.addOption(new Option('--approve', 'đồng ý gia hạn').conflicts('refuse')).addOption(new Option('--refuse', 'không đồng ý gia hạn')));
action('reassign', 'Giao lại cho người khác (và đơn vị khác với --to-unit)', '<person>', (a, o) => ({
  action: 'reassign',
  input: { to: String(a[0]), ...(o.toUnit ? { unit: String(o.toUnit) } : {}) },
}), (c) => c.option('--to-unit <unit>', 'đơn vị mới'));
action('explain', 'Yêu cầu giải trình', '<question...>', (a) => ({ action: 'requestExplanation', input: { question: words(a) } }));
action('answer', 'Trả lời yêu cầu giải trình', '<answer...>', (a) => ({ action: 'answerExplanation', input: { answer: words(a) } }));
action('activate', 'Kích hoạt nhiệm vụ đang chờ, với hạn hoàn thành', '<due>', (a) => ({ action: 'activate', input: { due: date(a[0]!) } }));
action('cancel', 'Hủy nhiệm vụ, nêu lý do', '<reason...>', (a) => ({ action: 'cancel', input: { reason: words(a) } }));

const personCmd = program.command('person').description('Cán bộ và tài khoản Zalo');
personCmd
  .command('link-code <person>')
  .description('Cấp mã một lần để cán bộ liên kết Zalo: cán bộ gửi «dk MÃ» tới Zalo OA (mã hết hạn sau 24 giờ)')
  .option('--json')
  .action(async (id: string, o: { json?: boolean }) => {
    const o2 = org();
    const s = await store();
    try {
      const { code, person: p, expiresAt } = await issueLinkCode(o2, s, person(o2, id), Date.now());
      const until = new Date(expiresAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
      out(!!o.json, { person: p.id, code, expiresAt }, `Mã liên kết Zalo của ${p.name} (${p.title}): ${code}\nĐề nghị đồng chí gửi «dk ${code}» tới Zalo OA trước ${until}. Mã chỉ dùng được một lần.`);
    } finally {
      await s.close();
    }
  });

personCmd
  .command('reach')
  .description('Cán bộ nào liên lạc được và bằng kênh nào lúc này; người không liên lạc được ở đầu danh sách')
  .option('--unit <unit>', 'chỉ cán bộ của một đơn vị (mã đơn vị)')
  .option('--json', 'in từng dòng dạng JSON')
  .action(async (o: { unit?: string; json?: boolean }) => {
    const chart = org();
    const unit = o.unit ? chart.units.find((u) => u.code.toLowerCase() === o.unit!.trim().toLowerCase()) : undefined;
    if (o.unit && !unit) throw new UsageError(`Không có đơn vị mã «${o.unit}» trong sơ đồ tổ chức.`);
    const s = await store();
    try {
      const now = Date.now();
      const rules = await contactRules(config, s, now);
      const rows = await reachReport(chart, s, rules, now, unit ? { unit: unit.code } : {});
      out(!!o.json, rows, fmt.reachTable(rows, rules));
    } finally {
      await s.close();
    }
  });

async function readStdin(max: number): Promise<string> {
  if (process.stdin.isTTY) console.error('Dán mã truy cập và mã làm mới (mỗi mã một dòng), rồi nhấn Ctrl-D:');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > max) throw new UsageError('Đầu vào quá dài: chỉ cần hai mã.');
  }
  return text;
}

/** Zalo's access tokens live about 25 hours: more than a week is a mistake (milliseconds typed as seconds). */
const MAX_TOKEN_TTL_SEC = 7 * 24 * 3600;

const zaloCmd = program.command('zalo').description('Zalo OA');
zaloCmd
  .command('token [access] [refresh]')
  .description('Lưu cặp mã truy cập và mã làm mới lấy từ trang quản lý Zalo OA, khi Zalo đã từ chối mã làm mới cũ (không ghi mã trên dòng lệnh thì đọc hai mã từ đầu vào chuẩn, tránh lưu vào lịch sử lệnh)')
  .option('--expires-in <seconds>', 'thời hạn của mã truy cập, tính bằng giây (mặc định 25 giờ)')
  .action(async (access: string | undefined, refresh: string | undefined, o: { expiresIn?: string }) => {
    // From standard input, the tokens stay out of the shell history and the process list.
    const given = access === undefined ? (await readStdin(64 * 1024)).split(/\s+/).filter(Boolean) : [access, refresh ?? ''];
    const accessToken = (given[0] ?? '').trim();
    const refreshToken = (given[1] ?? '').trim();
    // Never echo the tokens: this output ends up in terminals and logs.
    const bad = (t: string) => t.length < 16 || /\s/.test(t);
    if (bad(accessToken) || bad(refreshToken))
      throw new UsageError('Mã không hợp lệ: mã truy cập và mã làm mới phải là chuỗi ký tự liền, không có khoảng trắng, dài ít nhất 16 ký tự. Đề nghị đồng chí sao chép lại từ trang quản lý Zalo OA.');
    if (accessToken === refreshToken) throw new UsageError('Mã truy cập và mã làm mới trùng nhau: đề nghị đồng chí kiểm tra lại, đây là hai mã khác nhau.');
    let expiresInSec: number | undefined;
    if (o.expiresIn !== undefined) {
      expiresInSec = /^\d+$/.test(o.expiresIn.trim()) ? Number(o.expiresIn.trim()) : NaN;
      if (!(expiresInSec > 0 && expiresInSec <= MAX_TOKEN_TTL_SEC))
        throw new UsageError(`Thời hạn --expires-in «${o.expiresIn}» không hợp lệ: ghi số giây, từ 1 đến ${MAX_TOKEN_TTL_SEC} (mã truy cập Zalo thường có hạn 90000 giây).`);
    }
    const s = await store();
    try {
      await installTokens(s, { accessToken, refreshToken, ...(expiresInSec !== undefined ? { expiresInSec } : {}) }, Date.now());
    } finally {
      await s.close();
    }
    console.log('Đã lưu mã truy cập Zalo mới; các tin nhắn đang chờ sẽ được gửi trong ít phút.');
  });

const readModel = program.command('read-model').description('Bảng theo dõi nhiệm vụ (dữ liệu của trang tổng quan, danh sách trên Zalo và báo cáo)');
readModel
  .command('rebuild')
  .description('Dựng lại bảng theo dõi từ chính các luồng nhiệm vụ trên Temporal')
  .option('--json')
  .action(async (o: { json?: boolean }) => {
    const client = await connect();
    const s = await store();
    try {
      let shown = 0;
      const r = await rebuildReadModel(client, s, {
        onProgress: ({ done, total }) => {
          // A line every 10 % (and the last), not one per task.
          if (!o.json && (done === total || done - shown >= Math.max(1, Math.ceil(total / 10)))) {
            shown = done;
            console.error(`Đã đọc ${done}/${total} nhiệm vụ…`);
          }
        },
      });
      out(!!o.json, r, fmt.rebuilt(r));
      if (r.failed.length) process.exitCode = 1;
    } finally {
      await s.close();
    }
  });
readModel
  .command('check')
  .description('So bảng theo dõi với Temporal và liệt kê chỗ lệch')
  .option('--json')
  .action(async (o: { json?: boolean }) => {
    const client = await connect();
    const s = await store();
    try {
      const r = await readModelDrift(client, s);
      out(!!o.json, r, fmt.drift(r));
      if (r.drift.length) process.exitCode = 1;
    } finally {
      await s.close();
    }
  });

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof InvalidFileError) console.error(err.vietnamese);
    else if (err instanceof TaskActionError || err instanceof UsageError || err instanceof DocumentError) console.error(err.message);
    else console.error(`Lỗi: ${(err as Error).message}`);
    process.exit(1);
  },
);
