import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS, type CardVerb } from './verbs';

export interface HelpCardData {
  intro: string;
  commands: Array<{ command: string; description: string }>;
  hours: string;
  actions: Array<{ title: string; verb: CardVerb }>;
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

/** Commands only the service-desk analysts have (shown to them only). */
export const ANALYST_HELP_COMMANDS: HelpCardData['commands'] = [
  { command: 'report ‹from› ‹to›', description: 'Analysts: compliance report (guideline section 4), e.g. report 2026-11-01 2026-11-30; last 30 days without dates' },
];

/** Options: radiologists also get a Trauma transfer button (the bot knows the role; the command works for anyone). */
export interface HelpCardOptions {
  trauma?: boolean;
  /** Service-desk analysts also see their own commands (report). */
  analyst?: boolean;
}

/** Welcome / help card: what the bot does, the commands, the hours, and buttons that open the forms. */
export function renderHelpCard(opts: HelpCardOptions = {}): AdaptiveCard {
  return renderTemplate<HelpCardData>('help', {
    intro: 'I take requests to move patient images between UHL PACS and other hospitals, and tell you as they progress. Every request gets a call reference.',
    commands: [...HELP_COMMANDS, ...(opts.analyst ? ANALYST_HELP_COMMANDS : [])],
    // guideline 2.9: the service desk's hours; trauma transfers go ahead at any hour (2.8, Appendix 4).
    hours: 'Service desk hours: Mon–Fri 08:00–17:30, Sat–Sun 08:00–20:00, not bank holidays. Trauma transfers: any time.',
    actions: [
      ...(opts.trauma ? [{ title: 'Trauma transfer', verb: CARD_VERBS.openTrauma }] : []),
      { title: 'Request images (import)', verb: CARD_VERBS.openImport },
      { title: 'Send images (export)', verb: CARD_VERBS.openExport },
      { title: 'CD upload', verb: CARD_VERBS.openCd },
      { title: 'My requests', verb: CARD_VERBS.openMyRequests },
    ],
  });
}
