// A plan as cut from its document, before units and deadline phrases are understood.
import type { SourceRef } from './document.js';

export interface RawTask {
  /** "II.2.(5)" for prose, "II.1" for a table row. */
  ref: string;
  /** The heading of the group the task belongs to ("Phục vụ giải quyết thủ tục hành chính…"). */
  group?: string;
  content: string;
  /** Prose: the whole "Đơn vị thực hiện" phrase; tables: the lead column. */
  unitsText?: string;
  /** Tables: the coordinating column. */
  supportText?: string;
  deadlineText?: string;
  /** Where the task starts in the document. */
  source?: SourceRef;
  /** How the unit and deadline were found: a label or a column is what the document says; a heading or a sentence is read into it. */
  how?: { units?: FieldOrigin; deadline?: FieldOrigin };
}

export type FieldOrigin = 'label' | 'column' | 'heading' | 'inline';

export interface PlanHeader {
  agency?: string;
  number?: string;
  date?: string;
  title?: string;
}

export interface RawPlan {
  form: 'prose' | 'table';
  header: PlanHeader;
  tasks: RawTask[];
  /** The sentence that sets the reporting regime ("Định kỳ hằng tháng (trước ngày 15) …"). */
  reportingText?: string;
}
