import { DEFAULT_DIRECTORY, NUH, UHL, searchDirectory } from '../../../sandbox/iep-simulator/directory';
import { DECLINE_REASONS, declineText } from '../../../sandbox/iep-simulator/declineReasons';

describe('IEP simulator directory', () => {
  it('finds every Nottingham institution by part of the name, as the Appendix 4 search for "Notti" shows', () => {
    expect(searchDirectory(DEFAULT_DIRECTORY, 'Notti').map((i) => i.name)).toEqual([
      'Nottingham City Hospital [Nottingham University Hospitals]',
      'Nottingham Queens Medical Centre [Nottingham University Hospitals]',
      'Nottingham University Hospitals',
      'Ramsay Health Nottingham Woodthorpe',
      'Spire Nottingham',
      'zNottingham Reporting',
    ]);
  });

  it('is case-insensitive and lists everything A-Z for an empty search', () => {
    expect(searchDirectory(DEFAULT_DIRECTORY, 'kettering').map((i) => i.id)).toEqual(['kgh']);
    const all = searchDirectory(DEFAULT_DIRECTORY, '  ');
    expect(all).toHaveLength(DEFAULT_DIRECTORY.length);
    expect(all.map((i) => i.name)).toEqual([...all.map((i) => i.name)].sort((a, b) => a.localeCompare(b, 'en-GB')));
    expect(searchDirectory(DEFAULT_DIRECTORY, 'no such trust')).toEqual([]);
  });

  it('keeps NUH on "NUH Radiology PACS" (Appendix 4 step 14) and UHL on UHLPACSWFM01 (Appendix 1 step 5)', () => {
    expect(NUH.deliveryNodes).toEqual(['NUH Radiology PACS']);
    expect(UHL.deliveryNodes).toEqual(['UHLPACSWFM01']);
    const qmc = DEFAULT_DIRECTORY.find((i) => i.id === 'nuh-qmc');
    expect(qmc?.parent).toEqual({ id: 'nuh', name: 'Nottingham University Hospitals' });
    expect(qmc?.deliveryNodes).toEqual(['NUH Radiology PACS']);
  });

  it('holds the trusts from the guideline screenshots, each once', () => {
    const names = DEFAULT_DIRECTORY.map((i) => i.name);
    for (const n of [
      'Epsom & St Helier University Hospitals',
      'United Lincolnshire Hospitals NHS Trust',
      'Sheffield Teaching Hospitals',
      'Great Ormond Street Hospital',
      'Kettering General Hospital',
      'Spire Leicester',
      'Mid Essex NHS Trust',
      'Nuffield Health Derby',
      'Nuffield Health Leicester',
      "King's Mill Hospital",
      'The Royal Marsden Hospital',
      'Ramsay Health Nottingham Woodthorpe',
      'Spire Nottingham',
    ]) {
      expect(names).toContain(n);
    }
    expect(new Set(DEFAULT_DIRECTORY.map((i) => i.id)).size).toBe(DEFAULT_DIRECTORY.length);
  });

  it('offers the guideline 2.5a decline reasons with the text the guideline uses', () => {
    expect(declineText('studyNotHeld')).toBe('The requested study does not exist at this organisation.');
    expect(DECLINE_REASONS.map((r) => r.code)).toEqual(expect.arrayContaining(['studyNotHeld', 'clinicallyInappropriate', 'requesterDetailsMissing']));
  });
});
