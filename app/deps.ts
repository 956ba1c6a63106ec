import type { Logger } from '../config/logger';
import type { ServiceCalendar } from '../domain';
import type { PacsClient } from '../integrations/pacs';
import type { PasClient } from '../integrations/pas';
import type { ServiceDesk } from '../integrations/servicedesk';
import type { Store } from '../store';
import type { AnalystWork, AppNotifier, FlowStarter, InstitutionDirectory } from './ports';
import type { StepRetrier } from './retryStep';

/** What the use-cases need, handed in by the composition root (bot/app.ts) or by tests. */
export interface AppDeps {
  store: Store;
  /** guideline 2.7a: every transfer is logged as a service request, which gives the call reference. */
  serviceDesk: ServiceDesk;
  /** guideline 2.7d: the patient must be registered on PatientCentre/HISS. */
  pas: Pick<PasClient, 'findBySNumber'>;
  /** Trauma (Appendix 4 steps 8-12): the patient's studies are listed from PACS and picked ones re-checked there. */
  pacs?: Pick<PacsClient, 'searchStudies'>;
  flows: FlowStarter;
  notifier: AppNotifier;
  /** Worker-side operations analysts start (images with no request, 2.4). Absent: those actions say "not available". */
  work?: AnalystWork;
  /** Retries a failed step of the current run (a peer down past the attempts). Absent: "not available". */
  steps?: StepRetrier;
  directory: InstitutionDirectory;
  /** The service calendar (guideline 2.9); the domain's default with England and Wales bank holidays. */
  calendar: ServiceCalendar;
  now(): Date;
  /** config.localIdPattern: the local patient id (S number) shape. */
  localIdPattern?: RegExp;
  localIdDescription?: string;
  /** Ids only: use-cases log request ids, call references and error types, never values. */
  logger: Logger;
}
