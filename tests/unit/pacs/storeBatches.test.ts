import fc from 'fast-check';
import { mapPool, planBatches } from '../../../integrations/pacs/storeBatches';

describe('planBatches', () => {
  it('keeps order, covers every entry once, and respects the file and byte limits (a bigger file goes alone)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 3000 }),
        (sizes, maxFiles, maxBytes) => {
          const entries = sizes.map((bytes, i) => ({ bytes, i }));
          const batches = planBatches(entries, maxFiles, maxBytes);
          expect(batches.flat()).toEqual(entries);
          for (const b of batches) {
            expect(b.length).toBeGreaterThan(0);
            expect(b.length).toBeLessThanOrEqual(maxFiles);
            const total = b.reduce((n, e) => n + e.bytes, 0);
            if (b.length > 1) expect(total).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });

  it('fills batches greedily', () => {
    expect(planBatches([{ bytes: 5 }, { bytes: 5 }, { bytes: 5 }, { bytes: 20 }, { bytes: 1 }], 10, 10).map((b) => b.length)).toEqual([2, 1, 1, 1]);
  });
});

describe('mapPool', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('keeps results in order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0, 6], 3, async (ms, i) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick(ms * 3);
      running -= 1;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(3);
  });

  it('on a failure starts nothing new, waits for the calls in flight, then throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapPool([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick(n === 0 ? 5 : 20);
      if (n === 0) throw new Error('batch 0 failed');
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow('batch 0 failed');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });

  it('handles an empty list', async () => {
    expect(await mapPool([], 4, async () => 1)).toEqual([]);
  });
});
