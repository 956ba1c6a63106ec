import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FhirPasClient,
  PasAmbiguousResultError,
  PasError,
  PasHttpError,
  PasInvalidSNumberError,
  PasMalformedResponseError,
  PasPatientMismatchError,
  PasTimeoutError,
  PasTlsError,
  PasUnreachableError,
  type FhirPasClientOptions,
} from '../../../integrations/pas';
import { DEMO_PATIENTS, CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { SANDBOX_S_NUMBER_SYSTEM, startPasSandbox, type PasSandbox } from '../../../sandbox/pas/pasSandbox';
import { closedPort, selfSigned } from './peerFixtures';

const TOKEN = 'pas-token-7f3a9c1e-not-a-real-secret';
const canary = demoPatient('canary');

/** Runs `fn`, expects it to fail with a PasError, and checks the message leaks neither the token nor patient data. */
async function failure(fn: () => Promise<unknown>): Promise<PasError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PasError);
  const err = caught as PasError;
  for (const secret of [TOKEN, ...CANARY_MARKERS]) {
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
  }
  return err;
}

describe('FhirPasClient against the PAS stand-in over HTTP', () => {
  let pas: PasSandbox;
  const clients: FhirPasClient[] = [];
  const client = (over: Partial<FhirPasClientOptions> = {}) => {
    const c = new FhirPasClient({ baseUrl: pas.baseUrl, sNumberSystem: SANDBOX_S_NUMBER_SYSTEM, bearerToken: TOKEN, timeoutMs: 2_000, ...over });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    pas = await startPasSandbox({ bearerToken: TOKEN });
  });
  afterEach(() => pas.setFault(undefined));
  afterAll(async () => {
    for (const c of clients) c.close();
    await pas.close();
  });

  describe('contract', () => {
    it.each(DEMO_PATIENTS.filter((p) => p.registeredOnPas).map((p) => [p.key, p] as const))(
      'finds registered demo patient %s with their demographics',
      async (_key, p) => {
        const found = await client().findBySNumber(p.sNumber);
        expect(found).toEqual({
          pasId: p.pasId,
          sNumber: p.sNumber,
          ...(p.nhsNumber ? { nhsNumber: p.nhsNumber } : {}),
          familyName: p.familyName,
          givenNames: [...p.givenNames],
          birthDate: p.birthDate,
          gender: p.gender,
          address: { lines: [...p.address.lines], city: p.address.city, postalCode: p.address.postalCode },
          active: true,
        });
      },
    );

    it('answers undefined for a patient not registered on PAS (guideline 2.7d)', async () => {
      expect(await client().findBySNumber(demoPatient('notRegistered').sNumber)).toBeUndefined();
      expect(await client().findBySNumber('S9999999')).toBeUndefined();
    });

    it('accepts a lower-case s and surrounding spaces', async () => {
      const p = demoPatient('ameliaHartwell');
      expect((await client().findBySNumber(` ${p.sNumber.toLowerCase()} `))?.sNumber).toBe(p.sNumber);
    });

    it('sends GET [base]/Patient?identifier=<system>|<sNumber> with the bearer token and FHIR JSON accept', async () => {
      const before = pas.requests.length;
      await client().findBySNumber('S1234567');
      const [req] = pas.requests.slice(before);
      expect(req?.method).toBe('GET');
      const url = new URL(req!.url, 'http://x');
      expect(url.pathname).toBe('/fhir/Patient');
      expect(url.searchParams.get('identifier')).toBe(`${SANDBOX_S_NUMBER_SYSTEM}|S1234567`);
      expect(req?.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('works with a trailing slash on the base URL', async () => {
      expect((await client({ baseUrl: `${pas.baseUrl}/` }).findBySNumber('S1234567'))?.familyName).toBe('HARTWELL');
    });

    it('refuses a malformed S number before asking PAS, without echoing it', async () => {
      const before = pas.requests.length;
      for (const bad of ['1234567', 'S123456', 'S12345678', 'X1234567', `${canary.sNumber}0`, '']) {
        const err = await failure(() => client().findBySNumber(bad));
        expect(err).toBeInstanceOf(PasInvalidSNumberError);
        expect(err.retryable).toBe(false);
        if (bad) expect(err.message).not.toContain(bad);
      }
      expect(pas.requests.length).toBe(before);
    });
    it("checks another trust's local id shape when given one (sNumberPattern)", async () => {
      const c = client({ sNumberPattern: /RW\d{6}/ });
      const before = pas.requests.length;
      expect(await c.findBySNumber('rw123456')).toBeUndefined();
      expect(new URL(pas.requests.at(-1)!.url, 'http://x').searchParams.get('identifier')).toBe(`${SANDBOX_S_NUMBER_SYSTEM}|RW123456`);
      await expect(c.findBySNumber('S1234567')).rejects.toBeInstanceOf(PasInvalidSNumberError);
      expect(pas.requests.length - before).toBe(1);
    });
  });

  describe('faults', () => {
    it('a wrong token: HTTP 401, permanent, pointing at the token, quoting the call reference', async () => {
      const err = await failure(() => client({ bearerToken: 'wrong' }).findBySNumber(canary.sNumber, { callRef: 'ITB-2026-000042' }));
      expect(err).toBeInstanceOf(PasHttpError);
      expect((err as PasHttpError).status).toBe(401);
      expect((err as PasHttpError).issueCode).toBe('login');
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/access token/);
      expect(err.message).toContain('ITB-2026-000042');
      expect(err.message).toContain(new URL(pas.baseUrl).origin);
    });

    it.each([
      [500, true],
      [502, true],
      [503, true],
      [429, true],
      [400, false],
      [403, false],
      [404, false],
    ])('HTTP %i is retryable=%s', async (status, retryable) => {
      pas.setFault({ kind: 'status', status, body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: canary.sNumber }] }) });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasHttpError);
      expect((err as PasHttpError).status).toBe(status);
      expect((err as PasHttpError).issueCode).toBe('exception');
      expect(err.retryable).toBe(retryable);
    });

    it('a body that is not JSON: malformed, permanent', async () => {
      pas.setFault({ kind: 'malformedJson' });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasMalformedResponseError);
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/not valid JSON/);
    });

    it('an HTML page (a proxy or login portal): malformed, naming the content type', async () => {
      pas.setFault({ kind: 'html' });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasMalformedResponseError);
      expect(err.message).toMatch(/"text\/html" is not FHIR JSON/);
    });

    it('a Patient instead of a searchset Bundle: malformed', async () => {
      pas.setFault({ kind: 'notABundle' });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasMalformedResponseError);
      expect(err.message).toMatch(/resourceType "Patient", not a Bundle/);
    });

    it('two patients for one S number: ambiguous, permanent, sending the analyst to the registration team', async () => {
      pas.setFault({ kind: 'duplicate' });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasAmbiguousResultError);
      expect((err as PasAmbiguousResultError).matches).toBe(2);
      expect(err.message).toMatch(/duplicate registration/);
    });

    it('a PAS that answers with another patient: mismatch, and the other patient is not returned', async () => {
      pas.setFault({ kind: 'wrongPatient' });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasPatientMismatchError);
      expect(err.retryable).toBe(false);
    });

    it('a slow PAS: timeout, retryable', async () => {
      pas.setFault({ kind: 'delay', ms: 1_500 }, 1);
      const started = Date.now();
      const err = await failure(() => client({ timeoutMs: 200 }).findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasTimeoutError);
      expect(err.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_400);
    });

    it('a connection dropped without an answer: unreachable, retryable', async () => {
      pas.setFault({ kind: 'hangUp' });
      const err = await failure(() => client().findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasUnreachableError);
      expect(err.retryable).toBe(true);
    });

    it('a reset on a reused kept-alive connection is retried once on a fresh one (the look-up succeeds)', async () => {
      const c = client();
      await c.findBySNumber(canary.sNumber);
      const before = pas.requests.length;
      pas.setFault({ kind: 'hangUp' }, 1);
      expect((await c.findBySNumber(canary.sNumber))?.pasId).toBe(canary.pasId);
      expect(pas.requests.length - before).toBe(2);
    });

    it('nothing listening: unreachable (ECONNREFUSED), retryable', async () => {
      const port = await closedPort();
      const err = await failure(() => client({ baseUrl: `http://127.0.0.1:${port}/fhir` }).findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasUnreachableError);
      expect((err as PasUnreachableError).networkCode).toBe('ECONNREFUSED');
      expect(err.retryable).toBe(true);
    });

    it('an answer over the size cap: malformed, not buffered', async () => {
      const err = await failure(() => client({ maxResponseBytes: 200 }).findBySNumber(canary.sNumber));
      expect(err).toBeInstanceOf(PasMalformedResponseError);
      expect(err.message).toMatch(/larger than 200 bytes/);
    });

    it('recovers once the fault clears (a retry succeeds)', async () => {
      pas.setFault({ kind: 'status', status: 503 }, 1);
      const c = client();
      await expect(c.findBySNumber(canary.sNumber)).rejects.toBeInstanceOf(PasHttpError);
      expect((await c.findBySNumber(canary.sNumber))?.pasId).toBe(canary.pasId);
    });
  });
});

describe('FhirPasClient over TLS', () => {
  let dir: string;
  let trusted: { key: Buffer; cert: Buffer };
  let wrongHost: { key: Buffer; cert: Buffer };
  let pas: PasSandbox;
  let pasWrongHost: PasSandbox;
  let plainPas: PasSandbox;
  const clients: FhirPasClient[] = [];
  const client = (baseUrl: string, ca?: Buffer) => {
    const c = new FhirPasClient({ baseUrl, sNumberSystem: SANDBOX_S_NUMBER_SYSTEM, bearerToken: TOKEN, timeoutMs: 3_000, tls: ca ? { ca } : undefined });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-pas-tls-'));
    trusted = selfSigned(dir, 'ok', 'IP:127.0.0.1');
    wrongHost = selfSigned(dir, 'wrong', 'DNS:pas.elsewhere.example');
    pas = await startPasSandbox({ bearerToken: TOKEN, tls: trusted });
    pasWrongHost = await startPasSandbox({ bearerToken: TOKEN, tls: wrongHost });
    plainPas = await startPasSandbox({ bearerToken: TOKEN });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([pas.close(), pasWrongHost.close(), plainPas.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the patient when the CA is trusted', async () => {
    expect(pas.baseUrl).toMatch(/^https:/);
    expect((await client(pas.baseUrl, trusted.cert).findBySNumber(canary.sNumber))?.pasId).toBe(canary.pasId);
  });

  it('fails with a permanent PasTlsError when the CA is not trusted, before sending anything', async () => {
    const before = pas.requests.length;
    const err = await failure(() => client(pas.baseUrl).findBySNumber(canary.sNumber));
    expect(err).toBeInstanceOf(PasTlsError);
    expect((err as PasTlsError).tlsCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/certificate is not trusted/);
    expect(pas.requests.length).toBe(before);
  });

  it('fails with PasTlsError when the certificate names another host, even with its CA trusted', async () => {
    const err = await failure(() => client(pasWrongHost.baseUrl, wrongHost.cert).findBySNumber(canary.sNumber));
    expect(err).toBeInstanceOf(PasTlsError);
    expect((err as PasTlsError).tlsCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails with PasTlsError when an https URL points at a plain HTTP server', async () => {
    const err = await failure(() => client(plainPas.baseUrl.replace('http:', 'https:'), trusted.cert).findBySNumber(canary.sNumber));
    expect(err).toBeInstanceOf(PasTlsError);
  });
});
