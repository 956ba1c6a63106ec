import type { FieldError } from '../domain';
import { decidedView, type CardDecision } from './cardEvents';
import { escapeCardText } from './escape';
import { errorSummary, fieldView, inputValue } from './formFields';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { formatCardDate } from './words';

/** A UHL study offered for an ambiguous export (structurally app's ExportCandidate). */
export interface ExportStudyChoice {
  studyInstanceUid: string;
  studyDate?: string;
  modalities: readonly string[];
  description?: string;
  examIndex: number;
}

/** The confirm-studies card's data. */
export interface ExportStudiesCardData {
  requestId: string;
  callRef: string;
  destination: string;
  exams: ReadonlyArray<{ date: string; description: string }>;
  candidates: readonly ExportStudyChoice[];
  values?: Readonly<Record<string, unknown>>;
  errors?: readonly FieldError[];
  decision?: CardDecision;
}

/**
 * Export step 2 (issue #7: "if the match is ambiguous, the analyst confirms the list"): what was asked for, and the UHL
 * studies found, as a multi-select (`studyInstanceUids`, comma-separated as Teams sends it). Submits
 * `{ verb: "confirmExportStudies", requestId, callRef, studyInstanceUids }`. Closed once confirmed.
 */
export function renderExportStudiesCard(data: ExportStudiesCardData): AdaptiveCard {
  const state = { values: data.values ?? {}, errors: data.errors ?? [] };
  return renderTemplate('exportStudies', {
    title: `Confirm the studies to send: ${escapeCardText(data.callRef)}`,
    intro: `The search of UHL PACS found no single study for every exam asked for. Pick the studies to send to ${escapeCardText(data.destination)}: a study sent out of the trust cannot be taken back.`,
    summary: errorSummary(data.errors),
    exams: data.exams.map((e, i) => ({ text: `Exam ${i + 1}: ${formatCardDate(e.date)}, ${escapeCardText(e.description)}` })),
    open: data.decision === undefined,
    choices: data.candidates.map((c) => ({
      title: `${c.studyDate ? formatCardDate(c.studyDate) : 'no date'} · ${c.modalities.join('/') || '?'} · ${c.description ?? 'no description'} (for exam ${c.examIndex + 1})`,
      value: c.studyInstanceUid,
    })),
    value: inputValue(state.values.studyInstanceUids),
    field: fieldView('studyInstanceUids', state),
    decided: decidedView(data.decision),
    requestId: data.requestId,
    callRef: data.callRef,
    verbs: CARD_VERBS,
  });
}

/** The CD card's data: the request, what was typed and the errors, or the decision once pointed. */
export interface CdSourceCardData {
  requestId: string;
  callRef: string;
  /** The folder CD contents must be under, for the placeholder. */
  cdRoot: string;
  values?: Readonly<Record<string, unknown>>;
  errors?: readonly FieldError[];
  decision?: CardDecision;
}

/**
 * CD import (issue #7: "the analyst points the request at the CD's contents"; Appendix 6): a path input (`cdSource`)
 * checked on the server, then "Import this CD". Submits `{ verb: "pointCdImportAt", requestId, callRef, cdSource }`.
 */
export function renderCdSourceCard(data: CdSourceCardData): AdaptiveCard {
  const state = { values: data.values ?? {}, errors: data.errors ?? [] };
  return renderTemplate('cdSource', {
    title: `Import the CD: ${escapeCardText(data.callRef)}`,
    intro: `Copy the disc's contents (a folder, or a .zip) into ${escapeCardText(data.cdRoot)} on the workers' share, then give its full path. The images are checked against the request and PAS before anything reaches PACS.`,
    summary: errorSummary(data.errors, { cdSource: 'Full path of the CD folder or .zip' }),
    placeholder: `${data.cdRoot}/ITB-2026-000123`,
    open: data.decision === undefined,
    field: fieldView('cdSource', state),
    decided: decidedView(data.decision),
    requestId: data.requestId,
    callRef: data.callRef,
    verbs: CARD_VERBS,
  });
}
