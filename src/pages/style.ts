import type { BrandPalette } from "../brand";

/**
 * The one stylesheet: readable on a phone, visible focus, no outside fonts, light and dark
 * following `prefers-color-scheme`. With BRAND_COLOR the accent comes from the brand
 * palette (src/brand/palette.ts), which keeps every text colour at WCAG AA.
 */
export function renderStylesheet(palette: BrandPalette | null): string {
  const light = palette
    ? `--accent:${palette.accent};--accent-fg:${palette.onAccent};--link:${palette.textOnLight}`
    : "--accent:#1d4ed8;--accent-fg:#fff;--link:#1d4ed8";
  const dark = palette
    ? `--accent:${palette.accent};--accent-fg:${palette.onAccent};--link:${palette.textOnDark}`
    : "--accent:#6b9bff;--accent-fg:#0b0b0b;--link:#6b9bff";
  return `
:root{color-scheme:light dark;--fg:#1a1a1a;--muted:#555;--bg:#f6f6f4;--card:#fff;--border:#d4d4d0;--danger:#b91c1c;${light}}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--muted:#b0b0b0;--bg:#141414;--card:#1f1f1f;--border:#3a3a3a;--danger:#ff8a8a;${dark}}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans CJK JP",sans-serif;padding:1rem}
main{width:100%;max-width:26rem;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem 1.5rem}
h1{font-size:1.4rem;margin:0 0 .75rem}
p{margin:.5rem 0 1rem;color:var(--muted)}
p.lead{color:var(--fg)}
a{color:var(--link)}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--fg)}
input[inputmode=numeric]{letter-spacing:.3em;font-variant-numeric:tabular-nums}
input[type=checkbox]{width:auto;margin:0 .35rem 0 0}
fieldset{border:0;padding:0;margin:1rem 0 0}legend{font-weight:600;padding:0}
fieldset label{display:inline-flex;align-items:center;font-weight:400;margin:.35rem 1rem 0 0}
button,.button{display:inline-block;width:100%;margin-top:1rem;font:inherit;font-weight:600;padding:.7rem 1rem;border:0;border-radius:8px;background:var(--accent);color:var(--accent-fg);cursor:pointer;text-align:center;text-decoration:none}
button.secondary{background:transparent;color:var(--link);border:1px solid var(--border)}
:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.error{color:var(--danger);font-weight:600}
hr{border:0;border-top:1px solid var(--border);margin:1.5rem 0}
small{color:var(--muted)}
img.logo{display:block;max-height:48px;max-width:12rem;margin:0 0 1.25rem}
nav.languages{display:flex;flex-wrap:wrap;gap:.25rem .9rem;margin-top:1.5rem;font-size:.9rem;color:var(--muted)}
nav.languages [aria-current]{font-weight:600;color:var(--fg)}
p.support{margin:1.5rem 0 0;font-size:.9rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{border-bottom:1px solid var(--border);padding:.4rem;text-align:left;vertical-align:top}
main.wide{max-width:60rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
`;
}
