/**
 * The console's stylesheet, on top of the sign-in pages' one (src/pages/style.ts): a wide
 * page with a navigation bar, tables that scroll sideways on a phone (390 px) rather than
 * overflow, and inline forms for one-button actions.
 */
export const CONSOLE_STYLESHEET = `
body{display:block;padding:0}
header.console{background:var(--card);border-bottom:1px solid var(--border);padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header.console strong{margin-right:auto}
header.console nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}
header.console nav a{color:var(--accent);font-weight:600}
header.console nav a[aria-current=page]{color:var(--fg);text-decoration:none}
header.console form{margin:0}
header.console button{width:auto;margin:0;padding:.3rem .7rem}
main.console{max-width:72rem;margin:1rem auto;border-radius:0;padding:1rem}
@media (min-width:40rem){main.console{border-radius:12px;padding:1.5rem 2rem}}
main.console h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
.scroll{overflow-x:auto;max-width:100%;position:relative}
table{min-width:32rem}
td form{display:inline;margin:0}
td button,.inline button{width:auto;margin:0;padding:.3rem .7rem;font-size:.9rem}
button.danger{background:var(--danger);color:var(--accent-fg)}
.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.inline label{margin:.25rem 0}
.inline>div{flex:1 1 12rem}
.inline button{margin-bottom:.1rem}
select{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--fg)}
input[type=checkbox]{width:auto}
label.check{display:flex;gap:.5rem;align-items:center;font-weight:400}
.notice{border-left:4px solid var(--accent);padding:.5rem .75rem;background:var(--bg);color:var(--fg)}
.secret{width:100%;font-size:.9rem;font-family:ui-monospace,monospace;word-break:break-all;background:var(--bg);border:1px solid var(--border);padding:.5rem;border-radius:8px;color:var(--fg)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
form.inline-form{display:inline;margin:0}form.inline-form button{width:auto;margin:0;padding:.2rem .6rem;font-size:.85rem}
.pager{display:flex;gap:1rem;margin-top:1rem}
`;
