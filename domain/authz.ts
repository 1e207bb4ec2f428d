// Who may do what on a unit task. The workflow enforces this; clients only pass who is acting.
import type { Chain, PersonRef } from './org.js';

export type Role = 'assignee' | 'member' | 'head' | 'deputy' | 'director' | 'admin';

export type Action =
  | 'acknowledge'
  | 'reportProgress'
  | 'reportCompletion'
  | 'requestExtension'
  | 'answerExplanation'
  | 'attachEvidence'
  | 'approveCompletion'
  | 'rejectCompletion'
  | 'decideExtension'
  | 'reassign'
  | 'requestExplanation'
  | 'activate'
  | 'cancel';

const ALLOWED: Record<Action, Role[]> = {
  acknowledge: ['assignee', 'member', 'head'],
  reportProgress: ['assignee', 'head'],
  reportCompletion: ['assignee', 'head'],
  requestExtension: ['assignee', 'head'],
  answerExplanation: ['assignee', 'head'],
  attachEvidence: ['assignee', 'member', 'head'],
  approveCompletion: ['head', 'deputy', 'director'],
  rejectCompletion: ['head', 'deputy', 'director'],
  decideExtension: ['head', 'deputy', 'director'],
  reassign: ['head', 'deputy', 'director', 'admin'],
  requestExplanation: ['head', 'deputy', 'director'],
  activate: ['deputy', 'director', 'admin'],
  cancel: ['deputy', 'director', 'admin'],
};

const WHO: Record<Action, string> = {
  acknowledge: 'cán bộ của đơn vị được giao',
  reportProgress: 'người được giao hoặc trưởng đơn vị',
  reportCompletion: 'người được giao hoặc trưởng đơn vị',
  requestExtension: 'người được giao hoặc trưởng đơn vị',
  answerExplanation: 'người được giao hoặc trưởng đơn vị',
  attachEvidence: 'cán bộ của đơn vị được giao',
  approveCompletion: 'trưởng đơn vị hoặc lãnh đạo Sở phụ trách',
  rejectCompletion: 'trưởng đơn vị hoặc lãnh đạo Sở phụ trách',
  decideExtension: 'trưởng đơn vị hoặc lãnh đạo Sở phụ trách',
  reassign: 'trưởng đơn vị, lãnh đạo Sở phụ trách hoặc quản trị viên',
  requestExplanation: 'trưởng đơn vị hoặc lãnh đạo Sở phụ trách',
  activate: 'lãnh đạo Sở phụ trách hoặc quản trị viên',
  cancel: 'lãnh đạo Sở phụ trách hoặc quản trị viên',
};

export function rolesOf(chain: Chain, assignee: PersonRef, personId: string): Set<Role> {
  const roles = new Set<Role>();
  if (assignee.id === personId) roles.add('assignee');
  if (chain.members.some((m) => m.id === personId)) roles.add('member');
  if (chain.head.id === personId) roles.add('head');
  if (chain.deputy?.id === personId) roles.add('deputy');
  if (chain.director.id === personId) roles.add('director');
  if (chain.admins.some((a) => a.id === personId)) roles.add('admin');
  return roles;
}

/** Undefined when allowed; otherwise the reason, in Vietnamese for the person and English for logs. */
export function refusal(action: Action, roles: Set<Role>): { vi: string; en: string } | undefined {
  if (ALLOWED[action].some((r) => roles.has(r))) return undefined;
  return {
    vi: `Đồng chí không có quyền thực hiện thao tác này: chỉ ${WHO[action]} mới được thực hiện.`,
    en: `not allowed: ${action} needs one of ${ALLOWED[action].join(', ')}`,
  };
}

/** The person acting, if the task's chain knows them at all. */
export function findInChain(chain: Chain, assignee: PersonRef, personId: string): PersonRef | undefined {
  return [assignee, chain.head, ...chain.members, chain.deputy, chain.director, ...chain.admins].find((p) => p?.id === personId);
}

/** The next one up the chain from a person: staff → head → Phó Giám đốc in charge (or Giám đốc) → Giám đốc. */
export function nextUp(chain: Chain, personId: string): PersonRef | undefined {
  if (personId === chain.director.id) return undefined;
  if (personId === chain.deputy?.id) return chain.director;
  if (personId === chain.head.id) return chain.deputy ?? chain.director;
  return chain.head;
}

/** Everyone above a person, nearest first: who may receive a notification the person cannot. */
export function chainAbove(chain: Chain, personId: string): PersonRef[] {
  const above: PersonRef[] = [];
  for (let p = nextUp(chain, personId); p && !above.some((x) => x.id === p!.id) && p.id !== personId; p = nextUp(chain, p.id)) above.push(p);
  return above;
}
