/**
 * Colours from BRAND_COLOR that keep WCAG 2.x AA contrast (4.5:1 for text), in light and in
 * dark mode (docs/pages.md, "Brand"):
 * - buttons are filled with the brand colour exactly, with white or black text, whichever
 *   contrasts more. One of the two always reaches 4.5:1: the worst case, a mid grey of
 *   relative luminance 0.18, still gives 4.58:1, so no colour has to be refused;
 * - links, outlined buttons and the focus ring draw the brand colour as text on the page,
 *   where a light colour on white (or a dark one on the dark theme) would fail: there the
 *   colour is darkened (light mode) or lightened (dark mode) just until it passes.
 */

export const AA_TEXT_CONTRAST = 4.5;

/** The page colours text is drawn on (src/pages/style.ts): card and page background. */
export const LIGHT_BACKGROUNDS = ["#ffffff", "#f6f6f4"] as const;
export const DARK_BACKGROUNDS = ["#1f1f1f", "#141414"] as const;

export interface BrandPalette {
  /** The brand colour as configured, normalised to #rrggbb: button fill. */
  accent: string;
  /** Text on the accent: #ffffff or #000000. */
  onAccent: string;
  /** The accent as text on the light theme's backgrounds. */
  textOnLight: string;
  /** The accent as text on the dark theme's backgrounds. */
  textOnDark: string;
}

/** "#1D4ED8" or "#15c" -> "#1d4ed8"; anything else -> null. */
export function parseHexColor(value: string): string | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim())?.[1]?.toLowerCase();
  if (!hex) return null;
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex}`;
}

export function brandPalette(color: string): BrandPalette {
  const accent = parseHexColor(color);
  if (!accent) throw new TypeError("brandPalette needs a #rrggbb colour");
  const onAccent = contrastRatio(accent, "#ffffff") >= contrastRatio(accent, "#000000") ? "#ffffff" : "#000000";
  return {
    accent,
    onAccent,
    textOnLight: readableOn(accent, LIGHT_BACKGROUNDS, "#000000"),
    textOnDark: readableOn(accent, DARK_BACKGROUNDS, "#ffffff"),
  };
}

/** WCAG 2.x contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `color` mixed towards `toward` in 2% steps until it reaches AA on every background. */
function readableOn(color: string, backgrounds: readonly string[], toward: string): string {
  for (let step = 0; step <= 50; step++) {
    const mixed = mix(color, toward, step / 50);
    if (backgrounds.every((bg) => contrastRatio(mixed, bg) >= AA_TEXT_CONTRAST)) return mixed;
  }
  return toward;
}

function mix(a: string, b: string, amount: number): string {
  const [ca, cb] = [channels(a), channels(b)];
  return `#${ca
    .map((c, i) =>
      Math.round(c + ((cb[i] ?? c) - c) * amount)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}
