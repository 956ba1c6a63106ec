import fc from 'fast-check';
import { bestInstitution, editDistance, matchInstitutions, STATIC_IEP_INSTITUTIONS, StaticInstitutionDirectory } from '../../../app/iepDirectory';

const best = (t: string) => bestInstitution(t, STATIC_IEP_INSTITUTIONS)?.name;

describe('IEP directory fuzzy match', () => {
  it.each([
    ['Kettering', 'Kettering General Hospital'],
    ['ketering', 'Kettering General Hospital'],
    ['kettering general please', 'Kettering General Hospital'],
    ['Nottingham', 'Nottingham University Hospitals'],
    ['notts city', 'Nottingham City Hospital [Nottingham University Hospitals]'],
    ['Queens Medical Centre', 'Nottingham Queens Medical Centre [Nottingham University Hospitals]'],
    ['great ormond st', 'Great Ormond Street Hospital'],
    ['Sheffield Teaching Hospitals NHS Foundation Trust', 'Sheffield Teaching Hospitals'],
    ['spire leicester', 'Spire Leicester'],
    ["kings mill", "King's Mill Hospital"],
    ['royal marsden', 'The Royal Marsden Hospital'],
  ])('%s -> %s', (typed, name) => {
    expect(best(typed)).toBe(name);
  });

  it('matches nothing for names not in the directory or for generic words alone', () => {
    expect(best('Atlantis General')).toBeUndefined();
    expect(best('the hospital')).toBeUndefined();
    expect(best('')).toBeUndefined();
  });

  it('every institution is found by its own name, first', () => {
    for (const i of STATIC_IEP_INSTITUTIONS) expect(best(i.name)).toBe(i.name);
  });

  it('edit distance agrees with a plain Levenshtein where it does not cut off', () => {
    const lev = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
      for (let j = 1; j <= b.length; j++) d[0]![j] = j;
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      return d[a.length]![b.length]!;
    };
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        const full = lev(a, b);
        expect(editDistance(a, b, 2)).toBe(full <= 2 ? full : 3);
      }),
      { numRuns: 500 },
    );
  });

  it('scores are between 0.6 and 1 and sorted best first', () => {
    const m = matchInstitutions('nottingham', STATIC_IEP_INSTITUTIONS);
    expect(m.length).toBeGreaterThan(3);
    expect(m.every((x) => x.score >= 0.6 && x.score <= 1)).toBe(true);
    for (let i = 1; i < m.length; i++) expect(m[i - 1]!.score).toBeGreaterThanOrEqual(m[i]!.score);
  });

  it('the static directory searches by substring, A-Z, like IEP', async () => {
    const d = new StaticInstitutionDirectory();
    expect((await d.search('notti')).map((i) => i.name)).toEqual([
      'Nottingham City Hospital [Nottingham University Hospitals]',
      'Nottingham Queens Medical Centre [Nottingham University Hospitals]',
      'Nottingham University Hospitals',
      'Ramsay Health Nottingham Woodthorpe',
      'Spire Nottingham',
    ]);
    expect(await d.search('')).toHaveLength(STATIC_IEP_INSTITUTIONS.length);
  });
});
