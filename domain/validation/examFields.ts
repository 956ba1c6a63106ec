import { isBlanketExamRequest } from '../blanketExamRequest';
import { MAX_EXAMS_PER_REQUEST, type CdStudy, type RequestedExam } from '../exam';
import { compareLocalDates, type LocalDate } from '../localDate';
import { readRows, type CardForm, type CardRow } from './cardForm';
import { examCodeField, optionalText, pastOrToday, requiredText, TEXT_LIMITS } from './fields';
import { rowField, type FieldChecks, type ValidationContext } from './fieldErrors';
import { messages } from './messages';

const EXAM_FIELDS = ['date', 'description', 'examCode'] as const;

interface ExamRowValues {
  date?: LocalDate;
  description?: string;
  examCode?: string;
}

/** Reads one row's date, description and code, recording problems against `exams[i].x`. */
function readExamRow(row: CardRow, checks: FieldChecks, ctx: ValidationContext, birthDate: LocalDate | undefined, descriptionRequired: boolean): ExamRowValues {
  const f = (name: string) => rowField('exams', row.index, name);
  const date = checks.read(f('date'), pastOrToday(messages.examDateMissing, ctx.today, messages.examDateInFuture), row.values.date);
  if (date !== undefined && birthDate !== undefined && compareLocalDates(date, birthDate) < 0) {
    checks.add(f('date'), messages.examDateBeforeBirth);
  }
  const descriptionRule = descriptionRequired
    ? requiredText({ missing: messages.examDescriptionMissing, max: TEXT_LIMITS.examDescription })
    : optionalText({ max: TEXT_LIMITS.examDescription });
  const description = checks.read(f('description'), descriptionRule, row.values.description);
  if (description !== undefined && isBlanketExamRequest(description)) checks.add(f('description'), messages.examBlanket);
  const examCode = checks.read(f('examCode'), examCodeField, row.values.examCode);
  return { date, description, examCode };
}

/** The rows to read, or undefined after recording "none" or "too many" against `exams`. */
function examRows(form: CardForm, checks: FieldChecks): CardRow[] | undefined {
  const rows = readRows(form, 'exams', EXAM_FIELDS);
  if (rows.length === 0) checks.add('exams', messages.examsMissing);
  else if (rows.length > MAX_EXAMS_PER_REQUEST) checks.add('exams', messages.examsTooMany(MAX_EXAMS_PER_REQUEST));
  else return rows;
  return undefined;
}

/** True when no field of any row has a problem. */
function rowsClean(rows: readonly CardRow[], checks: FieldChecks): boolean {
  return !rows.some((r) => EXAM_FIELDS.some((name) => checks.hasErrorFor(rowField('exams', r.index, name))));
}

/** Exams of an import or export: each with date and type/body part; code optional; "all imaging" refused. */
export function readRequestedExams(form: CardForm, checks: FieldChecks, ctx: ValidationContext, birthDate: LocalDate | undefined): RequestedExam[] | undefined {
  const rows = examRows(form, checks);
  if (!rows) return undefined;
  const exams: RequestedExam[] = [];
  for (const row of rows) {
    const { date, description, examCode } = readExamRow(row, checks, ctx, birthDate, true);
    if (date !== undefined && description !== undefined) exams.push({ date, description, ...(examCode ? { examCode } : {}) });
  }
  return rowsClean(rows, checks) ? exams : undefined;
}

/** Studies on a CD: date, and a full description or a CRIS exam code (Appendix 6). */
export function readCdStudies(form: CardForm, checks: FieldChecks, ctx: ValidationContext, birthDate: LocalDate | undefined): CdStudy[] | undefined {
  const rows = examRows(form, checks);
  if (!rows) return undefined;
  const studies: CdStudy[] = [];
  for (const row of rows) {
    const { date, description, examCode } = readExamRow(row, checks, ctx, birthDate, false);
    const descriptionField = rowField('exams', row.index, 'description');
    if (description === undefined && examCode === undefined && !checks.hasErrorFor(rowField('exams', row.index, 'examCode'))) {
      checks.add(descriptionField, messages.cdStudyDescriptionOrCode);
    }
    if (date === undefined) continue;
    if (description !== undefined) studies.push({ date, description, ...(examCode ? { examCode } : {}) });
    else if (examCode !== undefined) studies.push({ date, examCode });
  }
  return rowsClean(rows, checks) ? studies : undefined;
}
