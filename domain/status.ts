// What a manager reads about a task.
export const TASK_STATUSES = [
  'not_due',
  'due_soon',
  'overdue',
  'awaiting_approval',
  'done_on_time',
  'done_late',
  'awaiting_activation',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  not_due: 'chưa đến hạn',
  due_soon: 'sắp đến hạn',
  overdue: 'quá hạn',
  awaiting_approval: 'chờ duyệt',
  done_on_time: 'hoàn thành đúng hạn',
  done_late: 'hoàn thành quá hạn',
  awaiting_activation: 'chờ điều kiện triển khai',
  cancelled: 'đã hủy',
};

/** Statuses in the order they need attention: combined statuses, lists, the dashboard. */
export const ATTENTION_ORDER: readonly TaskStatus[] = ['overdue', 'awaiting_approval', 'due_soon', 'not_due', 'awaiting_activation', 'done_late', 'done_on_time', 'cancelled'];

export function combinedStatus(statuses: TaskStatus[]): TaskStatus {
  if (statuses.length === 0) return 'not_due';
  if (statuses.every((s) => s === 'cancelled')) return 'cancelled';
  const open: TaskStatus[] = statuses.filter((s) => s !== 'cancelled');
  return ATTENTION_ORDER.find((s) => open.includes(s)) ?? 'not_due';
}

export const ESCALATION_LABELS = ['chưa nhắc cấp trên', 'Trưởng đơn vị', 'Phó Giám đốc phụ trách', 'Giám đốc'] as const;
