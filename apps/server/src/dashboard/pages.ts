/** The two HTML documents: the login form (self-contained) and the dashboard shell the bundle fills in. */
import { createHash } from "node:crypto";
import type { Assets } from "./assets.ts";

export const HEADER = "x-conc-dashboard";

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The login script: posts the token in a JSON body (never a URL), with the non-simple header. */
function loginScript(base: string): string {
  return `document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const msg = document.getElementById("login-error");
  msg.textContent = "";
  try {
    const res = await fetch(${JSON.stringify(`${base}/api/login`)}, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json", "${HEADER}": "1" },
      body: JSON.stringify({ token: document.getElementById("token").value }),
    });
    if (res.ok) { location.replace(${JSON.stringify(base)}); return; }
    msg.textContent = res.status === 401 ? "Wrong token." : res.status === 429 ? "Too many wrong tokens: wait a minute." : "Login failed (" + res.status + ").";
  } catch { msg.textContent = "The server cannot be reached."; }
});`;
}

const STYLE = `body{font:15px system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;place-items:center;height:100vh;margin:0}
form{background:#1e293b;padding:2rem;border-radius:8px;display:grid;gap:.8rem;min-width:18rem}
input,button{font:inherit;padding:.5rem;border-radius:4px;border:1px solid #475569}
button{background:#2563eb;color:white;border:0;cursor:pointer}#login-error{color:#f87171;min-height:1.2em}`;

function hash(s: string): string {
  return `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
}

export interface Page {
  html: string;
  csp: string;
}

export function loginPage(base: string): Page {
  const script = loginScript(base);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>conc dashboard — log in</title>
<meta name="viewport" content="width=device-width"><style>${STYLE}</style></head><body>
<form id="login" method="post" autocomplete="off"><h1>conc dashboard</h1>
<label for="token">Token</label><input id="token" type="password" autofocus required>
<button type="submit" id="login-submit">Log in</button><div id="login-error" role="alert"></div></form>
<script>${script}</script></body></html>`;
  return {
    html,
    csp: `default-src 'none'; script-src ${hash(script)}; style-src ${hash(STYLE)}; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  };
}

export function appPage(base: string, assets: Assets): Page {
  const css = assets.styles.map((f) => `<link rel="stylesheet" href="${escapeAttr(`${base}/assets/${f}`)}">`);
  const js = assets.scripts.map(
    (f) => `<script type="module" src="${escapeAttr(`${base}/assets/${f}`)}"></script>`,
  );
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>conc dashboard</title>
<meta name="viewport" content="width=device-width">${css.join("")}</head>
<body data-base="${escapeAttr(base)}">
<header><h1>conc dashboard</h1><span id="conn" class="conn" data-state="connecting">connecting…</span>
<span id="role" class="role"></span><button id="logout" type="button">Log out</button></header>
<main>
<section><h2>Pools</h2><table id="pools"><thead><tr><th>pool</th><th>kind</th><th>workers</th><th>nodes</th>
<th>queued</th><th>running</th><th>done</th><th>failed</th><th>cancelled</th></tr></thead><tbody></tbody></table></section>
<section><h2>Throughput <small>(tasks/s, last 15 min)</small></h2><div id="chart"></div></section>
<section><h2>Tasks</h2>
<form id="filters"><select id="f-pool"><option value="">all pools</option></select>
<input id="f-task" placeholder="task name"><select id="f-status"><option value="">any state</option>
<option>PENDING</option><option>RUNNING</option><option>FINISHED</option><option>FAILED</option><option>CANCELLED</option></select>
<select id="f-order"><option value="desc">newest first</option><option value="asc">oldest first</option></select></form>
<div id="message" role="status"></div>
<table id="tasks"><thead><tr><th>id</th><th>pool</th><th>task</th><th>state</th><th>submitted</th><th>duration</th>
<th>progress</th><th></th></tr></thead><tbody></tbody></table>
<nav id="pager"><button id="prev" type="button">‹ prev</button><span id="page-info"></span>
<button id="next" type="button">next ›</button></nav></section>
<section id="detail" hidden></section>
</main>${js.join("")}</body></html>`;
  return {
    html,
    csp: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  };
}
