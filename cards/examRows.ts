import { MAX_EXAMS_PER_REQUEST } from '../domain';
import { fieldView, type FieldView, type FormState } from './formFields';

/** Rows a form shows before "Add another exam" (issue: "fixed rows, default 2"). */
export const DEFAULT_EXAM_ROWS = 2;

/** One exam row as the examRows fragment binds it. */
export interface ExamRowView {
  index: number;
  rowId: string;
  addId: string;
  nextRowId: string;
  visible: boolean;
  separator: boolean;
  /** The "Add another exam" button: shown under the last visible row (and inside the hidden ones), hidden above. */
  showAdd: boolean;
  hasNext: boolean;
  isLast: boolean;
  dateRequired: boolean;
  descriptionRequired: boolean;
  date: FieldView;
  description: FieldView;
  examCode: FieldView;
}

const ROW_ID = /^exams\[(\d{1,2})\]\./;

/** The highest row index that has a value or an error, or -1. */
function lastUsedRow(state: FormState): number {
  const indices = [...Object.keys(state.values ?? {}), ...(state.errors ?? []).map((e) => e.field)]
    .map((k) => ROW_ID.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .filter((i) => i < MAX_EXAMS_PER_REQUEST);
  return indices.length > 0 ? Math.max(...indices) : -1;
}

/**
 * All MAX_EXAMS_PER_REQUEST rows, the first `shown` visible and the rest hidden until "Add another exam"
 * (Action.ToggleVisibility) reveals the next. Why not an Action.Submit that re-renders with one more row: a Submit
 * runs the card's own checks first, so on a half-filled form the isRequired fields would block adding a row (the
 * renderer refuses to submit; checked in tests/e2e/cards). Revealing rows needs no round trip and keeps what was typed.
 *
 * Rows with a value or an error are always visible. Only row 0 is required: the domain skips empty rows and asks for
 * at least one; `descriptionRequired` is false on CD forms, where the description or the CRIS code will do.
 */
export function examRowViews(state: FormState, opts: { shown?: number; descriptionRequired: boolean; labels?: Readonly<Record<string, string>> }): ExamRowView[] {
  const wanted = Math.max(opts.shown ?? DEFAULT_EXAM_ROWS, lastUsedRow(state) + 1);
  const shown = Math.min(Math.max(wanted, 1), MAX_EXAMS_PER_REQUEST);
  const rows: ExamRowView[] = [];
  for (let index = 0; index < MAX_EXAMS_PER_REQUEST; index++) {
    const id = (name: string) => `exams[${index}].${name}`;
    rows.push({
      index,
      rowId: `examRow${index}`,
      addId: `examAdd${index}`,
      nextRowId: `examRow${index + 1}`,
      visible: index < shown,
      separator: index > 0,
      // Hidden rows keep their button visible so that, once revealed, they offer the next row.
      showAdd: index >= shown - 1,
      hasNext: index < MAX_EXAMS_PER_REQUEST - 1,
      isLast: index === MAX_EXAMS_PER_REQUEST - 1,
      dateRequired: index === 0,
      descriptionRequired: index === 0 && opts.descriptionRequired,
      date: fieldView(id('date'), state, opts.labels),
      description: fieldView(id('description'), state, opts.labels),
      examCode: fieldView(id('examCode'), state, opts.labels),
    });
  }
  return rows;
}
