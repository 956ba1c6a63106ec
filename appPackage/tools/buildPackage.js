#!/usr/bin/env node
/**
 * Builds the Teams app package: appPackage/build/imaging-transfer-bot.zip holding manifest.json, color.png (192x192)
 * and outline.png (32x32, white on transparent), as Teams requires. Run by script/package.
 *
 * Icons are drawn here, pixel by pixel, and written as PNG with node's zlib: no image library is among our
 * dependencies and the shapes are simple. Plain JavaScript so it runs without a compile step.
 *
 *   node appPackage/tools/buildPackage.js [--app-id GUID] [--bot-id GUID] [--version X.Y.Z] [--out DIR]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- PNG (RFC 2083): signature, IHDR, one IDAT, IEND; RGBA, 8 bits, filter 0 on every row.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** pixel(x, y) -> [r, g, b, a]. */
function png(size, pixel) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The mark, in a unit square: two arrows passing each other (images going out and coming in). True where the mark is.
 */
function mark(u, v) {
  const arrow = (cy, dir) => {
    const shaft = Math.abs(v - cy) < 0.05 && u > 0.2 && u < 0.8;
    const tipX = dir > 0 ? 0.8 : 0.2;
    const dx = (u - tipX) * dir; // <= 0 behind the tip
    // The head narrows to a point at the tip: half-width 0.15 at its base, 0 at the tip.
    const head = dx <= 0 && dx > -0.2 && Math.abs(v - cy) <= 0.15 * (-dx / 0.2);
    return shaft || head;
  };
  return arrow(0.36, 1) || arrow(0.64, -1);
}

const NHS_BLUE = [0x00, 0x5e, 0xb8];
function colorIcon() {
  const n = 192;
  return png(n, (x, y) => {
    const u = (x + 0.5) / n;
    const v = (y + 0.5) / n;
    return mark(u, v) ? [255, 255, 255, 255] : [...NHS_BLUE, 255];
  });
}
function outlineIcon() {
  const n = 32;
  // Teams: the outline icon is white on a transparent background.
  return png(n, (x, y) => (mark((x + 0.5) / n, (y + 0.5) / n) ? [255, 255, 255, 255] : [0, 0, 0, 0]));
}

/** Problems with the manifest against the v1.19 rules we rely on (lengths, required fields, ids, scopes). */
function manifestProblems(m) {
  const p = [];
  const need = (cond, msg) => cond || p.push(msg);
  need(m.manifestVersion === '1.19', 'manifestVersion must be 1.19');
  need(/^\d+\.\d+\.\d+$/.test(m.version || ''), 'version must be X.Y.Z');
  need(GUID.test(m.id || ''), 'id must be a GUID');
  for (const k of ['name', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl']) need(m.developer && m.developer[k], `developer.${k} is required`);
  for (const k of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) need(/^https:\/\//.test((m.developer || {})[k] || ''), `developer.${k} must be https`);
  need(m.name && m.name.short && m.name.short.length <= 30, 'name.short: 1-30 characters');
  need(m.name && (!m.name.full || m.name.full.length <= 100), 'name.full: at most 100 characters');
  need(m.description && m.description.short && m.description.short.length <= 80, 'description.short: 1-80 characters');
  need(m.description && m.description.full && m.description.full.length <= 4000, 'description.full: 1-4000 characters');
  need(/^#[0-9a-fA-F]{6}$/.test(m.accentColor || ''), 'accentColor must be #RRGGBB');
  need(m.icons && m.icons.color === 'color.png' && m.icons.outline === 'outline.png', 'icons must be color.png and outline.png');
  need(Array.isArray(m.bots) && m.bots.length === 1, 'exactly one bot');
  for (const bot of m.bots || []) {
    need(GUID.test(bot.botId || ''), 'bots[0].botId must be a GUID (the Microsoft App ID)');
    need(Array.isArray(bot.scopes) && bot.scopes.length <= 3 && bot.scopes.every((s) => ['personal', 'team', 'groupChat'].includes(s)), 'bot scopes: personal, team, groupChat');
    for (const list of bot.commandLists || []) {
      need(list.commands.length <= 10, 'at most 10 commands per list');
      for (const c of list.commands) {
        need(c.title.length <= 32, `command "${c.title}": title at most 32 characters`);
        need(c.description.length <= 128, `command "${c.title}": description at most 128 characters`);
      }
    }
  }
  return p;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!['--app-id', '--bot-id', '--version', '--out'].includes(k) || v === undefined) throw new Error(`usage: buildPackage.js [--app-id GUID] [--bot-id GUID] [--version X.Y.Z] [--out DIR] (bad "${k}")`);
    out[k.slice(2)] = v;
  }
  return out;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  if (args['app-id']) manifest.id = args['app-id'];
  if (args['bot-id']) manifest.bots[0].botId = args['bot-id'];
  if (args.version) manifest.version = args.version;
  const problems = manifestProblems(manifest);
  if (problems.length) throw new Error(`manifest: ${problems.join('; ')}`);

  const out = path.resolve(args.out || path.join(ROOT, 'build'));
  const staging = path.join(out, 'package');
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(staging, 'color.png'), colorIcon());
  fs.writeFileSync(path.join(staging, 'outline.png'), outlineIcon());
  const zip = path.join(out, 'imaging-transfer-bot.zip');
  fs.rmSync(zip, { force: true });
  // Teams wants the three files at the root of the zip: -j drops the folder; -X leaves out extra attributes.
  execFileSync('zip', ['-q', '-j', '-X', zip, 'manifest.json', 'color.png', 'outline.png'], { cwd: staging });
  process.stdout.write(`${zip}\n`);
}

module.exports = { png, crc32, colorIcon, outlineIcon, manifestProblems, mark };
if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`script/package: ${err.message}\n`);
    process.exit(1);
  }
}
