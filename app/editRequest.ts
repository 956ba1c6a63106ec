import {
  auditEvent,
  londonLocalDate,
  validateExportRequest,
  validateImportRequest,
  type CallRef,
  type ExportRequest,
  type FieldError,
  type ImportRequest,
  type RequestStatus,
  type ValidationContext,
} from '../domain';
import { ConflictError, type RequestSummary } from '../store';
import type { AppActor } from './appActor';
import { DECISION_REASONS, REPROCESS_FROM, reprocessAs } from './analystDecisions';
import type { DecisionOutcome } from './decide';
import type { AppDeps } from './deps';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';
import { approverOn } from './approverOn';
import { storeRefusal } from './submitRequest';

/** Kinds whose transfers IEP can decline or fail, and so can be edited and re-sent (guideline 2.5). */
export type EditableKind = 'import' | 'export';

/**
 * What an analyst may change before re-sending (guideline 2.5b "the MBP reworks the request"; Appendix 1 step 3: without
 * the requesting clinician, consultant and department the request may be declined): the exams (dates, descriptions,
 * codes), the other organisation, the date needed by, and the clinician block. Never the patient: a wrong patient is a
 * new request, not an edit.
 */
export const EDITABLE_FIELDS = {
  import: ['sourceOrganisation', 'requiredBy', 'requestingClinician', 'consultant', 'department'],
  export: ['destinationOrganisation', 'requiredBy', 'requestingClinician', 'consultant', 'department'],
} as const satisfies Record<EditableKind, readonly string[]>;

const EXAM_INPUT = /^exams\[(\d{1,2})\]\.(date|description|examCode)$/;

/** True for an input id the edit card may change for this kind. */
export function isEditableField(kind: EditableKind, field: string): boolean {
  return EXAM_INPUT.test(field) || (EDITABLE_FIELDS[kind] as readonly string[]).includes(field);
}

/** Words for the changed parts, for the history note and the desk note (field names only, no values). */
const CHANGE_WORDS: Record<string, string> = {
  exams: 'exams',
  sourceOrganisation: 'sending trust',
  destinationOrganisation: 'destination',
  requiredBy: 'date needed by',
  requestingClinician: 'requesting clinician',
  consultant: 'consultant',
  department: 'department',
};

/** A stored import or export as the card inputs that submitted it (the validators' input ids). */
export function formValuesOf(request: ImportRequest | ExportRequest): Record<string, string> {
  const p = request.patient;
  const values: Record<string, string> = {
    sNumber: p.sNumber,
    nhsNumber: p.nhsNumber ?? '',
    familyName: p.familyName,
    givenName: p.givenName,
    birthDate: p.birthDate,
    address: p.address ?? '',
    priority: request.priority,
    priorityReason: request.priorityReason,
    priorityReasonDetail: request.priorityReasonDetail ?? '',
    requiredBy: request.requiredBy,
    requestingClinician: request.clinician.requestingClinician,
    consultant: request.clinician.consultant,
    department: request.clinician.department,
    requesterName: request.requester.name,
    requesterEmail: request.requester.email,
    requesterPhone: request.requester.phone,
    comments: request.comments ?? '',
  };
  request.exams.forEach((e, i) => {
    values[`exams[${i}].date`] = e.date;
    values[`exams[${i}].description`] = e.description;
    values[`exams[${i}].examCode`] = e.examCode ?? '';
  });
  if (request.kind === 'import') {
    values.sourceOrganisation = request.sourceOrganisation;
  } else {
    const d = request.destination;
    Object.assign(values, {
      destinationOrganisation: d.organisation,
      siteContactName: d.contactName,
      siteContactPosition: d.contactPosition,
      siteContactPhone: d.contactPhone,
      siteContactEmail: d.contactEmail,
      additionalInstructions: request.additionalInstructions ?? '',
    });
  }
  return values;
}

/** Only the editable inputs of a stored request: what the edit card shows. */
export function editableValuesOf(request: ImportRequest | ExportRequest): Record<string, string> {
  const all = formValuesOf(request);
  return Object.fromEntries(Object.entries(all).filter(([k]) => isEditableField(request.kind, k)));
}

/** A request an analyst may edit: its editable values and why it failed, for the edit card. */
export interface EditableRequestView {
  outcome: 'editable';
  requestId: string;
  callRef?: CallRef;
  kind: EditableKind;
  status: RequestStatus;
  /** The history's reason for the failure or decline (codes and IEP's words, no patient data). */
  failureReason: string;
  values: Record<string, string>;
}

type Loaded = { summary: RequestSummary; request: ImportRequest | ExportRequest; failureReason: string } | { refusal: Refusal };

async function loadForEdit(deps: AppDeps, actor: AppActor, requestIdHint: string): Promise<Loaded> {
  const guarded = await approverOn(deps, actor, requestIdHint, 'editAndResend');
  if ('refusal' in guarded) return guarded;
  const { summary } = guarded;
  const ref = summary.callRef ?? 'This request';
  if (summary.kind !== 'import' && summary.kind !== 'export') {
    return { refusal: { outcome: 'notNow', message: `${ref} is a ${summary.kind === 'trauma' ? 'trauma transfer' : 'CD import'}: only imports and exports can be edited and re-sent.`, status: summary.status } };
  }
  const stored = await deps.store.requests.get(summary.id);
  const body = stored?.request;
  if (!stored || !body || (body.kind !== 'import' && body.kind !== 'export')) {
    return { refusal: { outcome: 'notNow', message: appMessages.detailsPurged(ref), status: summary.status } };
  }
  const failure = [...stored.history].reverse().find((t) => (REPROCESS_FROM as readonly string[]).includes(t.to));
  // The sending trust's or IEP's own words (the sealed note) before our code-bearing summary (2.5a).
  return { summary, request: body, failureReason: failure?.note ?? failure?.why ?? '' };
}

/**
 * Opens a failed or declined import/export for editing (guideline 2.5b): approvers only (a denial is audited), and only
 * while it is failed, declined or purged. The read of the stored body is audited (`request.viewed`).
 */
export async function openRequestForEdit(deps: AppDeps, actor: AppActor, requestIdHint: string): Promise<EditableRequestView | Refusal> {
  const loaded = await loadForEdit(deps, actor, requestIdHint);
  if ('refusal' in loaded) return loaded.refusal;
  const { summary, request } = loaded;
  if (!(REPROCESS_FROM as readonly string[]).includes(summary.status)) {
    return { outcome: 'notNow', message: appMessages.notInStatusFor('edited', summary.callRef ?? 'This request', summary.status), status: summary.status };
  }
  await deps.store.audit
    .append(auditEvent('request.viewed', { at: deps.now(), actor: { type: 'user', aadObjectId: actor.aadObjectId, role: 'analyst' }, requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) }, { view: 'card' }))
    .catch((err: Error) => deps.logger.warn({ requestId: summary.id, errType: err.name }, 'edit view not audited'));
  return {
    outcome: 'editable',
    requestId: summary.id,
    ...(summary.callRef ? { callRef: summary.callRef } : {}),
    kind: request.kind,
    status: summary.status,
    failureReason: loaded.failureReason,
    values: editableValuesOf(request),
  };
}

/** What editAndResend did: the re-process decision (with the changed parts), or a refusal (field errors included). */
export type EditOutcome = (DecisionOutcome & { outcome: 'done'; changed: string[] }) | Refusal;

/** The parts that differ between two versions of a request, in CHANGE_WORDS' words. */
export function changedParts(before: ImportRequest | ExportRequest, after: ImportRequest | ExportRequest): string[] {
  const a = formValuesOf(before);
  const b = formValuesOf(after);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const parts = new Set<string>();
  for (const k of keys) {
    if ((a[k] ?? '') === (b[k] ?? '')) continue;
    parts.add(EXAM_INPUT.test(k) ? 'exams' : k);
  }
  return Object.keys(CHANGE_WORDS)
    .filter((k) => parts.has(k))
    .map((k) => CHANGE_WORDS[k]!);
}

/**
 * Edit and re-send (guideline 2.5b; issue #8 journey 5): an approver changes what a decline is usually about, the
 * server validates the whole request again with the domain's validator (the stored body with the card's editable inputs
 * laid over it: card data never touches the patient or anything else), saves the new body sealed (a versioned write),
 * and re-processes with the reason "edited and re-processed" and a note naming the changed parts, which goes into the
 * history and, as a status change, the audit. Safe to repeat: a re-delivery finds the body already saved (nothing to
 * change) and the re-process already made (`alreadyDone`).
 */
export async function editAndResend(deps: AppDeps, actor: AppActor, requestIdHint: string, cardValues: unknown, idempotencyKey: string): Promise<EditOutcome> {
  const loaded = await loadForEdit(deps, actor, requestIdHint);
  if ('refusal' in loaded) return loaded.refusal;
  const { summary, request } = loaded;
  const resend = async (changed: string[]): Promise<EditOutcome> => {
    const out = await reprocessAs(deps, actor, summary.id, idempotencyKey, {
      action: 'editAndResend',
      reason: DECISION_REASONS.editedAndReprocessed,
      note: changed.length ? `Changed: ${changed.join(', ')}.` : 'Re-sent without changes.',
      deskNote: changed.length ? `Edited in Teams by a service-desk analyst (${changed.join(', ')}) and re-processed.` : 'Re-processed in Teams by a service-desk analyst.',
    });
    return out.outcome === 'done' ? { ...out, changed } : out;
  };
  // Already re-sent (a re-delivery, or a colleague was first): the decision explains itself, nothing is edited.
  if (!(REPROCESS_FROM as readonly string[]).includes(summary.status)) return resend([]);

  const errors = editErrors(deps, request, cardValues);
  if ('errors' in errors) return { outcome: 'invalid', errors: errors.errors };
  const edited = errors.value;
  const changed = changedParts(request, edited);
  if (changed.length > 0) {
    try {
      const at = deps.now();
      // The change itself is audited with the write (who, which parts); the values stay sealed in the record.
      const amended = auditEvent(
        'request.amended',
        { at, actor: { type: 'user', aadObjectId: actor.aadObjectId, role: 'analyst' }, requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) },
        { kind: edited.kind, fields: changed },
      );
      await deps.store.requests.update(summary.id, summary.version, { at, request: edited, audit: [amended] });
    } catch (err) {
      if (err instanceof ConflictError) return { outcome: 'notNow', message: `${summary.callRef ?? 'This request'} changed while you were editing it. Please open it again.`, status: summary.status };
      return storeRefusal(deps, err, appMessages.actionNotSaved, summary.id);
    }
  }
  return resend(changed);
}

/** Validates the edit: the stored form with the editable inputs from the card laid over it (exam rows replaced whole). */
function editErrors(deps: AppDeps, stored: ImportRequest | ExportRequest, cardValues: unknown): { value: ImportRequest | ExportRequest } | { errors: FieldError[] } {
  const card = cardValues && typeof cardValues === 'object' ? (cardValues as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = Object.fromEntries(Object.entries(formValuesOf(stored)).filter(([k]) => !EXAM_INPUT.test(k)));
  for (const [k, v] of Object.entries(card)) if (isEditableField(stored.kind, k)) merged[k] = v;
  const ctx: ValidationContext = {
    today: londonLocalDate(deps.now()),
    ...(deps.localIdPattern ? { localIdPattern: deps.localIdPattern } : {}),
    ...(deps.localIdDescription ? { localIdDescription: deps.localIdDescription } : {}),
  };
  const result = stored.kind === 'import' ? validateImportRequest(merged, ctx) : validateExportRequest(merged, ctx);
  return result.ok ? { value: result.value } : { errors: result.errors };
}
