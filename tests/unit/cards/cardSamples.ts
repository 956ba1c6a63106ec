import {
  renderActionRequiredCard,
  renderApprovalCard,
  renderCancelConfirmCard,
  renderCdImportForm,
  renderCdSourceCard,
  renderComplianceReportCard,
  renderExportStudiesCard,
  renderConfirmationCard,
  renderEditRequestCard,
  renderExportForm,
  renderFailureCard,
  renderHelpCard,
  renderImportForm,
  renderInformationRequestCard,
  renderMyRequestsCard,
  renderPatientDetailsCard,
  renderRefusedCard,
  renderStatusCard,
  renderTraumaFyiCard,
  renderTraumaPatientForm,
  renderTraumaStudiesForm,
  type AdaptiveCard,
  type InstitutionChoice,
  type TraumaStudyChoice,
} from '../../../cards';
import { toLocalDate, validateImportRequest, type ImportRequest, type NhsNumber, type TransferRequest } from '../../../domain';

/**
 * Typed sample data for every card, shared by the unit tests (JSON checks) and the browser tests (rendering). All
 * patients are synthetic; NHS numbers come from the 999 test range and pass Modulus 11 (999 000 0018, 999 000 0026).
 */

/** "Today" for the samples: a Monday in BST, so a date handled as UTC would show. */
export const TODAY = toLocalDate('2026-06-15');
export const NOW = new Date('2026-06-15T13:05:00Z'); // 14:05 in London

/** The simulator's directory (sandbox/iep-simulator/directory.ts), the names the guideline's screenshots show. */
export const SMALL_DIRECTORY: InstitutionChoice[] = [
  'University Hospitals of Leicester',
  'Nottingham University Hospitals',
  'Nottingham City Hospital [Nottingham University Hospitals]',
  'Nottingham Queens Medical Centre [Nottingham University Hospitals]',
  'Epsom & St Helier University Hospitals',
  'United Lincolnshire Hospitals NHS Trust',
  'Sheffield Teaching Hospitals',
  'Great Ormond Street Hospital',
  'Kettering General Hospital',
  'Spire Leicester',
  'Mid Essex NHS Trust',
  'Nuffield Health Derby',
  "King's Mill Hospital",
  'The Royal Marsden Hospital',
].map((name) => ({ name }));

const TOWNS = [
  'Barnsley', 'Bedford', 'Birmingham', 'Blackpool', 'Bolton', 'Bradford', 'Brighton', 'Bristol', 'Burton', 'Calderdale',
  'Cambridge', 'Chesterfield', 'Colchester', 'Coventry', 'Derby', 'Doncaster', 'Dorset', 'Gloucester', 'Harrogate',
  'Hull', 'Ipswich', 'Kingston', 'Lancashire', 'Leeds', 'Lincoln', 'Liverpool', 'Luton', 'Manchester', 'Milton Keynes',
  'Newcastle', 'Northampton', 'Norwich', 'Oxford', 'Peterborough', 'Plymouth', 'Portsmouth', 'Sheffield', 'Southampton',
  'Stockport', 'Sunderland', 'Swindon', 'Walsall', 'Warrington', 'Wolverhampton', 'Worcester', 'York', 'Wirral', 'Wigan',
  'Salford', 'Rotherham',
];
const KINDS = [
  'Teaching Hospitals NHS Foundation Trust', 'University Hospitals NHS Trust', 'General Hospital', 'Royal Infirmary',
  'Community Hospital', 'Spire Hospital', 'Nuffield Health Hospital', 'Children\u2019s Hospital', 'Radiology Services', 'Diagnostic Centre',
];

/**
 * A directory the size of the real one: IEP links every acute trust in England with their sites and the private
 * hospitals, some 500 entries. Names are made from towns and kinds, about as long as real ones.
 */
export function fullDirectory(size = 500): InstitutionChoice[] {
  const out: InstitutionChoice[] = [];
  for (let i = 0; out.length < size; i++) {
    const town = TOWNS[i % TOWNS.length] as string;
    const kind = KINDS[Math.floor(i / TOWNS.length) % KINDS.length] as string;
    const round = Math.floor(i / (TOWNS.length * KINDS.length));
    out.push({ name: `${town}${round > 0 ? ` ${round + 1}` : ''} ${kind}` });
  }
  return out;
}

/** A completely filled import submission, as Teams sends it back. */
export function filledImportValues(rows = 2): Record<string, string> {
  const v: Record<string, string> = {
    verb: 'submitImport',
    sNumber: 'S1234567',
    nhsNumber: '999 000 0018',
    familyName: "O'Neil-Smith",
    givenName: 'Zoë',
    birthDate: '1970-04-01',
    address: '',
    sourceOrganisation: 'Kettering General Hospital',
    priority: 'standard',
    priorityReason: 'outpatientAppointment',
    priorityReasonDetail: '',
    requiredBy: '2026-06-30',
    requestingClinician: 'Dr Jo Example',
    consultant: 'Dr Sam Consultant',
    department: 'Orthopaedics',
    requesterName: 'Dr Jo Example',
    requesterEmail: 'jo.example@nhs.net',
    requesterPhone: 'ext 18000',
    comments: 'Please include the reports if available.',
  };
  for (let i = 0; i < rows; i++) {
    v[`exams[${i}].date`] = `2026-05-${String((i % 28) + 1).padStart(2, '0')}`;
    v[`exams[${i}].description`] = i % 2 === 0 ? 'CT head' : 'X-ray left wrist';
    v[`exams[${i}].examCode`] = i % 2 === 0 ? 'CCTHE' : '';
  }
  return v;
}

/** A validated import request (through the domain validator, so the sample is what the store would hold). */
export function sampleImportRequest(): ImportRequest {
  const r = validateImportRequest(filledImportValues(2), { today: TODAY });
  if (!r.ok) throw new Error(`sample import form is invalid: ${JSON.stringify(r.errors)}`);
  return r.value;
}

const exportPatientRequest = (): TransferRequest => ({
  kind: 'export',
  patient: { sNumber: 'S7654321', nhsNumber: '9990000026' as NhsNumber, familyName: 'Testpatient', givenName: 'Alex', birthDate: toLocalDate('1955-12-31') },
  exams: [{ date: toLocalDate('2026-06-01'), description: 'MRI lumbar spine' }],
  destination: {
    organisation: 'Nottingham University Hospitals NHS Trust',
    contactName: 'Pat Receiver',
    contactPosition: 'PACS manager',
    contactPhone: '0115 496 0123',
    contactEmail: 'pacs.team@nhs.example',
  },
  priority: 'standard',
  priorityReason: 'mdtReferral',
  requiredBy: toLocalDate('2026-06-20'),
  clinician: { requestingClinician: 'Dr Jo Example', consultant: 'Dr Sam Consultant', department: 'Spinal surgery' },
  requester: { name: 'Dr Jo Example', email: 'jo.example@nhs.net', phone: '0116 496 0123' },
});

/** The patient's PACS studies, newest first (synthetic UIDs under the dcmtk example root). */
export const SAMPLE_STUDIES: TraumaStudyChoice[] = [
  { studyInstanceUid: '1.2.826.0.1.3680043.8.498.10', studyDate: '2026-06-15', studyTime: '02:41:10', studyDescription: 'CT Trauma whole body with contrast', modalities: ['CT'], numberOfInstances: 1843 },
  { studyInstanceUid: '1.2.826.0.1.3680043.8.498.11', studyDate: '2026-06-15', studyTime: '02:20', studyDescription: 'XR Chest AP', modalities: ['DX'], numberOfInstances: 1 },
  { studyInstanceUid: '1.2.826.0.1.3680043.8.498.12', studyDate: '2025-11-02', studyDescription: 'CT Head', modalities: ['CT'], numberOfInstances: 212 },
  { studyInstanceUid: '1.2.826.0.1.3680043.8.498.13', studyDate: '2019-03-20', studyDescription: 'MRI Knee Left', modalities: ['MR'], numberOfInstances: 420 },
];

/** Markdown, links and template syntax a user might type; every card that echoes text must show it as plain text. */
export const HOSTILE_TEXT = '**bold** _em_ [click](https://evil.example/x) <b>tag</b> www.evil.example ${verb} # heading\n- item\n1. one';

/** One rendered card and the input ids it must offer (the domain's ids for forms). */
export interface CardSample {
  name: string;
  card: AdaptiveCard;
  /** Every Input.* id the card must contain, wherever it sits (hidden rows and ShowCard cards too). */
  inputs: string[];
  /** Inputs visible when the card first renders (the browser test checks these are in the DOM and shown). */
  visibleInputs: string[];
}

const PATIENT = ['sNumber', 'nhsNumber', 'familyName', 'givenName', 'birthDate', 'address'];
const EXAM_ROWS = (n: number) => Array.from({ length: n }, (_, i) => [`exams[${i}].date`, `exams[${i}].description`, `exams[${i}].examCode`]).flat();
const PRIORITY = ['priority', 'priorityReason', 'priorityReasonDetail', 'requiredBy'];
const CLINICIAN = ['requestingClinician', 'consultant', 'department'];
const REQUESTER = ['requesterName', 'requesterEmail', 'requesterPhone'];

/** Input ids of each form, from docs/domain.md. */
export const FORM_INPUTS = {
  import: [...PATIENT, ...EXAM_ROWS(20), 'sourceOrganisation', ...PRIORITY, ...CLINICIAN, ...REQUESTER, 'comments'],
  export: [
    ...PATIENT, ...EXAM_ROWS(20), 'destinationOrganisation', 'siteContactName', 'siteContactPosition', 'siteContactPhone', 'siteContactEmail',
    ...PRIORITY, ...CLINICIAN, ...REQUESTER, 'comments', 'additionalInstructions',
  ],
  cdImport: [...PATIENT, ...EXAM_ROWS(20), 'cdCount', 'internalPostAddress', 'urgent', ...REQUESTER, 'comments'],
  traumaPatient: ['sNumber', 'nhsNumber', 'noNhsNumberReason'],
  traumaStudies: ['studyInstanceUids', 'attachReport', 'edTraumaConfirmed'],
  /** The edit-and-re-send card: only what a decline is about (guideline 2.5b, Appendix 1 step 3). */
  editImport: [...EXAM_ROWS(20), 'sourceOrganisation', 'requiredBy', ...CLINICIAN],
  editExport: [...EXAM_ROWS(20), 'destinationOrganisation', 'requiredBy', ...CLINICIAN],
};

const visibleForm = (all: string[], rows: number) => all.filter((id) => !/^exams\[/.test(id) || EXAM_ROWS(rows).includes(id));

/** Every card, with realistic data, in the states people will see. */
export function allCardSamples(): CardSample[] {
  const importErrors = [
    { field: 'sNumber', message: 'Enter the hospital number: the letter S followed by 7 digits, for example S1234567.' },
    { field: 'exams[1].description', message: "It is essential to state each examination and date of scan required. 'All imaging' will not be accepted: list each examination with its date." },
    { field: 'priority', message: 'Blue Light is only for emergency admission or surgery in the next 12 hours. Choose that reason, or choose Standard.' },
    { field: 'requesterEmail', message: 'Enter your e-mail address, for example name@nhs.net.' },
  ];
  const history = [
    { what: 'Submitted', by: 'Dr Jo Example', at: '2026-06-15T12:40:00Z' },
    { what: 'Asked the requester for information', by: 'Ann Analyst', at: '2026-06-15T12:55:00Z' },
  ];
  const approvalBase = {
    requestId: 'req-1',
    callRef: 'ITB-2026-000123',
    kind: 'import' as const,
    priority: 'blueLight' as const,
    priorityReason: 'blueLightEmergency' as const,
    organisation: 'Nottingham City Hospital [Nottingham University Hospitals]',
    requestedBy: 'Dr Jo Example',
    examCount: 2,
    requiredBy: '2026-06-15',
    submittedAt: '2026-06-15T12:40:00Z',
  };
  const samples: CardSample[] = [
    { name: 'help', card: renderHelpCard(), inputs: [], visibleInputs: [] },
    {
      name: 'import-empty',
      card: renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY, values: { requesterName: 'Dr Jo Example', requesterEmail: 'jo.example@nhs.net' } }),
      inputs: FORM_INPUTS.import,
      visibleInputs: visibleForm(FORM_INPUTS.import, 2),
    },
    {
      name: 'import-errors',
      card: renderImportForm({
        today: TODAY,
        institutions: SMALL_DIRECTORY,
        values: { ...filledImportValues(3), sNumber: 'S12', 'exams[1].description': 'all imaging please', priority: 'blueLight', requesterEmail: 'jo.example' },
        errors: importErrors,
      }),
      inputs: FORM_INPUTS.import,
      visibleInputs: visibleForm(FORM_INPUTS.import, 3),
    },
    {
      name: 'import-full',
      card: renderImportForm({ today: TODAY, institutions: fullDirectory(), values: filledImportValues(20) }),
      inputs: FORM_INPUTS.import,
      visibleInputs: visibleForm(FORM_INPUTS.import, 20),
    },
    {
      name: 'export-empty',
      card: renderExportForm({ today: TODAY, institutions: SMALL_DIRECTORY }),
      inputs: FORM_INPUTS.export,
      visibleInputs: visibleForm(FORM_INPUTS.export, 2),
    },
    {
      name: 'cd-import-errors',
      card: renderCdImportForm({
        today: TODAY,
        values: { cdCount: '25', 'exams[0].date': '2026-04-20' },
        errors: [
          { field: 'cdCount', message: 'Enter how many CDs there are (1 to 20).' },
          { field: 'exams[0].description', message: 'Enter the full study description or the CRIS examination code.' },
          { field: 'form', message: 'The form could not be read. Please open it again and resubmit.' },
        ],
      }),
      inputs: FORM_INPUTS.cdImport,
      visibleInputs: visibleForm(FORM_INPUTS.cdImport, 2),
    },
    {
      name: 'trauma-patient',
      card: renderTraumaPatientForm({ localId: { label: 'Hospital number (RWES number)' } }),
      inputs: FORM_INPUTS.traumaPatient,
      visibleInputs: FORM_INPUTS.traumaPatient,
    },
    {
      name: 'trauma-studies',
      card: renderTraumaStudiesForm({
        today: TODAY,
        patient: { sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01' },
        studies: SAMPLE_STUDIES,
      }),
      inputs: FORM_INPUTS.traumaStudies,
      visibleInputs: FORM_INPUTS.traumaStudies,
    },
    {
      name: 'trauma-studies-no-name',
      card: renderTraumaStudiesForm({
        today: TODAY,
        patient: { sNumber: 'S1234567', noNhsNumberReason: 'Unknown patient, not yet registered' },
        studies: SAMPLE_STUDIES.slice(0, 2),
        values: { studyInstanceUids: '', edTraumaConfirmed: 'false' },
        errors: [
          { field: 'studyInstanceUids', message: 'Pick at least one study to send. Only send relevant imaging.' },
          { field: 'edTraumaConfirmed', message: 'This route is for trauma patients in the Emergency Department only. Other requests go through the service desk.' },
        ],
      }),
      inputs: ['familyName', 'givenName', 'birthDate', ...FORM_INPUTS.traumaStudies],
      visibleInputs: ['familyName', 'givenName', 'birthDate', ...FORM_INPUTS.traumaStudies],
    },
    {
      name: 'confirmation-out-of-hours',
      card: renderConfirmationCard({
        requestId: 'req-1',
        callRef: 'ITB-2026-000123',
        kind: 'import',
        priority: 'standard',
        nextStep: 'An analyst checks and approves your request, then asks the sending trust for the images.',
        expected: 'Usually within 2 working days of approval.',
        outOfHours: { nextOpening: 'Sunday 08:00' },
      }),
      inputs: [],
      visibleInputs: [],
    },
    { name: 'approval-open', card: renderApprovalCard({ ...approvalBase, status: 'awaitingApproval', history: history.slice(0, 1) }), inputs: ['reason', 'question'], visibleInputs: [] },
    {
      name: 'approval-answered',
      card: renderApprovalCard({
        ...approvalBase,
        priority: 'standard',
        priorityReason: 'other',
        priorityReasonDetail: HOSTILE_TEXT,
        status: 'awaitingApproval',
        exchanges: [
          { question: 'Which date was the CT head?', askedBy: 'Ann Analyst', askedAt: '2026-06-15T12:55:00Z', answer: 'It was 2 May 2026 at Kettering.', answeredAt: '2026-06-15T13:01:00Z' },
        ],
        history,
      }),
      inputs: ['reason', 'question'],
      visibleInputs: [],
    },
    {
      name: 'approval-decided',
      card: renderApprovalCard({
        ...approvalBase,
        status: 'approved',
        history,
        decision: { what: 'Approved', by: 'Ann Analyst', at: NOW, tone: 'good' },
      }),
      inputs: [],
      visibleInputs: [],
    },
    { name: 'patient-details', card: renderPatientDetailsCard({ callRef: 'ITB-2026-000123', request: sampleImportRequest() }), inputs: [], visibleInputs: [] },
    { name: 'patient-details-export', card: renderPatientDetailsCard({ callRef: 'ITB-2026-000124', request: exportPatientRequest() }), inputs: [], visibleInputs: [] },
    {
      name: 'status',
      card: renderStatusCard({
        requestId: 'req-1',
        callRef: 'ITB-2026-000123',
        kind: 'import',
        status: 'awaitingApproval',
        timeline: [
          { status: 'submitted', at: '2026-06-15T12:40:00Z' },
          { status: 'logged', at: '2026-06-15T12:40:02Z' },
          { status: 'awaitingApproval', at: '2026-06-15T12:40:03Z' },
        ],
        canCancel: true,
        nextStep: 'An analyst checks and approves your request.',
        updatedAt: NOW,
      }),
      inputs: [],
      visibleInputs: [],
    },
    {
      name: 'my-requests',
      card: renderMyRequestsCard({
        requests: [
          { requestId: 'req-3', callRef: 'ITB-2026-000125', kind: 'cdImport', status: 'needsInformation', updatedAt: '2026-06-15T12:58:00Z' },
          { requestId: 'req-2', callRef: 'ITB-2026-000124', kind: 'export', status: 'onIep', updatedAt: '2026-06-14T09:12:00Z' },
          { requestId: 'req-1', callRef: 'ITB-2026-000123', kind: 'import', status: 'completed', updatedAt: '2026-06-10T16:30:00Z' },
        ],
      }),
      inputs: ['callRefQuery'],
      visibleInputs: ['callRefQuery'],
    },
    { name: 'cancel-confirm', card: renderCancelConfirmCard({ requestId: 'req-1', callRef: 'ITB-2026-000123', kind: 'import', status: 'awaitingApproval' }), inputs: [], visibleInputs: [] },
    {
      name: 'information-request',
      card: renderInformationRequestCard({
        requestId: 'req-1',
        callRef: 'ITB-2026-000123',
        kind: 'import',
        question: 'Which date was the CT head? The sending trust holds two.',
        askedBy: 'Ann Analyst',
        askedAt: '2026-06-15T12:55:00Z',
        deadline: '2026-06-29',
      }),
      inputs: ['answer'],
      visibleInputs: ['answer'],
    },
    {
      name: 'action-required',
      card: renderActionRequiredCard({
        itemId: 'iep-tx-4711',
        topic: 'unsolicitedImages',
        receivedAt: '2026-06-15T11:20:00Z',
        sendingOrganisation: 'Sheffield Teaching Hospitals',
        studyCount: 2,
        modalities: ['CT', 'MR'],
        reasons: ['No request matches these images.', 'The IEP message names no UHL requester.'],
        deadline: '2026-06-29',
      }),
      inputs: ['matchCallRef', 'reason'],
      visibleInputs: [],
    },
    {
      // Issue 5: a held study whose findings a check can settle offers Release to PACS (confirmation required).
      name: 'action-required-quarantine-release',
      card: renderActionRequiredCard({
        itemId: 'req-1',
        topic: 'quarantined',
        requestId: 'req-1',
        callRef: 'ITB-2026-000123',
        status: 'quarantined',
        receivedAt: '2026-06-15T11:20:00Z',
        sendingOrganisation: 'Kettering General Hospital',
        reasons: ['A check on the images failed, so they were held before PACS.'],
        findings: [
          { code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request' },
          { code: 'BIRTH_DATE_MISMATCH', field: 'birthDate', against: 'pas' },
        ],
        release: { version: 'abc123def456abc123de' },
      }),
      inputs: ['releaseConfirmation', 'reason'],
      visibleInputs: [],
    },
    {
      name: 'failure-declined',
      card: renderFailureCard({
        requestId: 'req-1',
        callRef: 'ITB-2026-000123',
        kind: 'import',
        status: 'iepDeclined',
        reason: 'Study not held at this site.',
        at: '2026-06-15T12:30:00Z',
        organisation: 'Kettering General Hospital',
      }),
      inputs: ['question', 'reason'],
      visibleInputs: [],
    },
    {
      name: 'edit-request',
      card: renderEditRequestCard({
        requestId: 'req-1',
        callRef: 'ITB-2026-000123',
        kind: 'import',
        status: 'iepDeclined',
        failureReason: 'declined by the sending organisation (studyNotHeld)',
        today: TODAY,
        institutions: SMALL_DIRECTORY,
        values: Object.fromEntries(Object.entries(filledImportValues(2)).filter(([k]) => /^exams\[|^(sourceOrganisation|requiredBy|requestingClinician|consultant|department)$/.test(k))),
        failureCardId: '1773224300001',
      }),
      inputs: FORM_INPUTS.editImport,
      visibleInputs: visibleForm(FORM_INPUTS.editImport, 2),
    },
    {
      name: 'edit-request-errors',
      card: renderEditRequestCard({
        requestId: 'req-2',
        callRef: 'ITB-2026-000124',
        kind: 'export',
        status: 'iepFailed',
        failureReason: HOSTILE_TEXT,
        today: TODAY,
        institutions: fullDirectory(),
        values: { 'exams[0].date': '2026-06-01', 'exams[0].description': 'all imaging', 'exams[2].date': '2026-06-02', destinationOrganisation: 'Nottingham University Hospitals', requiredBy: '2026-06-01', requestingClinician: '', consultant: 'Dr Sam Consultant', department: 'Spinal surgery' },
        errors: [
          { field: 'exams[0].description', message: "It is essential to state each examination and date of scan required. 'All imaging' will not be accepted: list each examination with its date." },
          { field: 'exams[2].description', message: 'Enter the type of study and body part.' },
          { field: 'requiredBy', message: 'The date needed by cannot be in the past.' },
          { field: 'requestingClinician', message: 'Enter the requesting clinician.' },
        ],
      }),
      inputs: FORM_INPUTS.editExport,
      visibleInputs: visibleForm(FORM_INPUTS.editExport, 3),
    },
    {
      name: 'compliance-report',
      card: renderComplianceReportCard(sampleComplianceFigures()),
      inputs: [],
      visibleInputs: [],
    },
    { name: 'help-analyst', card: renderHelpCard({ analyst: true }), inputs: [], visibleInputs: [] },
    {
      name: 'export-studies',
      card: renderExportStudiesCard({
        requestId: 'req-2',
        callRef: 'ITB-2026-000124',
        destination: 'Nottingham University Hospitals NHS Trust',
        exams: [{ date: '2026-06-01', description: 'MRI lumbar spine' }],
        candidates: SAMPLE_STUDIES.map((st) => ({ studyInstanceUid: st.studyInstanceUid, studyDate: st.studyDate, modalities: st.modalities, description: st.studyDescription, examIndex: 0 })),
        values: { studyInstanceUids: '1.2.3' },
        errors: [{ field: 'studyInstanceUids', message: 'A chosen study was not found for this request.' }],
      }),
      inputs: ['studyInstanceUids'],
      visibleInputs: ['studyInstanceUids'],
    },
    { name: 'cd-source', card: renderCdSourceCard({ requestId: 'req-3', callRef: 'ITB-2026-000125', cdRoot: 'var/cd' }), inputs: ['cdSource'], visibleInputs: ['cdSource'] },
    {
      name: 'trauma-fyi',
      card: renderTraumaFyiCard({ requestId: 'req-9', callRef: 'ITB-2026-000200', sentBy: 'Dr Rad Ologist', at: '2026-06-15T02:50:00Z', studyCount: 2, attachReport: true, status: 'iepNew' }),
      inputs: [],
      visibleInputs: [],
    },
    { name: 'refused', card: renderRefusedCard({ attempted: 'approve this request', reason: 'notAnalyst', callRef: 'ITB-2026-000123' }), inputs: [], visibleInputs: [] },
  ];
  return samples;
}

/** Report figures for a half year (guideline section 4), shaped as workers/report.ts gives them: no patient data. */
export function sampleComplianceFigures() {
  return {
    from: '2026-05-01',
    to: '2026-10-31',
    total: 1312,
    byType: [{ key: 'import', count: 702 }, { key: 'export', count: 488 }, { key: 'cdImport', count: 101 }, { key: 'trauma', count: 21 }],
    byPriority: [{ key: 'standard', count: 1105 }, { key: 'blueLight', count: 140 }, { key: 'batch', count: 46 }, { key: 'clinicalEmergency', count: 21 }],
    bySource: fullDirectory(20).map((i, n) => ({ key: i.name, count: 40 - n })),
    byDestination: [{ key: 'University Hospitals of Leicester', count: 803 }, { key: 'Nottingham University Hospitals', count: 260 }],
    turnaround: { completed: 1180, medianMinutes: 1530, p90Minutes: 4410 },
    blueLight: { approved: 140, completedWithin4h: 126, share: 0.9 },
    declines: [{ key: 'studyNotHeld', count: 31 }, { key: 'clinicallyInappropriate', count: 4 }],
    failures: [{ key: 'iepFailed: TRANSFER_TIMEOUT', count: 7 }, { key: 'quarantined: PATIENT_NAME_MISMATCH', count: 3 }],
  };
}
