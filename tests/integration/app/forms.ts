import fs from 'node:fs';
import path from 'node:path';

/** The card values (Action.Submit data) of a fixture activity in tests/fixtures/teams. */
export function formValues(fixture: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const activity = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'teams', `${fixture}.json`), 'utf8')) as { value: Record<string, unknown> };
  return { ...activity.value, ...overrides };
}

/** A trauma step-2 submission for the demo trauma patient (Appendix 4): picked studies, ED trauma confirmed. */
export function traumaValues(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'submitTrauma',
    sNumber: 'S3456789',
    nhsNumber: '9997037014',
    familyName: 'Okonkwo-Bray',
    givenName: 'Tobias',
    birthDate: '1999-07-21',
    destination: 'nuh',
    studyInstanceUids: '1.2.826.0.1.3680043.8.498.11,1.2.826.0.1.3680043.8.498.12',
    attachReport: 'true',
    edTraumaConfirmed: 'true',
    ...overrides,
  };
}
