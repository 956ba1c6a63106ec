import { CANARY_MARKERS, DEMO_PATIENTS, DEMO_TENANT_ID, DEMO_USERS, FOREIGN_TENANT_ID, demoPatient, demoUser } from '../../../sandbox/demo';

/** NHS number check digit, written out here from the NHS Data Dictionary rule so the test does not trust the data. */
function modulus11Valid(nhs: string): boolean {
  if (!/^\d{10}$/.test(nhs)) return false;
  const sum = [...nhs.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(nhs[9]);
}

describe('demo patients', () => {
  it('checks the Modulus 11 rule itself on known numbers', () => {
    // Hand-worked in the 999 test range: 9,9,9,0,0,0,0,0,1 weighted 10..2 sum to 245; 245 mod 11 = 3; 11 - 3 = 8.
    expect(modulus11Valid('9990000018')).toBe(true);
    expect(modulus11Valid('9990000019')).toBe(false);
    expect(modulus11Valid('999000001')).toBe(false);
  });

  it('has about eight patients with unique keys, PAS ids, S numbers and NHS numbers', () => {
    expect(DEMO_PATIENTS.length).toBeGreaterThanOrEqual(8);
    for (const field of ['key', 'pasId', 'sNumber', 'nhsNumber'] as const) {
      const values = DEMO_PATIENTS.map((p) => p[field]).filter((v) => v !== undefined);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it.each(DEMO_PATIENTS.map((p) => [p.key, p] as const))('%s: S number, test-range Modulus 11 NHS number, real birth date', (_k, p) => {
    expect(p.sNumber).toMatch(/^S[1-9]{7}$/);
    if (p.nhsNumber !== undefined) {
      expect(p.nhsNumber).toMatch(/^999\d{7}$/);
      expect(modulus11Valid(p.nhsNumber)).toBe(true);
    }
    const d = new Date(`${p.birthDate}T00:00:00Z`);
    expect(d.toISOString().slice(0, 10)).toBe(p.birthDate);
    expect(p.familyName.length).toBeGreaterThan(0);
    expect(p.givenNames.length).toBeGreaterThan(0);
    expect(p.address.lines.length).toBeGreaterThan(0);
    expect(p.address.postalCode).toMatch(/^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/);
  });

  it('has exactly one patient without an NHS number, one canary, and one not registered on PAS', () => {
    expect(DEMO_PATIENTS.filter((p) => p.nhsNumber === undefined).map((p) => p.key)).toEqual(['noNhsNumber']);
    expect(DEMO_PATIENTS.filter((p) => !p.registeredOnPas).map((p) => p.key)).toEqual(['notRegistered']);
    const canary = demoPatient('canary');
    expect(CANARY_MARKERS).toEqual(expect.arrayContaining([canary.familyName, canary.sNumber, canary.nhsNumber]));
    // The canary's markers must not occur in any other patient, or a leak test could blame the wrong one.
    const others = JSON.stringify(DEMO_PATIENTS.filter((p) => p.key !== 'canary'));
    for (const m of CANARY_MARKERS) expect(others).not.toContain(m);
  });

  it('throws for an unknown key', () => {
    expect(() => demoPatient('nobody')).toThrow(/no demo patient/);
  });
});

describe('demo users', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('has a clinician, a second clinician, an approver, an on-call radiologist and a non-approver', () => {
    expect(demoUser('clinician').roles).toEqual(['requester']);
    expect(demoUser('secondClinician').roles).toEqual(['requester']);
    expect(demoUser('analyst').roles).toContain('approver');
    expect(demoUser('radiologist').roles).toContain('radiologist');
    expect(demoUser('nonApprover').roles).not.toContain('approver');
    expect(DEMO_USERS.filter((u) => u.roles.includes('approver')).map((u) => u.key)).toEqual(['analyst']);
  });

  it('gives every user a unique v4 UUID object id and a reserved-domain e-mail', () => {
    for (const u of DEMO_USERS) {
      expect(u.aadObjectId).toMatch(UUID);
      expect(u.email).toMatch(/@uhl-demo\.example$/);
    }
    expect(new Set(DEMO_USERS.map((u) => u.aadObjectId)).size).toBe(DEMO_USERS.length);
    expect(DEMO_TENANT_ID).toMatch(UUID);
    expect(FOREIGN_TENANT_ID).not.toBe(DEMO_TENANT_ID);
    expect(DEMO_USERS.map((u) => u.aadObjectId)).not.toContain(DEMO_TENANT_ID);
  });
});
