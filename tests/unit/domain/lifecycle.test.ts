import fc from 'fast-check';
import { IllegalTransitionError } from '../../../domain/errors';
import {
  REQUEST_STATUSES,
  allowedTransitions,
  assertTransition,
  canRequesterCancel,
  canTransition,
  isTerminal,
  makeTransition,
  reprocessStatus,
  statusFromIep,
  type RequestStatus,
} from '../../../domain/lifecycle';
import { REQUEST_KINDS, type RequestKind } from '../../../domain/requestKind';

/**
 * The expected lifecycle, written out by hand from the guideline flows (not derived from the implementation):
 * "from: to, to, ..." per line. Anything not listed is illegal.
 */
const intake = `
  submitted: logged, cancelled
  logged: awaitingApproval, needsInformation, cancelled
  awaitingApproval: approved, rejected, needsInformation, cancelled
  needsInformation: awaitingApproval, rejected, cancelled`;
const inbound = `
  quarantined: deliveredToPacs, cancelled
  deliveredToPacs: registeredOnRis, quarantined
  registeredOnRis: completed`;
const EXPECTED: Record<RequestKind, string> = {
  import: `${intake}${inbound}
    approved: iepNew, cancelled
    iepNew: iepStarted, onIep, iepDownloadRequest, iepDownloading, iepDelivered, iepFailed, iepDeclined, cancelled
    iepStarted: onIep, iepDownloadRequest, iepDownloading, iepDelivered, iepFailed, iepDeclined, cancelled
    onIep: iepDownloadRequest, iepDownloading, iepDelivered, iepFailed, iepPurged, cancelled
    iepDownloadRequest: iepDownloading, iepDelivered, iepFailed, iepPurged, cancelled
    iepDownloading: iepDelivered, iepFailed, quarantined, cancelled
    iepDelivered: registeredOnRis, quarantined
    iepFailed: approved, needsInformation, cancelled
    iepDeclined: approved, needsInformation, cancelled
    iepPurged: approved, needsInformation, cancelled`,
  export: `${intake}
    approved: iepNew, cancelled
    iepNew: iepStarted, onIep, iepDelivered, iepFailed, cancelled
    iepStarted: onIep, iepDelivered, iepFailed, cancelled
    onIep: iepDelivered, iepFailed, iepPurged, completed
    iepDelivered: completed
    iepFailed: approved, needsInformation, cancelled
    iepPurged: approved, needsInformation, cancelled`,
  trauma: `
    submitted: logged, cancelled
    logged: iepNew, cancelled
    iepNew: iepStarted, onIep, iepDelivered, iepFailed, cancelled
    iepStarted: onIep, iepDelivered, iepFailed, cancelled
    onIep: iepDelivered, iepFailed, iepPurged, completed
    iepDelivered: completed
    iepFailed: logged, cancelled
    iepPurged: logged, cancelled`,
  cdImport: `${intake}${inbound}
    approved: deliveredToPacs, quarantined, needsInformation, cancelled`,
};

function legalEdges(kind: RequestKind): Set<string> {
  const edges = new Set<string>();
  for (const line of EXPECTED[kind].split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [from, tos] = line.split(':') as [string, string];
    for (const to of tos.split(',').map((t) => t.trim())) edges.add(`${from} -> ${to}`);
  }
  return edges;
}

const matrix = REQUEST_KINDS.flatMap((kind) => REQUEST_STATUSES.map((from) => [kind, from] as const));

describe('request lifecycle: the full transition matrix', () => {
  it('the hand-written table only names real statuses', () => {
    for (const kind of REQUEST_KINDS) {
      for (const edge of legalEdges(kind)) {
        const [from, to] = edge.split(' -> ');
        expect(REQUEST_STATUSES).toContain(from);
        expect(REQUEST_STATUSES).toContain(to);
      }
    }
  });

  it.each(matrix)('%s from %s: exactly the expected moves are legal, every other one throws', (kind, from) => {
    const legal = legalEdges(kind);
    for (const to of REQUEST_STATUSES) {
      const expected = legal.has(`${from} -> ${to}`);
      expect({ edge: `${from} -> ${to}`, legal: canTransition(kind, from, to) }).toEqual({ edge: `${from} -> ${to}`, legal: expected });
      if (expected) {
        expect(() => assertTransition(kind, from, to)).not.toThrow();
      } else {
        expect(() => assertTransition(kind, from, to)).toThrow(IllegalTransitionError);
      }
    }
  });

  it('counts: every kind has its legal edges and no more', () => {
    for (const kind of REQUEST_KINDS) {
      const actual = REQUEST_STATUSES.flatMap((from) => allowedTransitions(kind, from).map((to) => `${from} -> ${to}`));
      expect(new Set(actual)).toEqual(legalEdges(kind));
    }
  });
});

describe('request lifecycle: shape of the graph', () => {
  const reachable = (kind: RequestKind, start: RequestStatus) => {
    const seen = new Set<RequestStatus>([start]);
    const queue = [start];
    while (queue.length) for (const next of allowedTransitions(kind, queue.shift()!)) if (!seen.has(next)) (seen.add(next), queue.push(next));
    return seen;
  };

  it.each(REQUEST_KINDS)('%s: terminal statuses have no way out, and no status is a dead end', (kind) => {
    for (const status of reachable(kind, 'submitted')) {
      if (isTerminal(status)) expect(allowedTransitions(kind, status)).toEqual([]);
      else expect([...reachable(kind, status)].some(isTerminal)).toBe(true);
    }
  });

  it.each(REQUEST_KINDS)('%s: can always reach completed from submitted, and never changes into the same status', (kind) => {
    expect(reachable(kind, 'submitted').has('completed')).toBe(true);
    for (const s of REQUEST_STATUSES) expect(canTransition(kind, s, s)).toBe(false);
  });

  it('trauma never waits for approval; CD imports never touch IEP; exports never touch RIS', () => {
    const trauma = reachable('trauma', 'submitted');
    for (const s of ['awaitingApproval', 'approved', 'needsInformation', 'rejected'] as const) expect(trauma.has(s)).toBe(false);
    expect([...reachable('cdImport', 'submitted')].some((s) => s.startsWith('iep') || s === 'onIep')).toBe(false);
    expect(reachable('export', 'submitted').has('registeredOnRis')).toBe(false);
    expect(reachable('export', 'submitted').has('quarantined')).toBe(false);
  });

  it('random walks only ever take legal steps and finish in a terminal status', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REQUEST_KINDS), fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (kind, picks) => {
        let status: RequestStatus = 'submitted';
        for (const pick of picks) {
          const options = allowedTransitions(kind, status);
          if (options.length === 0) break;
          const next = options[pick % options.length]!;
          const t = makeTransition({ requestId: 'r1', kind, from: status, to: next, at: new Date(0), by: { type: 'system', component: 'test' }, why: 'walk' });
          status = t.to;
        }
        expect(REQUEST_STATUSES).toContain(status);
      }),
      { numRuns: 500 },
    );
  });
});

describe('real flows from the guideline', () => {
  const walk = (kind: RequestKind, path: RequestStatus[]) => {
    for (let i = 1; i < path.length; i++) assertTransition(kind, path[i - 1]!, path[i]!);
  };

  it('import: approval, IEP to Delivered, RIS, completed', () => {
    walk('import', ['submitted', 'logged', 'awaitingApproval', 'approved', 'iepNew', 'iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'registeredOnRis', 'completed']);
  });
  it('import: a polled status jump (New straight to On IEP) and a quarantine released by an analyst', () => {
    walk('import', ['approved', 'iepNew', 'onIep', 'iepDownloading', 'quarantined', 'deliveredToPacs', 'registeredOnRis', 'completed']);
  });
  it('import: declined by the sending trust, reworked with the requester, re-approved (2.5b)', () => {
    walk('import', ['iepNew', 'iepDeclined', 'needsInformation', 'awaitingApproval', 'approved', 'iepNew']);
  });
  it('images with no request: details asked for, cancelled after two weeks (2.4d)', () => {
    walk('import', ['submitted', 'logged', 'needsInformation', 'cancelled']);
  });
  it('export: approved, On IEP, the receiver downloads: completed', () => {
    walk('export', ['submitted', 'logged', 'awaitingApproval', 'approved', 'iepNew', 'iepStarted', 'onIep', 'completed']);
    walk('export', ['approved', 'iepNew', 'iepDelivered', 'completed']);
  });
  it('trauma: no approval; a failure is re-sent', () => {
    walk('trauma', ['submitted', 'logged', 'iepNew', 'iepFailed', reprocessStatus('trauma'), 'iepNew', 'onIep', 'completed']);
    expect(reprocessStatus('import')).toBe('approved');
  });
  it('CD import: approved, delivered to PACS, RIS, completed', () => {
    walk('cdImport', ['submitted', 'logged', 'awaitingApproval', 'approved', 'deliveredToPacs', 'registeredOnRis', 'completed']);
  });
  it('refuses to skip backwards or past approval', () => {
    expect(() => assertTransition('import', 'awaitingApproval', 'iepNew')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('import', 'iepDelivered', 'onIep')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('import', 'completed', 'cancelled')).toThrow(IllegalTransitionError);
  });
});

describe('transition records, requester cancel and IEP names', () => {
  it('records who, when and why, and throws a typed, permanent error naming the statuses only', () => {
    const at = new Date('2026-03-29T00:30:00Z');
    const by = { type: 'user', aadObjectId: '00000000-0000-0000-0000-000000000001', role: 'analyst' } as const;
    expect(makeTransition({ requestId: 'req-1', kind: 'import', from: 'awaitingApproval', to: 'rejected', at, by, why: 'rejected', note: 'duplicate' })).toEqual({
      requestId: 'req-1', kind: 'import', from: 'awaitingApproval', to: 'rejected', at: '2026-03-29T00:30:00.000Z', by, why: 'rejected', note: 'duplicate',
    });
    let caught: unknown;
    try {
      makeTransition({ requestId: 'req-1', kind: 'trauma', from: 'logged', to: 'approved', at, by, why: 'x' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect(caught).toMatchObject({ code: 'ILLEGAL_TRANSITION', retryable: false, from: 'logged', to: 'approved', requestKind: 'trauma' });
    expect((caught as Error).message).toBe('a trauma request cannot move from "logged" to "approved"');
  });

  it('lets the requester cancel only before processing starts', () => {
    const allowed = REQUEST_STATUSES.filter(canRequesterCancel);
    expect(allowed).toEqual(['submitted', 'logged', 'awaitingApproval', 'needsInformation']);
    // And wherever the requester may cancel, the lifecycle has the edge for every kind that uses that status.
    for (const kind of REQUEST_KINDS) for (const s of allowed) if (allowedTransitions(kind, s).length) expect(canTransition(kind, s, 'cancelled')).toBe(true);
  });

  it('maps the IEP status names of the guideline', () => {
    expect(['New', 'Started', 'Downloading', 'Download Request', 'On IEP', 'Delivered', 'Failed', 'Decline', 'Purged'].map(statusFromIep)).toEqual([
      'iepNew', 'iepStarted', 'iepDownloading', 'iepDownloadRequest', 'onIep', 'iepDelivered', 'iepFailed', 'iepDeclined', 'iepPurged',
    ]);
    expect(statusFromIep('Uploading')).toBe('iepStarted');
    expect(statusFromIep('toString')).toBeUndefined();
    expect(statusFromIep('on iep')).toBeUndefined();
  });
});
