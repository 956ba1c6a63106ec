import { renderTemplate, type AdaptiveCard } from './render';

export interface HelpCardData {
  intro: string;
  commands: Array<{ command: string; description: string }>;
  hours: string;
  actions: Array<{ title: string; verb: string }>;
}

/** The commands a user can type; the conversation issue adds their handlers. */
export const HELP_COMMANDS: HelpCardData['commands'] = [
  { command: 'import', description: 'Request images from another hospital via IEP' },
  { command: 'export', description: 'Send UHL images to another organisation via IEP' },
  { command: 'cd', description: 'Upload images from a CD to UHL PACS' },
  { command: 'trauma', description: 'On-call radiologists: urgent trauma transfer to Nottingham (any hour)' },
  { command: 'status ‹call ref›', description: 'Where a request is, by call reference' },
  { command: 'my requests', description: 'Your requests and their status' },
  { command: 'cancel ‹call ref›', description: 'Cancel your request before processing starts' },
];

/** Welcome / help card: what the bot does and the commands. */
export function renderHelpCard(): AdaptiveCard {
  return renderTemplate<HelpCardData>('help', {
    intro: 'I take requests to move patient images between UHL PACS and other hospitals, and tell you as they progress. Every request gets a call reference.',
    commands: HELP_COMMANDS,
    // guideline 2.9: the service desk's hours; trauma transfers go ahead at any hour (2.8, Appendix 4).
    hours: 'Service desk hours: Mon–Fri 08:00–17:30, Sat–Sun 08:00–20:00, not bank holidays. Trauma transfers: any time.',
    actions: [
      { title: 'Request images (import)', verb: 'openImport' },
      { title: 'Send images (export)', verb: 'openExport' },
      { title: 'CD upload', verb: 'openCd' },
    ],
  });
}
