import type { LocalDate } from '../localDate';
import { PRIORITY_LABELS, PRIORITY_REASONS, prioritiesFor, type Priority, type PriorityReason } from '../priority';
import type { CardForm } from './cardForm';
import { choice, optionalText, requiredText, TEXT_LIMITS, todayOrLater } from './fields';
import type { FieldChecks, ValidationContext } from './fieldErrors';
import { messages } from './messages';

/** The priority block of an import or export form. */
export interface PriorityChoice<P extends Priority> {
  priority: P;
  priorityReason: PriorityReason;
  priorityReasonDetail?: string;
  requiredBy: LocalDate;
}

/** "Blue Light, Standard or Batch (overnight)" for the message listing what may be chosen. */
function choicesText(values: readonly Priority[]): string {
  const labels = values.map((p) => PRIORITY_LABELS[p].replace(' (emergency only)', ''));
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}` : (labels[0] ?? '');
}

/** Reads priority, priorityReason, priorityReasonDetail and requiredBy, with the Blue Light rule between them. */
export function readPriority<P extends Priority>(
  form: CardForm,
  checks: FieldChecks,
  ctx: ValidationContext,
  kind: 'import' | 'export',
): PriorityChoice<P> | undefined {
  const allowed = prioritiesFor(kind) as readonly [P, ...P[]];
  const priority = checks.read('priority', choice(allowed, messages.priorityMissing(choicesText(allowed))), form.priority);
  const reason = checks.read('priorityReason', choice(PRIORITY_REASONS, messages.priorityReasonMissing), form.priorityReason);
  const detailRule =
    reason === 'other'
      ? requiredText({ missing: messages.priorityReasonDetailMissing, max: TEXT_LIMITS.reason })
      : optionalText({ max: TEXT_LIMITS.reason });
  const detail = checks.read('priorityReasonDetail', detailRule, form.priorityReasonDetail);
  const requiredBy = checks.read('requiredBy', todayOrLater(messages.requiredByMissing, ctx.today, messages.requiredByInPast), form.requiredBy);

  // Appendix 3: Blue Light only for "emergency admission or surgery in next 12 hours", and that reason only for it.
  if (priority === 'blueLight' && reason !== undefined && reason !== 'blueLightEmergency') checks.add('priority', messages.blueLightWrongReason);
  if (priority !== undefined && priority !== 'blueLight' && reason === 'blueLightEmergency') {
    checks.add('priorityReason', messages.blueLightReasonNotBlueLight);
  }

  if (priority === undefined || reason === undefined || requiredBy === undefined) return undefined;
  if (['priority', 'priorityReason', 'priorityReasonDetail'].some((f) => checks.hasErrorFor(f))) return undefined;
  return { priority, priorityReason: reason, ...(detail !== undefined ? { priorityReasonDetail: detail } : {}), requiredBy };
}
