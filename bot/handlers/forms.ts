import { auditDenial, bestInstitution, findTraumaStudies, hasRole, submitRequest, type Refusal } from '../../app';
import {
  renderConfirmationCard,
  renderExportForm,
  renderImportForm,
  renderCdImportForm,
  renderTraumaPatientForm,
  renderTraumaStudiesForm,
  type AdaptiveCard,
  type FormState,
  type InstitutionChoice,
} from '../../cards';
import { londonLocalDate, type FieldError, type RequestKind } from '../../domain';
import { confirmationData } from '../cardViews';
import { actionKey, hint, refusalResult, type CardActionHandler, type CardActionResult, type CardData, type Turn } from './turn';

type FormKind = Exclude<RequestKind, 'trauma'>;

/** Renders a request form, with what was typed and the errors when it comes back (values kept, errors by each field). */
async function formCard(turn: Turn, kind: FormKind, state: FormState & { formId?: string }): Promise<AdaptiveCard> {
  const { app, localId } = turn.services;
  const base = { today: londonLocalDate(app.now()), ...(localId ? { localId } : {}), ...state };
  if (kind === 'cdImport') return renderCdImportForm(base);
  const institutions: InstitutionChoice[] = (await app.directory.search('')).map((i) => ({ name: i.name }));
  return kind === 'import' ? renderImportForm({ ...base, institutions }) : renderExportForm({ ...base, institutions });
}

/**
 * Opens a form; "request images from Kettering" pre-fills the trust by fuzzy match against the IEP directory (the
 * person can still change it).
 */
export async function openForm(turn: Turn, kind: FormKind, organisationText?: string): Promise<AdaptiveCard> {
  const values: Record<string, string> = {};
  if (organisationText && kind !== 'cdImport') {
    const found = bestInstitution(organisationText, await turn.services.app.directory.search(''));
    if (found) values[kind === 'import' ? 'sourceOrganisation' : 'destinationOrganisation'] = found.name;
  }
  return formCard(turn, kind, { values });
}

/** The trauma form, step 1, for the on-call radiologist; anyone else gets the kind refusal (and it is audited). */
export async function openTrauma(turn: Turn): Promise<CardActionResult> {
  if (!hasRole(turn.actor, 'radiologist')) {
    await auditDenial(turn.services.app, turn.actor, 'submitTrauma');
    return refusalResult({ outcome: 'denied', message: 'Trauma transfers are for the on-call radiologist.' }, 'start a trauma transfer', 'notRadiologist');
  }
  return { reply: [renderTraumaPatientForm(turn.services.localId ? { localId: turn.services.localId } : {})] };
}

/** Where the status card for a request now sits: the clicked form, replaced by the confirmation (updated later in place). */
async function rememberConfirmation(turn: Turn, requestId: string): Promise<void> {
  const a = turn.context.activity;
  if (!a.replyToId || !a.conversation?.id) return;
  await turn.services.postedCards
    .record(requestId, 'status', { conversationId: a.conversation.id, activityId: a.replyToId, at: turn.services.app.now().toISOString() })
    .catch((err: Error) => turn.services.logger.warn({ requestId, errType: err.name }, 'confirmation card not recorded'));
}

/** What to show for a submission that was not accepted; `rerender` re-draws the form with the errors. */
async function notAccepted(refusal: Refusal, rerender: (errors: FieldError[]) => Promise<AdaptiveCard>): Promise<CardActionResult> {
  switch (refusal.outcome) {
    case 'invalid':
      return { replace: await rerender(refusal.errors) };
    case 'denied':
      return refusalResult(refusal, 'send a trauma transfer', 'notRadiologist');
    default:
      // Unavailable: the form stays as it is, so Submit can simply be pressed again.
      return refusalResult(refusal, 'submit this request');
  }
}

/** Submit of the import, export or CD form: validate, PAS, store, desk, approval (app.submitRequest). */
function submitForm(kind: FormKind): CardActionHandler {
  return async (turn, data) => {
    const key = actionKey(turn, `submit-${kind}`, undefined, data);
    const out = await submitRequest(turn.services.app, turn.actor, kind, data, key);
    if (out.outcome !== 'accepted') {
      const formId = hint(data, 'formId');
      return notAccepted(out, (errors) => formCard(turn, kind, { values: data, errors, ...(formId ? { formId } : {}) }));
    }
    await rememberConfirmation(turn, out.requestId);
    return { replace: renderConfirmationCard(confirmationData(out)) };
  };
}

/** Trauma step 1: find the patient's studies on PACS and show step 2. */
const traumaFindPatient: CardActionHandler = async (turn, data) => {
  const found = await findTraumaStudies(turn.services.app, turn.actor, data);
  const formId = hint(data, 'formId');
  if (found.outcome === 'found') {
    return { replace: renderTraumaStudiesForm({ patient: found.patient, studies: found.studies, today: londonLocalDate(turn.services.app.now()) }) };
  }
  return notAccepted(found, async (errors) =>
    renderTraumaPatientForm({ values: data, errors, ...(formId ? { formId } : {}), ...(turn.services.localId ? { localId: turn.services.localId } : {}) }),
  );
};

/** Trauma step 2: send (app.submitRequest, trauma: no approval, clinical emergency). */
const submitTrauma: CardActionHandler = async (turn, data) => {
  const key = actionKey(turn, 'submit-trauma', undefined, data);
  const out = await submitRequest(turn.services.app, turn.actor, 'trauma', data, key);
  if (out.outcome === 'accepted') {
    await rememberConfirmation(turn, out.requestId);
    return { replace: renderConfirmationCard(confirmationData(out)) };
  }
  const formId = hint(data, 'formId');
  return notAccepted(out, async (errors) => {
    // Step 2 again, with the studies re-read from PACS and the radiologist's choices and errors kept.
    const found = await findTraumaStudies(turn.services.app, turn.actor, data);
    const patient = found.outcome === 'found' ? found.patient : { sNumber: String(data.sNumber ?? '') };
    const studies = found.outcome === 'found' ? found.studies : [];
    return renderTraumaStudiesForm({ patient, studies, today: londonLocalDate(turn.services.app.now()), values: data, errors, ...(formId ? { formId } : {}) });
  });
};

/** Handlers for the form verbs. */
export const formActions = {
  openImport: async (turn: Turn) => ({ reply: [await openForm(turn, 'import')] }),
  openExport: async (turn: Turn) => ({ reply: [await openForm(turn, 'export')] }),
  openCd: async (turn: Turn) => ({ reply: [await openForm(turn, 'cdImport')] }),
  openTrauma: (turn: Turn) => openTrauma(turn),
  submitImport: submitForm('import'),
  submitExport: submitForm('export'),
  submitCdImport: submitForm('cdImport'),
  traumaFindPatient,
  submitTrauma,
} satisfies Record<string, (turn: Turn, data: CardData) => Promise<CardActionResult>>;
