import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { TEXT_COMMANDS } from '../../../bot/commands';

// Plain JavaScript tool (appPackage/tools/buildPackage.js), loaded as it runs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tool = require('../../../appPackage/tools/buildPackage.js') as {
  png(size: number, pixel: (x: number, y: number) => number[]): Buffer;
  crc32(buf: Buffer): number;
  colorIcon(): Buffer;
  outlineIcon(): Buffer;
  manifestProblems(m: unknown): string[];
};
const root = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'appPackage', 'manifest.json'), 'utf8')) as {
  bots: Array<{ scopes: string[]; commandLists: Array<{ commands: Array<{ title: string }> }> }>;
};

/** Decodes our own PNGs (RGBA, filter 0) back to pixels, to check what Teams will see. */
function decode(png: Buffer): { width: number; height: number; rgba: (x: number, y: number) => number[] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('ascii');
    const body = png.subarray(offset + 8, offset + 8 + len);
    expect(png.readUInt32BE(offset + 8 + len)).toBe(zlib.crc32(png.subarray(offset + 4, offset + 8 + len)));
    if (type === 'IHDR') [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(body);
    offset += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  return { width, height, rgba: (x, y) => [...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4)] };
}

describe('Teams app package', () => {
  it('the manifest passes the v1.19 checks, with personal, team and groupChat scopes', () => {
    expect(tool.manifestProblems(manifest)).toEqual([]);
    expect(manifest.bots[0]!.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('the checks catch what Teams would refuse', () => {
    const bad = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown> & { bots: Array<Record<string, unknown>>; name: { short: string } };
    bad.name.short = 'x'.repeat(31);
    bad.bots[0]!.botId = 'not-a-guid';
    expect(tool.manifestProblems(bad)).toEqual(expect.arrayContaining(['name.short: 1-30 characters', expect.stringMatching(/botId must be a GUID/)]));
  });

  it('lists every typed command the bot answers in personal chat', () => {
    const titles = manifest.bots[0]!.commandLists[0]!.commands.map((c) => c.title);
    const names = new Set(TEXT_COMMANDS.map((c) => c.name).filter((n) => !n.includes('(natural)')));
    expect(new Set(titles)).toEqual(names);
  });

  it('icons: colour 192x192 opaque; outline 32x32 white on transparent only (Teams rule); CRCs agree with zlib', () => {
    expect(tool.crc32(Buffer.from('IEND'))).toBe(zlib.crc32(Buffer.from('IEND')));
    const color = decode(tool.colorIcon());
    expect([color.width, color.height]).toEqual([192, 192]);
    expect(color.rgba(0, 0)[3]).toBe(255);
    const outline = decode(tool.outlineIcon());
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let white = 0;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = outline.rgba(x, y);
        if (a === 0) continue;
        expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
        white++;
      }
    expect(white).toBeGreaterThan(50);
  });

  it('script/package zips manifest.json and both icons at the root, with the bot id given', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-pkg-'));
    try {
      execFileSync(path.join(root, 'script', 'package'), ['--bot-id', '11111111-2222-4333-8444-555555555555', '--out', out]);
      const zip = path.join(out, 'imaging-transfer-bot.zip');
      const listing = execFileSync('unzip', ['-Z1', zip]).toString().trim().split('\n').sort();
      expect(listing).toEqual(['color.png', 'manifest.json', 'outline.png']);
      const packed = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json']).toString()) as { bots: Array<{ botId: string }> };
      expect(packed.bots[0]!.botId).toBe('11111111-2222-4333-8444-555555555555');
      expect(() => execFileSync(path.join(root, 'script', 'package'), ['--bot-id', 'nope', '--out', out], { stdio: 'pipe' })).toThrow(/botId must be a GUID/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
