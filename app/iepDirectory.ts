import type { Institution, InstitutionDirectory } from './ports';

/**
 * A static IEP directory until the IEP client's searchInstitutions is wired in: the organisations the guideline's
 * screenshots show (Appendix 1 "All" tab, Appendix 4 destination search), which are the ones UHL deals with most.
 */
export const STATIC_IEP_INSTITUTIONS: readonly Institution[] = [
  { id: 'nuh', name: 'Nottingham University Hospitals' },
  { id: 'nuh-city', name: 'Nottingham City Hospital [Nottingham University Hospitals]' },
  { id: 'nuh-qmc', name: 'Nottingham Queens Medical Centre [Nottingham University Hospitals]' },
  { id: 'epsom-sth', name: 'Epsom & St Helier University Hospitals' },
  { id: 'ulht', name: 'United Lincolnshire Hospitals NHS Trust' },
  { id: 'sth', name: 'Sheffield Teaching Hospitals' },
  { id: 'gosh', name: 'Great Ormond Street Hospital' },
  { id: 'kgh', name: 'Kettering General Hospital' },
  { id: 'spire-leicester', name: 'Spire Leicester' },
  { id: 'mid-essex', name: 'Mid Essex NHS Trust' },
  { id: 'nuffield-derby', name: 'Nuffield Health Derby' },
  { id: 'nuffield-leicester', name: 'Nuffield Health Leicester' },
  { id: 'kings-mill', name: "King's Mill Hospital" },
  { id: 'royal-marsden', name: 'The Royal Marsden Hospital' },
  { id: 'ramsay-woodthorpe', name: 'Ramsay Health Nottingham Woodthorpe' },
  { id: 'spire-nottingham', name: 'Spire Nottingham' },
];

// Words that say what kind of organisation it is, not which: they match everything, so they do not count.
const GENERIC = new Set(['nhs', 'trust', 'foundation', 'hospital', 'hospitals', 'the', 'of', 'and', 'university', 'teaching', 'health', 'general', 'ft']);
// Words people add around a name in a chat message ("from Kettering please"): not part of any name.
const CHATTER = new Set(['please', 'pls', 'thanks', 'thank', 'you', 'asap', 'urgently', 'urgent', 'today', 'now', 'soon', 'for', 'me', 'us', 'a', 'an']);
// Short forms people type for words in trust names.
const SHORT_FORMS: Record<string, string> = { st: 'street', gen: 'general', hosp: 'hospital', hosps: 'hospitals', univ: 'university', uni: 'university', notts: 'nottingham', qmc: 'queens' };

/** Lower-case words of a name, without the bracketed parent ("[Nottingham University Hospitals]") and punctuation. */
export function nameWords(name: string): string[] {
  return name
    .replace(/\[[^\]]*\]/g, ' ')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Levenshtein distance, cut off above `max` (enough to forgive a typo such as "Ketering"). Written here because no
 * string-distance library is among our dependencies and this is twenty lines.
 */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/** How well one typed word matches a name word: 1 exact, 0.9 a prefix of 3+ letters, less for a typo, 0 none. */
function wordScore(typed: string, word: string): number {
  if (typed === word) return 1;
  if (typed.length >= 3 && word.startsWith(typed)) return 0.9;
  if (typed.length >= 5 && editDistance(typed, word, 1) <= 1) return 0.8;
  if (typed.length >= 8 && editDistance(typed, word, 2) <= 2) return 0.6;
  return 0;
}

/** A scored candidate. */
export interface InstitutionMatch {
  institution: Institution;
  score: number;
}

/**
 * Institutions that match what a person typed ("kettering", "notts city", "great ormond st"), best first. Every
 * distinctive typed word (not "nhs", "trust", "hospital"...) must match some word of the name; ties go to whole organisations over their sites, then to
 * names that start with the first typed word, then to shorter names.
 */
export function matchInstitutions(typed: string, institutions: readonly Institution[]): InstitutionMatch[] {
  const words = nameWords(typed)
    .filter((w) => !CHATTER.has(w))
    .map((w) => SHORT_FORMS[w] ?? w)
    .filter((w) => !GENERIC.has(w));
  // "the hospital" names no organisation in particular.
  if (words.length === 0) return [];
  const scored = institutions.map((institution) => {
    const nameW = nameWords(institution.name).map((w) => SHORT_FORMS[w] ?? w);
    const perWord = words.map((w) => Math.max(0, ...nameW.map((n) => wordScore(w, n))));
    const score = perWord.some((s) => s === 0) ? 0 : perWord.reduce((a, b) => a + b, 0) / perWord.length;
    return { institution, score, site: institution.name.includes('['), starts: nameW[0] !== undefined && wordScore(words[0]!, nameW[0]) > 0, length: nameW.length };
  });
  return scored
    .filter((s) => s.score >= 0.6)
    .sort((a, b) => b.score - a.score || Number(a.site) - Number(b.site) || Number(b.starts) - Number(a.starts) || a.length - b.length)
    .map(({ institution, score }) => ({ institution, score }));
}

/** The best match for what was typed, or undefined. */
export function bestInstitution(typed: string, institutions: readonly Institution[]): Institution | undefined {
  return matchInstitutions(typed, institutions)[0]?.institution;
}

/** The static directory behind the InstitutionDirectory port: substring search, A-Z (as IEP's own search behaves). */
export class StaticInstitutionDirectory implements InstitutionDirectory {
  constructor(private readonly institutions: readonly Institution[] = STATIC_IEP_INSTITUTIONS) {}

  async search(text: string): Promise<Institution[]> {
    const needle = text.trim().toLowerCase();
    return this.institutions
      .filter((i) => needle === '' || i.name.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  }
}
