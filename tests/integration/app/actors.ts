import type { AppActor } from '../../../app/appActor';
import { demoUser } from '../../../sandbox/demo';

/** The demo users as bot/roles.ts would resolve them in the sandbox. */
export const clinician: AppActor = { aadObjectId: demoUser('clinician').aadObjectId, roles: ['requester'], displayName: 'Dr Priya Ramanathan' };
export const secondClinician: AppActor = { aadObjectId: demoUser('secondClinician').aadObjectId, roles: ['requester'], displayName: 'Mr Callum Ferris' };
export const analyst: AppActor = { aadObjectId: demoUser('analyst').aadObjectId, roles: ['requester', 'analyst'], displayName: 'Bronwen Achterberg' };
export const secondAnalyst: AppActor = { aadObjectId: '9a0c3d1e-2222-4f00-8c00-00000000a2a2', roles: ['requester', 'analyst'], displayName: 'Second Analyst' };
export const radiologist: AppActor = { aadObjectId: demoUser('radiologist').aadObjectId, roles: ['requester', 'radiologist'], displayName: 'Dr Oluwaseun Hargreaves' };
export const nonApprover: AppActor = { aadObjectId: demoUser('nonApprover').aadObjectId, roles: ['requester'], displayName: 'Kit Delacroix-Moss' };
