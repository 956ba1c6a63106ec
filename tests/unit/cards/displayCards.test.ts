import {
  ALL_CARD_VERBS,
  CARD_VERBS,
  HELP_COMMANDS,
  renderActionRequiredCard,
  renderApprovalCard,
  renderCancelConfirmCard,
  renderConfirmationCard,
  renderFailureCard,
  renderHelpCard,
  renderMyRequestsCard,
  renderPatientDetailsCard,
  renderRefusedCard,
  renderStatusCard,
  renderTraumaFyiCard,
  searchInstitutionChoices,
  type ApprovalCardData,
} from '../../../cards';
import { REQUEST_STATUSES, STATUS_LABELS, canRequesterCancel } from '../../../domain';
import { SMALL_DIRECTORY, sampleImportRequest } from './cardSamples';
import { actionTitles, factTexts, nodesOfType, submitData, texts } from './cardTree';

const approval = (over: Partial<ApprovalCardData> = {}) =>
  renderApprovalCard({
    requestId: 'req-1',
    callRef: 'ITB-2026-000123',
    kind: 'import',
    priority: 'standard',
    priorityReason: 'mdtReferral',
    organisation: 'Kettering General Hospital',
    requestedBy: 'Dr Jo Example',
    examCount: 2,
    requiredBy: '2026-06-30',
    status: 'awaitingApproval',
    submittedAt: '2026-06-15T12:40:00Z',
    ...over,
  });

const allText = (card: unknown) => [...texts(card), ...factTexts(card)].join('\n');

describe('help card', () => {
  it('keeps renderHelpCard() working: commands, hours and the form buttons', () => {
    const card = renderHelpCard();
    expect(factTexts(card)).toEqual(HELP_COMMANDS.flatMap((c) => [c.command, c.description]));
    expect(actionTitles(card)).toEqual(['Request images (import)', 'Send images (export)', 'CD upload', 'My requests']);
    expect(submitData(card).map((d) => d.verb)).toEqual([CARD_VERBS.openImport, CARD_VERBS.openExport, CARD_VERBS.openCd, CARD_VERBS.openMyRequests]);
    expect(allText(card)).toContain('Service desk hours');
  });

  it('offers Trauma transfer first for radiologists', () => {
    expect(actionTitles(renderHelpCard({ trauma: true }))[0]).toBe('Trauma transfer');
  });
});

describe('confirmation card', () => {
  const base = { requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import' as const, priority: 'blueLight' as const, nextStep: 'An analyst approves it.', expected: 'Within 4 hours.' };
  it('shows the call reference, next step and expected time; the next opening only out of hours', () => {
    const inHours = renderConfirmationCard(base);
    expect(texts(inHours)).toContain('ITB-2026-000123');
    expect(factTexts(inHours)).toEqual(expect.arrayContaining(['Blue Light', 'An analyst approves it\\.'.replace('\\.', '.'), 'Within 4 hours.']));
    expect(allText(inHours)).not.toContain('closed');
    const outOfHours = renderConfirmationCard({ ...base, outOfHours: { nextOpening: 'Sunday 08:00' } });
    expect(allText(outOfHours)).toContain('The service desk is closed now. It opens again Sunday 08:00');
    expect(submitData(outOfHours)).toEqual([
      { verb: CARD_VERBS.showStatus, requestId: 'r', callRef: 'ITB-2026-000123' },
      { verb: CARD_VERBS.openMyRequests },
    ]);
  });
});

describe('approval card', () => {
  it('shows only what the channel needs: no patient identifiers', () => {
    const request = sampleImportRequest();
    const text = JSON.stringify(approval());
    for (const identifier of [request.patient.sNumber, request.patient.familyName, request.patient.givenName, request.patient.birthDate, '9990000018', '999 000 0018']) {
      expect(text).not.toContain(identifier);
    }
    expect(factTexts(approval())).toEqual(
      expect.arrayContaining(['ITB-2026-000123', 'Import', 'Standard', 'MDT Referral', 'Kettering General Hospital', 'Dr Jo Example', '2', 'Tue 30 Jun 2026', STATUS_LABELS.awaitingApproval]),
    );
  });

  it('open: Approve, Reject (reason required), Needs information (question required), Show patient details', () => {
    const card = approval();
    expect(actionTitles(card)).toEqual(['Approve', 'Reject', 'Needs information', 'Show patient details']);
    const [reject, ask] = nodesOfType(card, 'Action.ShowCard');
    const rejectInput = nodesOfType(reject?.card, 'Input.Text')[0];
    expect(rejectInput).toMatchObject({ id: 'reason', isRequired: true });
    expect(submitData(reject?.card)[0]).toEqual({ verb: CARD_VERBS.reject, requestId: 'req-1', callRef: 'ITB-2026-000123' });
    expect(nodesOfType(ask?.card, 'Input.Text')[0]).toMatchObject({ id: 'question', isRequired: true });
    expect(submitData(ask?.card)[0]?.verb).toBe(CARD_VERBS.askForInformation);
  });

  it('brings the requester\'s answer back onto the card', () => {
    const card = approval({
      status: 'needsInformation',
      exchanges: [{ question: 'Which CT?', askedBy: 'Ann Analyst', askedAt: '2026-06-15T12:55:00Z' }],
    });
    expect(allText(card)).toContain("Waiting for the requester's answer");
    const answered = approval({
      exchanges: [{ question: 'Which CT?', askedBy: 'Ann Analyst', askedAt: '2026-06-15T12:55:00Z', answer: 'The head CT', answeredAt: '2026-06-15T13:01:00Z' }],
    });
    expect(texts(answered)).toEqual(expect.arrayContaining(['Question from Ann Analyst at 13:55, Mon 15 Jun 2026', 'Which CT?', 'Answer at 14:01, Mon 15 Jun 2026', 'The head CT']));
  });

  it('decided: no buttons, and who decided when (London time)', () => {
    const card = approval({ status: 'approved', decision: { what: 'Approved', by: 'Ann Analyst', at: '2026-06-15T13:05:00Z', tone: 'good' } });
    expect(card.actions ?? []).toEqual([]);
    expect(texts(card)).toContain('Approved by Ann Analyst at 14:05, Mon 15 Jun 2026');
    const rejected = approval({ status: 'rejected', decision: { what: 'Rejected', by: 'Ann Analyst', at: '2026-12-15T13:05:00Z', detail: 'Not on PAS', tone: 'attention' } });
    expect(texts(rejected)).toEqual(expect.arrayContaining(['Rejected by Ann Analyst at 13:05, Tue 15 Dec 2026', 'Reason: Not on PAS']));
  });

  it('highlights Blue Light in words while open', () => {
    expect(allText(approval({ priority: 'blueLight', priorityReason: 'blueLightEmergency' }))).toContain('Blue Light: the images are needed within 4 hours.');
  });

  it('keeps a history of who did what, oldest first', () => {
    const card = approval({
      history: [
        { what: 'Asked for information', by: 'Ann Analyst', at: '2026-06-15T12:55:00Z' },
        { what: 'Submitted', by: 'Dr Jo Example', at: '2026-06-15T12:40:00Z' },
      ],
    });
    const lines = texts(card).filter((t) => t.includes(' · '));
    expect(lines).toEqual(['13:40, Mon 15 Jun 2026 · Submitted · Dr Jo Example', '13:55, Mon 15 Jun 2026 · Asked for information · Ann Analyst']);
  });
});

describe('patient details card (1:1 to an approver)', () => {
  it('shows the identity, exams and request', () => {
    const request = sampleImportRequest();
    const card = renderPatientDetailsCard({ callRef: 'ITB-2026-000123', request });
    const facts = factTexts(card);
    expect(facts).toEqual(expect.arrayContaining(["O'NEIL-SMITH, Zoë", 'Wed 1 Apr 1970', 'S1234567', '999 000 0018', 'Fri 1 May 2026', 'CT head \\(code CCTHE\\)', 'Kettering General Hospital']));
    expect(allText(card)).toContain('Sent to you only');
  });
});

describe('status card', () => {
  const status = (s: (typeof REQUEST_STATUSES)[number], canCancel: boolean) =>
    renderStatusCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', status: s, timeline: [{ status: 'submitted', at: '2026-06-15T12:40:00Z' }, { status: s, at: '2026-06-15T12:41:00Z' }], canCancel });

  it('offers Cancel only when the data allows it AND before processing starts', () => {
    for (const s of REQUEST_STATUSES) {
      expect([s, actionTitles(status(s, true)).includes('Cancel request')]).toEqual([s, canRequesterCancel(s)]);
      expect(actionTitles(status(s, false))).not.toContain('Cancel request');
    }
    expect(submitData(status('logged', true)).find((d) => d.verb === CARD_VERBS.requestCancel)).toEqual({ verb: 'requestCancel', requestId: 'r', callRef: 'ITB-2026-000123' });
  });

  it('shows the timeline with times and marks the current status', () => {
    expect(factTexts(status('onIep', false))).toEqual(['Submitted', '13:40, Mon 15 Jun 2026', 'IEP: On IEP (now)', '13:41, Mon 15 Jun 2026']);
  });
});

describe('my requests', () => {
  it('lists call ref, kind, status and updated time; each row opens its status; lookup box by call reference', () => {
    const card = renderMyRequestsCard({
      requests: [{ requestId: 'r1', callRef: 'ITB-2026-000123', kind: 'export', status: 'onIep', updatedAt: '2026-06-15T12:40:00Z' }],
    });
    expect(texts(card)).toEqual(expect.arrayContaining(['ITB-2026-000123', 'IEP: On IEP', 'Export · updated 13:40, Mon 15 Jun 2026']));
    expect(submitData(card)).toEqual([{ verb: CARD_VERBS.showStatus, requestId: 'r1', callRef: 'ITB-2026-000123' }, { verb: CARD_VERBS.lookupStatus }]);
    expect(nodesOfType(card, 'Input.Text')[0]).toMatchObject({ id: 'callRefQuery', label: 'Call reference' });
  });

  it('says so when there are none, and counts what it does not show', () => {
    expect(allText(renderMyRequestsCard({ requests: [] }))).toContain('You have no requests yet');
    const many = Array.from({ length: 20 }, (_, i) => ({ requestId: `r${i}`, callRef: `ITB-2026-${String(i + 1).padStart(6, '0')}`, kind: 'import' as const, status: 'completed' as const, updatedAt: '2026-06-15T12:40:00Z' }));
    const card = renderMyRequestsCard({ requests: many, maxRows: 5 });
    expect(submitData(card).filter((d) => d.verb === CARD_VERBS.showStatus)).toHaveLength(5);
    expect(allText(card)).toContain('And 15 older.');
  });

  it('shows a lookup error under the box and keeps what was typed', () => {
    const card = renderMyRequestsCard({ requests: [], values: { callRefQuery: 'ITB-26' }, errors: [{ field: 'callRefQuery', message: 'Enter a call reference like ITB-2026-000123.' }] });
    expect(nodesOfType(card, 'Input.Text')[0]?.value).toBe('ITB-26');
    expect(texts(card)).toContain('Error: Enter a call reference like ITB-2026-000123.');
  });
});

describe('cancel', () => {
  it('confirms before processing, with yes/no verbs; refuses politely after', () => {
    const open = renderCancelConfirmCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', status: 'awaitingApproval' });
    expect(submitData(open).map((d) => d.verb)).toEqual([CARD_VERBS.confirmCancel, CARD_VERBS.keepRequest]);
    const late = renderCancelConfirmCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', status: 'iepDownloading' });
    expect(late.actions ?? []).toEqual([]);
    expect(allText(late)).toContain('call the service desk on x18000');
    const done = renderCancelConfirmCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', status: 'cancelled', decision: { what: 'Cancelled', by: 'you', at: '2026-06-15T13:05:00Z' } });
    expect(done.actions ?? []).toEqual([]);
  });
});

describe('channel cards', () => {
  it('action required: match (call ref required), ask sender, cancel (reason required), details; deadline from 2.4d', () => {
    const card = renderActionRequiredCard({ itemId: 'tx-1', topic: 'unsolicitedImages', receivedAt: '2026-06-15T11:20:00Z', reasons: ['No request matches.'], deadline: '2026-06-29' });
    expect(actionTitles(card)).toEqual(['Match to request', 'Ask the sender', 'Cancel', 'Show patient details']);
    const verbs = submitData(card).map((d) => d.verb);
    expect(verbs).toEqual([CARD_VERBS.matchToRequest, CARD_VERBS.askSender, CARD_VERBS.cancelUnmatched, CARD_VERBS.showPatientDetails]);
    expect(submitData(card).every((d) => d.itemId === 'tx-1')).toBe(true);
    expect(nodesOfType(card, 'Input.Text').find((i) => i.id === 'matchCallRef')).toMatchObject({ isRequired: true });
    expect(allText(card)).toContain('Mon 29 Jun 2026');
    expect(texts(card)).toContain('• No request matches.');
  });

  it('failure: re-process, edit and re-send (imports and exports), back to requester, cancel; decline reason shown; trauma failures suggest a CD', () => {
    const declined = renderFailureCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', status: 'iepDeclined', reason: 'Study not held', at: '2026-06-15T12:00:00Z' });
    expect(actionTitles(declined)).toEqual(['Re-process', 'Edit and re-send', 'Back to requester', 'Cancel request']);
    expect(submitData(declined).map((d) => d.verb)).toEqual([CARD_VERBS.reprocess, CARD_VERBS.openEditRequest, CARD_VERBS.returnToRequester, CARD_VERBS.cancelRequest]);
    expect(texts(declined)).toEqual(expect.arrayContaining(['Declined: ITB-2026-000123', 'Reason given by the sending trust', 'Study not held']));
    const trauma = renderFailureCard({ requestId: 'r', callRef: 'ITB-2026-000200', kind: 'trauma', status: 'iepFailed', reason: 'Timed out', at: '2026-06-15T02:00:00Z' });
    expect(allText(trauma)).toContain('burn a CD');
    // A trauma transfer is not reworked through the service desk: no edit.
    expect(actionTitles(trauma)).not.toContain('Edit and re-send');
    const decided = renderFailureCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', status: 'iepFailed', reason: 'x', at: '2026-06-15T12:00:00Z', decision: { what: 'Re-processed', by: 'Ann', at: '2026-06-15T12:10:00Z' } });
    expect(decided.actions ?? []).toEqual([]);
  });

  it('trauma FYI: destination, node, priority, sender, study count; no patient data and no buttons but View status', () => {
    const card = renderTraumaFyiCard({ requestId: 'r', callRef: 'ITB-2026-000200', sentBy: 'Dr Rad', at: '2026-06-15T01:50:00Z', studyCount: 3, attachReport: false, status: 'onIep' });
    expect(factTexts(card)).toEqual(expect.arrayContaining(['Nottingham University Hospitals (NUH Radiology PACS)', 'Clinical emergency', 'Dr Rad', '02:50, Mon 15 Jun 2026', '3', 'IEP: On IEP']));
    expect(actionTitles(card)).toEqual(['View status']);
  });

  it('refused: says what was tried, why, and what to do instead', () => {
    const card = renderRefusedCard({ attempted: 'approve this request', reason: 'notAnalyst', callRef: 'ITB-2026-000123' });
    expect(texts(card)[0]).toBe("Sorry, you can't approve this request (ITB-2026-000123)");
    expect(allText(card)).toContain('Only the service-desk analysts');
    expect(submitData(card)).toEqual([{ verb: CARD_VERBS.openHelp }]);
  });
});

describe('verbs and directory search', () => {
  it('verb names are unique and equal to their keys (the bot routes on the string)', () => {
    expect(new Set(ALL_CARD_VERBS).size).toBe(ALL_CARD_VERBS.length);
    for (const [k, v] of Object.entries(CARD_VERBS)) expect(v).toBe(k);
  });

  it('type-ahead answers search anywhere in the name, A-Z, at most 15', () => {
    expect(searchInstitutionChoices(SMALL_DIRECTORY, 'notti').map((c) => c.title)).toEqual([
      'Nottingham City Hospital [Nottingham University Hospitals]',
      'Nottingham Queens Medical Centre [Nottingham University Hospitals]',
      'Nottingham University Hospitals',
    ]);
    expect(searchInstitutionChoices(SMALL_DIRECTORY, '')).toHaveLength(14);
    expect(searchInstitutionChoices(SMALL_DIRECTORY, '', 5)).toHaveLength(5);
  });
});

describe('action required: a held study offers only what applies to it', () => {
  it('quarantine: Cancel the request and the patient details; no matching or asking the sender (it has its request)', () => {
    const card = renderActionRequiredCard({ itemId: 'req-1', requestId: 'req-1', callRef: 'ITB-2026-000123', topic: 'quarantined', receivedAt: '2026-06-15T11:20:00Z', reasons: ['Patient name differs.'] });
    expect(actionTitles(card)).toEqual(['Cancel', 'Show patient details']);
    expect(JSON.stringify(card)).toContain('Cancel the request');
    expect(JSON.stringify(card)).not.toMatch(/Match to request|Ask the sender/);
  });
});

describe('action required: a refused match', () => {
  it('says why at the top, naming the field', () => {
    const card = renderActionRequiredCard({
      itemId: 'tx-1', topic: 'unsolicitedImages', receivedAt: '2026-06-15T11:20:00Z', reasons: ['No request matches these images.'],
      errors: [{ field: 'matchCallRef', message: 'No request has that call reference.' }],
    });
    expect(texts(card)).toEqual(expect.arrayContaining(['Error: 1 answer needs your attention', '• Call reference of the request: No request has that call reference.']));
    expect(actionTitles(card)).toContain('Match to request');
  });
});
