import { loadConfig, ConfigError } from '../../../config';
import { DEFAULT_FLOW_OPTIONS, flowOptionsFrom } from '../../../workers/flowDeps';

/** The workflow tunables (issue #7): ITB_* variables -> config.workflow -> the workers' FlowOptions. */
describe('workflow settings', () => {
  it('defaults to the production values the workers used before they were configurable', () => {
    expect(flowOptionsFrom(loadConfig({}))).toEqual({
      workDir: 'var/work',
      ourIssuer: 'UHL',
      modifyingSystem: 'ITB',
      accessionPrefix: 'ITB',
      iepDeliveryNode: 'UHLPACSWFM01',
      risDefaultExamCode: 'IMPORT',
      iepPollMinMs: 30_000,
      iepPollMaxMs: 600_000,
      threadPollMs: 15_000,
      threadHoldMaxMs: 7_200_000,
      admissionBackoffMs: 250,
      stepAttempts: 8,
      stepBackoffMs: 5_000,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      flowConcurrency: 8,
    });
    expect(DEFAULT_FLOW_OPTIONS).toEqual(flowOptionsFrom(loadConfig({})));
  });

  it('reads the CD root (Appendix 6) with var/cd as the default', () => {
    expect(loadConfig({}).workflow.cdRoot).toBe('var/cd');
    expect(loadConfig({ ITB_CD_ROOT: '/mnt/cd-imports' }).workflow.cdRoot).toBe('/mnt/cd-imports');
  });

  it('carries every variable through to the option the workers read', () => {
    const options = flowOptionsFrom(
      loadConfig({
        ITB_WORK_DIR: '/srv/itb/work',
        ITB_DICOM_ISSUER: 'RWE',
        ITB_DICOM_MODIFYING_SYSTEM: 'ITB-UHL',
        ITB_ACCESSION_PREFIX: 'UHLX',
        ITB_RIS_DEFAULT_EXAM_CODE: 'XIMP',
        ITB_IEP_POLL_MIN_MS: '1000',
        ITB_IEP_POLL_MAX_MS: '60000',
        ITB_IEP_THREAD_POLL_MS: '2000',
        ITB_IEP_THREAD_HOLD_MAX_MS: '3600000',
        ITB_OUTBOUND_ADMISSION_BACKOFF_MS: '500',
        ITB_STEP_ATTEMPTS: '3',
        ITB_STEP_BACKOFF_MS: '250',
        ITB_WORKER_LOCK_MS: '5000',
        ITB_WORKER_STALLED_INTERVAL_MS: '2000',
        ITB_FLOW_CONCURRENCY: '2',
        IEP_DELIVERY_NODE: 'NODE2',
      }),
    );
    expect(options).toEqual({
      workDir: '/srv/itb/work',
      ourIssuer: 'RWE',
      modifyingSystem: 'ITB-UHL',
      accessionPrefix: 'UHLX',
      iepDeliveryNode: 'NODE2',
      risDefaultExamCode: 'XIMP',
      iepPollMinMs: 1000,
      iepPollMaxMs: 60_000,
      threadPollMs: 2000,
      threadHoldMaxMs: 3_600_000,
      admissionBackoffMs: 500,
      stepAttempts: 3,
      stepBackoffMs: 250,
      lockDurationMs: 5000,
      stalledIntervalMs: 2000,
      flowConcurrency: 2,
    });
  });

  it('accepts the edges of each range', () => {
    const c = loadConfig({
      ITB_ACCESSION_PREFIX: 'ABCDEFGHIJ',
      ITB_DICOM_ISSUER: 'I'.repeat(64),
      ITB_STEP_ATTEMPTS: '1',
      ITB_FLOW_CONCURRENCY: '64',
      ITB_IEP_POLL_MIN_MS: '5000',
      ITB_IEP_POLL_MAX_MS: '5000',
      ITB_WORKER_LOCK_MS: '1000',
    });
    expect(c.workflow).toMatchObject({ accessionPrefix: 'ABCDEFGHIJ', stepAttempts: 1, flowConcurrency: 64, iepPollMinMs: 5000, iepPollMaxMs: 5000, workerLockMs: 1000 });
    expect(c.workflow.dicomIssuer).toHaveLength(64);
  });

  // Each bad value is refused at start-up with a ConfigError naming the variable and saying what is wrong.
  it.each<[string, Record<string, string>, RegExp]>([
    ['a non-number', { ITB_STEP_ATTEMPTS: 'eight' }, /ITB_STEP_ATTEMPTS: .*expected number/],
    ['zero attempts', { ITB_STEP_ATTEMPTS: '0' }, /ITB_STEP_ATTEMPTS: must be at least 1/],
    ['a fraction of an attempt', { ITB_STEP_ATTEMPTS: '2.5' }, /ITB_STEP_ATTEMPTS: must be a whole number/],
    ['too many attempts', { ITB_STEP_ATTEMPTS: '1000' }, /ITB_STEP_ATTEMPTS: must be at most 100/],
    ['a negative backoff', { ITB_STEP_BACKOFF_MS: '-5' }, /ITB_STEP_BACKOFF_MS: must be at least 100 ms/],
    ['a fractional millisecond', { ITB_IEP_THREAD_POLL_MS: '1500.5' }, /ITB_IEP_THREAD_POLL_MS: must be a whole number of milliseconds/],
    ['a lock too short to renew', { ITB_WORKER_LOCK_MS: '10' }, /ITB_WORKER_LOCK_MS: must be at least 1000 ms/],
    ['a stalled check too eager', { ITB_WORKER_STALLED_INTERVAL_MS: '999' }, /ITB_WORKER_STALLED_INTERVAL_MS: must be at least 1000 ms/],
    ['a spinning admission backoff', { ITB_OUTBOUND_ADMISSION_BACKOFF_MS: '0' }, /ITB_OUTBOUND_ADMISSION_BACKOFF_MS: must be at least 10 ms/],
    ['no flow concurrency', { ITB_FLOW_CONCURRENCY: '0' }, /ITB_FLOW_CONCURRENCY: must be at least 1/],
    ['an empty work dir', { ITB_WORK_DIR: '  ' }, /ITB_WORK_DIR: must not be empty/],
    ['an empty CD root', { ITB_CD_ROOT: '' }, /ITB_CD_ROOT: must not be empty/],
    ['an issuer with a backslash (DICOM multi-value separator)', { ITB_DICOM_ISSUER: 'UHL\\X' }, /ITB_DICOM_ISSUER: must be printable ASCII without a backslash/],
    ['an issuer longer than LO', { ITB_DICOM_ISSUER: 'I'.repeat(65) }, /ITB_DICOM_ISSUER: must be at most 64 characters/],
    ['a non-ASCII modifying system', { ITB_DICOM_MODIFYING_SYSTEM: 'ITB\u00e9' }, /ITB_DICOM_MODIFYING_SYSTEM: must be printable ASCII/],
    ['an empty modifying system', { ITB_DICOM_MODIFYING_SYSTEM: '' }, /ITB_DICOM_MODIFYING_SYSTEM: must not be empty/],
    ['an accession prefix leaving no room', { ITB_ACCESSION_PREFIX: 'ABCDEFGHIJK' }, /ITB_ACCESSION_PREFIX: must be 1-10 letters/],
    ['an accession prefix with an HL7 delimiter', { ITB_ACCESSION_PREFIX: 'IT|B' }, /ITB_ACCESSION_PREFIX: must be 1-10 letters/],
    ['an exam code with an HL7 component separator', { ITB_RIS_DEFAULT_EXAM_CODE: 'IMP^ORT' }, /ITB_RIS_DEFAULT_EXAM_CODE: .*no HL7 delimiters/],
    ['a poll minimum above its maximum', { ITB_IEP_POLL_MIN_MS: '700000' }, /ITB_IEP_POLL_MIN_MS: must not exceed ITB_IEP_POLL_MAX_MS \(600000\)/],
    ['a thread hold shorter than one poll', { ITB_IEP_THREAD_POLL_MS: '20000', ITB_IEP_THREAD_HOLD_MAX_MS: '20000' }, /ITB_IEP_THREAD_HOLD_MAX_MS: must be longer than ITB_IEP_THREAD_POLL_MS/],
  ])('refuses %s', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every bad variable at once, so an operator fixes them in one go', () => {
    let message = '';
    try {
      loadConfig({ ITB_STEP_ATTEMPTS: '0', ITB_FLOW_CONCURRENCY: 'many', ITB_ACCESSION_PREFIX: '' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/ITB_STEP_ATTEMPTS/);
    expect(message).toMatch(/ITB_FLOW_CONCURRENCY/);
    expect(message).toMatch(/ITB_ACCESSION_PREFIX/);
  });
});
