// Draws the app icons (static/icons/*.png) from the logo of the top bar
// (src/routes/+layout.svelte: a rounded square in the accent colour with three white bars), so
// the PWA icons need no image tool and no download. Run `node scripts/generate-icons.mjs` after
// changing the logo; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'static', 'icons');

/** The logo in its own 24×24 units, as in the layout's SVG. */
const LOGO = {
  square: { x: 1, y: 1, size: 22, radius: 6 },
  bars: [
    { x: 6.5, y: 7, width: 3, height: 10 },
    { x: 10.5, y: 7, width: 3, height: 6 },
    { x: 14.5, y: 7, width: 3, height: 8 }
  ]
};
const ACCENT = [0x4f, 0x46, 0xe5];
const WHITE = [0xff, 0xff, 0xff];

/** Samples per pixel along each axis: 4×4 gives smooth edges at every size. */
const SUPERSAMPLE = 4;

/** True when (x, y) lies in the rounded square `s`. */
function inRoundedSquare(x, y, s) {
  if (x < s.x || y < s.y || x > s.x + s.size || y > s.y + s.size) return false;
  const cx = Math.min(Math.max(x, s.x + s.radius), s.x + s.size - s.radius);
  const cy = Math.min(Math.max(y, s.y + s.radius), s.y + s.size - s.radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= s.radius ** 2;
}

function inBar(x, y) {
  return LOGO.bars.some((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
}

/**
 * Renders one icon as RGBA pixels. `fullBleed` fills the whole canvas with the accent colour
 * (maskable and Apple icons, which the platform crops or which must be opaque) and shrinks the
 * bars by `scale` around the centre so they stay inside the maskable safe zone.
 */
function render(size, { fullBleed, scale = 1 }) {
  const pixels = Buffer.alloc(size * size * 4);
  const unit = 24 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let background = 0;
      let bar = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) * unit;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) * unit;
          // Bars are drawn in logo units scaled around the centre (12, 12).
          const bx = 12 + (x - 12) / scale;
          const by = 12 + (y - 12) / scale;
          if (inBar(bx, by)) bar++;
          else if (fullBleed || inRoundedSquare(x, y, LOGO.square)) background++;
        }
      }
      const samples = SUPERSAMPLE * SUPERSAMPLE;
      const alpha = (bar + background) / samples;
      const offset = (py * size + px) * 4;
      if (alpha === 0) continue;
      // Colour of the covered part: bars over accent; edge pixels keep the colour, not the alpha.
      const mix = bar / (bar + background);
      for (let c = 0; c < 3; c++) {
        pixels[offset + c] = Math.round(WHITE[c] * mix + ACCENT[c] * (1 - mix));
      }
      pixels[offset + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit truecolour with alpha, no filtering). */
function encodePng(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    // Each row starts with its filter type (0: none).
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ]);
}

const icons = [
  { file: 'icon-192.png', size: 192, fullBleed: false },
  { file: 'icon-512.png', size: 512, fullBleed: false },
  // Maskable: the platform crops to its own shape; keep the bars in the central 80 % circle.
  { file: 'icon-maskable-512.png', size: 512, fullBleed: true, scale: 0.85 },
  // iOS fills transparency with black, so the home-screen icon is opaque.
  { file: 'apple-touch-icon.png', size: 180, fullBleed: true, scale: 0.9 }
];

mkdirSync(outDir, { recursive: true });
for (const icon of icons) {
  const png = encodePng(icon.size, render(icon.size, icon));
  writeFileSync(join(outDir, icon.file), png);
  console.log(`static/icons/${icon.file}  ${icon.size}×${icon.size}  ${png.length} bytes`);
}
