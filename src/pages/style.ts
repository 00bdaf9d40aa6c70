/** The one stylesheet: readable on a phone, visible focus, no outside fonts. */
export const STYLESHEET = `
:root{color-scheme:light dark;--fg:#1a1a1a;--muted:#555;--bg:#f6f6f4;--card:#fff;--accent:#1d4ed8;--accent-fg:#fff;--border:#d4d4d0;--danger:#b91c1c}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--muted:#b0b0b0;--bg:#141414;--card:#1f1f1f;--accent:#6b9bff;--accent-fg:#0b0b0b;--border:#3a3a3a;--danger:#ff8a8a}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:1rem}
main{width:100%;max-width:26rem;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem 1.5rem}
h1{font-size:1.4rem;margin:0 0 .75rem}
p{margin:.5rem 0 1rem;color:var(--muted)}
p.lead{color:var(--fg)}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--fg)}
input[inputmode=numeric]{letter-spacing:.3em;font-variant-numeric:tabular-nums}
button,.button{display:inline-block;width:100%;margin-top:1rem;font:inherit;font-weight:600;padding:.7rem 1rem;border:0;border-radius:8px;background:var(--accent);color:var(--accent-fg);cursor:pointer;text-align:center;text-decoration:none}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--border)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{color:var(--danger);font-weight:600}
hr{border:0;border-top:1px solid var(--border);margin:1.5rem 0}
small{color:var(--muted)}
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{border-bottom:1px solid var(--border);padding:.4rem;text-align:left;vertical-align:top}
main.wide{max-width:60rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
`;
