import { confirmExportStudies, exportStudiesToConfirm, pointCdImport } from '../../app';
import { renderCdSourceCard, renderExportStudiesCard, type AdaptiveCard } from '../../cards';
import { DEFAULT_CD_ROOT } from '../../workers/analystWork';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler, type CardActionResult, type Turn } from './turn';

/** The confirm-studies card for an export waiting on the analyst, or undefined when nothing is waiting. */
export async function exportStudiesCard(turn: Turn, requestId: string): Promise<AdaptiveCard | undefined> {
  const view = await exportStudiesToConfirm(turn.services.app, turn.actor, requestId);
  if (view.outcome !== 'candidates') return undefined;
  return renderExportStudiesCard({ requestId: view.requestId, callRef: view.callRef ?? '', destination: view.destination, exams: view.exams, candidates: view.candidates });
}

/** "Send these studies": the choice is checked by the workers (only this request's candidates), then queued. */
const onConfirmExportStudies: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  // Read the candidates first: the card is re-drawn from them (never from card data) with the problem or the decision.
  const view = await exportStudiesToConfirm(turn.services.app, turn.actor, requestId);
  const out = await confirmExportStudies(turn.services.app, turn.actor, requestId, data.studyInstanceUids, actionKey(turn, 'confirmExportStudies', requestId, data));
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done' && out.outcome !== 'problem') return refusalResult(out, 'confirm the studies for this export', 'notAnalyst');
  const base = view.outcome === 'candidates' ? view : undefined;
  const card = (extra: Parameters<typeof renderExportStudiesCard>[0] extends infer D ? Partial<D> : never) =>
    renderExportStudiesCard({ requestId, callRef: out.callRef ?? '', destination: base?.destination ?? '', exams: base?.exams ?? [], candidates: base?.candidates ?? [], ...extra });
  if (out.outcome === 'problem') return { replace: card({ values: data, errors: out.errors }) };
  const n = out.value.studyCount;
  return { replace: card({ decision: { what: `${n} ${n === 1 ? 'study' : 'studies'} confirmed to send`, by: turn.actor.displayName ?? 'A service-desk analyst', at: turn.services.app.now(), tone: 'good' } }) };
};

/** The CD card for an approved CD import (after the approval in the channel). */
export function cdSourceCard(requestId: string, callRef: string): AdaptiveCard {
  return renderCdSourceCard({ requestId, callRef, cdRoot: DEFAULT_CD_ROOT });
}

/** "Import this CD": the path is checked by the workers (inside their CD folder, a folder or .zip that exists). */
const onPointCdImportAt: CardActionHandler = async (turn, data): Promise<CardActionResult> => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await pointCdImport(turn.services.app, turn.actor, requestId, data.cdSource, actionKey(turn, 'pointCdImportAt', requestId, data));
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done' && out.outcome !== 'problem') return refusalResult(out, 'import this CD', 'notAnalyst');
  const callRef = out.callRef ?? '';
  if (out.outcome === 'problem') return { replace: renderCdSourceCard({ requestId, callRef, cdRoot: DEFAULT_CD_ROOT, values: data, errors: out.errors }) };
  return {
    replace: renderCdSourceCard({
      requestId,
      callRef,
      cdRoot: DEFAULT_CD_ROOT,
      decision: { what: 'CD import started', by: turn.actor.displayName ?? 'A service-desk analyst', at: turn.services.app.now(), tone: 'good', detail: 'The images are checked against the request and PAS before they reach PACS; you will be told if any are held.', detailLabel: 'Next' },
    }),
  };
};

/** Handlers for the flow steps that wait for an analyst. */
export const analystFlowActions = {
  confirmExportStudies: onConfirmExportStudies,
  pointCdImportAt: onPointCdImportAt,
};
