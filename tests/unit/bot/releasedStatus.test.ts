import type { RequestStatusView } from '../../../app';
import { statusData } from '../../../bot/cardViews';
import { renderStatusCard } from '../../../cards';
import { QUARANTINE_RELEASED_WHY, type RequestStatus } from '../../../domain';

const SYSTEM = { type: 'system' as const, component: 'workflows' };

function view(status: RequestStatus, whys: Array<[RequestStatus, RequestStatus, string]>): RequestStatusView {
  return {
    outcome: 'found',
    request: { id: 'r1', kind: 'import', status, version: 9, lane: 'standard', examCount: 1, callRef: 'ITB-2026-000123' as never, requester: 'u1', createdAt: '2026-03-11T10:00:00Z', updatedAt: '2026-03-11T11:00:00Z', statusSince: '2026-03-11T11:00:00Z' },
    timeline: whys.map(([from, to, why], i) => ({ requestId: 'r1', kind: 'import', from, to, at: `2026-03-11T10:0${i}:00Z`, by: SYSTEM, why })),
    canCancel: false,
  };
}

describe("the requester's status card after a quarantine release", () => {
  it.each<RequestStatus>(['deliveredToPacs', 'registeredOnRis', 'completed'])('%s: says the images were held and released after a check by the service desk', (status) => {
    const data = statusData(view(status, [['iepDownloading', 'quarantined', 'held by the DICOM checks (PATIENT_NAME_MISMATCH)'], ['quarantined', 'deliveredToPacs', QUARANTINE_RELEASED_WHY]]), new Date('2026-03-11T12:00:00Z'));
    expect(data.nextStep).toMatch(/held for a check on the patient's details, then released to UHL PACS after the service desk checked them/);
    expect(JSON.stringify(renderStatusCard(data))).toContain('released to UHL PACS after the service desk checked them');
  });
  it('a normal import says nothing of the kind', () => {
    expect(statusData(view('completed', [['iepDownloading', 'iepDelivered', 'stored in UHL PACS']]), new Date()).nextStep).toBeUndefined();
  });
});
