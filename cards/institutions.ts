/**
 * Trust pickers read the IEP institution directory (IepClient.searchInstitutions). The card offers type-ahead through
 * Teams' Data.Query (the bot answers `application/search` invokes for this dataset) and, because the Agents Playground
 * and older clients do not query, the whole directory as static choices too.
 */
export const IEP_INSTITUTIONS_DATASET = 'iepInstitutions';

/** One directory entry as the cards need it (structurally an IepInstitution; cards/ does not import integrations/). */
export interface InstitutionChoice {
  /** The name in full, e.g. "Nottingham City Hospital [Nottingham University Hospitals]". */
  name: string;
}

/** An Input.ChoiceSet choice. */
export interface Choice {
  title: string;
  value: string;
}

/**
 * The static choices: each name once, A-Z. The value is the name itself because the domain validates and stores the
 * organisation by its name in full (sourceOrganisation / destinationOrganisation); a value the user had chosen that is
 * no longer in the list is kept, so a re-rendered card never loses it.
 */
export function institutionChoices(directory: readonly InstitutionChoice[], current: string | null): Choice[] {
  const names = new Set(directory.map((i) => i.name.trim()).filter((n) => n !== ''));
  if (current !== null && current.trim() !== '') names.add(current);
  return [...names].sort((a, b) => a.localeCompare(b, 'en-GB')).map((name) => ({ title: name, value: name }));
}

/** The Data.Query answer for a typed search: up to `max` names containing the text, A-Z (Teams shows 15 at most). */
export function searchInstitutionChoices(directory: readonly InstitutionChoice[], text: string, max = 15): Choice[] {
  const needle = text.trim().toLowerCase();
  return institutionChoices(directory, null)
    .filter((c) => needle === '' || c.title.toLowerCase().includes(needle))
    .slice(0, max);
}
