/**
 * A stable colour per member id, so a person has the same avatar and caret colour on every
 * device without storing one. The palette keeps enough contrast for white initials in both
 * themes.
 */
const PALETTE = [
  '#4f46e5',
  '#0891b2',
  '#16a34a',
  '#d97706',
  '#dc2626',
  '#db2777',
  '#7c3aed',
  '#0d9488',
  '#2563eb',
  '#ea580c',
  '#65a30d',
  '#9333ea'
] as const;

/** The colour of member `id` (#rrggbb), the same for the same id everywhere. */
export function memberColor(id: string): string {
  // FNV-1a: tiny, and spreads similar ids (user-1, user-2) over the palette.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length] ?? PALETTE[0];
}

const CJK = /[\u3400-\u9fff]/;

/**
 * One or two letters for an avatar: the initials of the first two words ("Ada Lovelace" →
 * "AL"), or for a Chinese name its last two characters ("王小明" → "小明"), as Chinese apps do.
 */
export function memberInitials(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return '?';
  if (CJK.test(trimmed)) {
    const chars = [...trimmed.replace(/\s+/g, '')];
    return chars.slice(-2).join('');
  }
  return trimmed
    .split(/[\s._@-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => [...part][0]?.toUpperCase() ?? '')
    .join('');
}
