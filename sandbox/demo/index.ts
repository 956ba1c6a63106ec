export { DEMO_PATIENTS, CANARY_MARKERS, CANARY_FAMILY_NAME, demoPatient, type DemoPatient, type DemoAddress } from './patients';
export { DEMO_USERS, DEMO_TENANT_ID, FOREIGN_TENANT_ID, demoUser, type DemoUser, type DemoRole } from './users';
