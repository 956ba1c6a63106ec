import { heldFindingWords, renderActionRequiredCard, type ActionRequiredCardData } from '../../../cards/actionRequiredCard';
import { CARD_VERBS } from '../../../cards';
import { RELEASE_CONFIRMATION_MAX } from '../../../domain';
import { RELEASABLE_CODES } from '../../../integrations/dicom/acceptedFindings';
import { quarantineCardData } from '../../../bot/quarantineCardView';
import type { HeldImport } from '../../../app';
import { actionTitles, inputById, submitData, texts } from './cardTree';

const REQUEST = { id: 'req-1', callRef: 'ITB-2026-000123', status: 'quarantined' as const, statusSince: '2026-06-15T11:20:00Z', organisation: 'Kettering General Hospital' };

function held(findings: HeldImport['findings'], releasable: boolean, release?: HeldImport['release']): HeldImport {
  return { requestId: 'req-1', version: 'abc123def456abc123de', releasable, findings, heldAt: '2026-06-15T11:19:00Z', ...(release ? { release } : {}) };
}
const card = (data: ActionRequiredCardData) => renderActionRequiredCard(data);
const nameMismatch = held([{ code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request' }, { code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'pas' }], true);

describe('quarantine card: Release to PACS by finding kind', () => {
  it('identity-field mismatches: Release to PACS with a required, length-limited confirmation, then Cancel and the details', () => {
    const c = card(quarantineCardData(REQUEST, nameMismatch, new Map()));
    expect(actionTitles(c)).toEqual(['Release to PACS', 'Cancel', 'Show patient details']);
    const input = inputById(c, 'releaseConfirmation')!;
    expect(input).toMatchObject({ label: 'How did you confirm it is the same patient?', isRequired: true, maxLength: RELEASE_CONFIRMATION_MAX });
    const release = submitData(c).find((d) => d.verb === CARD_VERBS.releaseQuarantine)!;
    expect(release).toEqual({ verb: 'releaseQuarantine', itemId: 'req-1', requestId: 'req-1', callRef: 'ITB-2026-000123', findingsVersion: 'abc123def456abc123de' });
    // What differs, in words, with no values.
    expect(texts(c)).toEqual(expect.arrayContaining(["• The patient's name in the images differs from the request.", "• The patient's name in the images differs from PAS."]));
  });

  it.each(RELEASABLE_CODES)('%s alone offers the release', (code) => {
    expect(actionTitles(card(quarantineCardData(REQUEST, held([{ code, against: 'request' }], true), new Map())))).toContain('Release to PACS');
  });

  it.each([
    ['more than one patient', [{ code: 'MULTIPLE_PATIENTS' }]],
    ['a study not requested', [{ code: 'STUDY_NOT_REQUESTED' }]],
    ['unreadable files', [{ code: 'UNREADABLE_INSTANCE' }]],
    ['a rewrite that failed', [{ code: 'FIX_UP_FAILED' }]],
    ['a name mismatch beside another patient', [{ code: 'PATIENT_NAME_MISMATCH', against: 'request' as const }, { code: 'MULTIPLE_PATIENTS' }]],
  ])('%s: no release, and the card says why', (_what, findings) => {
    const c = card(quarantineCardData(REQUEST, held(findings, false), new Map()));
    expect(actionTitles(c)).toEqual(['Cancel', 'Show patient details']);
    expect(inputById(c, 'releaseConfirmation')).toBeUndefined();
    expect(texts(c).join('\n')).toMatch(/Release to PACS is not offered/);
  });

  it('even a releasable-looking finding list is not offered when the workers did not mark it releasable (the server decides)', () => {
    expect(actionTitles(card(quarantineCardData(REQUEST, held([{ code: 'PATIENT_NAME_MISMATCH' }], false), new Map())))).not.toContain('Release to PACS');
  });

  it('once a release is ordered: no button, who and when instead', () => {
    const names = new Map([['aad-1', 'Bronwen Achterberg']]);
    const c = card(quarantineCardData(REQUEST, held(nameMismatch.findings, true, { by: 'AAD-1', at: '2026-06-15T12:00:00Z' }), names));
    expect(actionTitles(c)).toEqual([]);
    expect(texts(c).join('\n')).toMatch(/Release to PACS ordered by Bronwen Achterberg at/);
  });

  it('no longer quarantined (released, cancelled): no release', () => {
    expect(actionTitles(card(quarantineCardData({ ...REQUEST, status: 'deliveredToPacs' }, nameMismatch, new Map())))).not.toContain('Release to PACS');
  });

  it('no findings known (no worker operations): the generic reason, no release, no "not offered" line', () => {
    const c = card(quarantineCardData(REQUEST, undefined, new Map()));
    expect(actionTitles(c)).toEqual(['Cancel', 'Show patient details']);
    expect(texts(c)).toContain('• A check on the images failed, so they were held before PACS.');
    expect(texts(c).join('\n')).not.toMatch(/not offered/);
  });

  it('every finding code has its own words, none quoting a value', () => {
    const codes = ['PATIENT_NAME_MISMATCH', 'BIRTH_DATE_MISMATCH', 'NHS_NUMBER_MISMATCH', 'LOCAL_ID_MISMATCH', 'MULTIPLE_PATIENTS', 'MISSING_IDENTITY', 'GARBLED_IDENTITY', 'STUDY_NOT_REQUESTED', 'REQUEST_PAS_MISMATCH', 'PATIENT_NOT_ON_PAS', 'UNREADABLE_INSTANCE', 'MEDIA_INCOMPLETE', 'DUPLICATE_INSTANCE', 'INCONSISTENT_STUDY', 'NO_INSTANCES', 'FIX_UP_FAILED'];
    const words = codes.map((code) => heldFindingWords({ code, field: 'birthDate', against: 'pas' }));
    expect(new Set(words).size).toBe(codes.length);
    expect(words).not.toContain(heldFindingWords({ code: 'SOMETHING_NEW' }));
  });
});
