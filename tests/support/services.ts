/**
 * Where script/test started the real peers for this run. Integration tests call these instead of reading env
 * directly, so a missing service fails with one clear message rather than a connection error deep in a test.
 */
function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run integration tests through script/test, which starts Redis and Orthanc`);
  return v;
}

export const testRedisUrl = (): string => required('ITB_TEST_REDIS_URL');
export const testVarDir = (): string => required('ITB_TEST_VAR_DIR');
export const uhlOrthanc = () => ({
  restUrl: required('ITB_TEST_UHL_ORTHANC_URL'),
  dicomWebUrl: required('ITB_TEST_UHL_DICOMWEB_URL'),
  dicomPort: Number(required('ITB_TEST_UHL_DICOM_PORT')),
  aet: required('ITB_TEST_UHL_AET'),
});
export const remoteOrthanc = () => ({
  restUrl: required('ITB_TEST_REMOTE_ORTHANC_URL'),
  dicomWebUrl: required('ITB_TEST_REMOTE_DICOMWEB_URL'),
  dicomPort: Number(required('ITB_TEST_REMOTE_DICOM_PORT')),
  aet: required('ITB_TEST_REMOTE_AET'),
});

/** The IEP gateway: where IEP delivers downloads before the DICOM import engine fixes them up. */
export const gatewayOrthanc = () => ({
  restUrl: required('ITB_TEST_GATEWAY_ORTHANC_URL'),
  dicomWebUrl: required('ITB_TEST_GATEWAY_DICOMWEB_URL'),
  dicomPort: Number(required('ITB_TEST_GATEWAY_DICOM_PORT')),
  aet: required('ITB_TEST_GATEWAY_AET'),
});

/** A key prefix unique to one test, so tests sharing the run's Redis never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `{test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}}`;
}
