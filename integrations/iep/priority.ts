import type { Priority } from '../../domain/priority';
import type { IepPriority } from './types';

/**
 * The IEP priority for one of ours. Appendix 1 step 5: "Normal is the default. Batch is overnight transfers and Blue
 * Light is only to be used in emergencies"; IEP's name for Blue Light is "Clinical emergency" (Appendix 4 step 15,
 * and the dashboard's "Clinical Emergency" filter). Trauma transfers pass 'clinicalEmergency'.
 */
export function iepPriorityFor(priority: Priority | 'clinicalEmergency'): IepPriority {
  switch (priority) {
    case 'blueLight':
    case 'clinicalEmergency':
      return 'Clinical emergency';
    case 'batch':
      return 'Batch';
    case 'standard':
      return 'Normal';
  }
}
