/**
 * The admin page shell at {base}/admin: layout and styles only. It holds no data — everything
 * comes from the admin API with the token the marketer signs in with — so it needs no guard.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { ADMIN_APP, ADMIN_APP_ETAG } from "../generated/admin";
import type { Settings } from "../settings";

const STYLE = `
:root { --ink:#1d1b26; --muted:#6b6878; --brand:#e2572b; --bg:#f6f4f1; --line:#e5e0da; --ok:#1f7a4d; --bad:#b3261e; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin:0; font:15px/1.5 system-ui, "Noto Sans Thai", sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; align-items:center; gap:16px; padding:12px 24px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { font-size:18px; margin:0; color:var(--brand); }
header nav { display:flex; gap:4px; margin-left:24px; }
header nav button { border:0; background:none; padding:8px 14px; border-radius:8px; font:inherit; cursor:pointer; color:var(--muted); }
header nav button.active { background:var(--bg); color:var(--ink); font-weight:600; }
header .right { margin-left:auto; display:flex; gap:12px; align-items:center; color:var(--muted); }
main { padding:20px 24px; }
.card { background:#fff; border:1px solid var(--line); border-radius:12px; padding:16px; }
.signin { max-width:380px; margin:80px auto; }
.signin label { display:block; margin:12px 0 4px; font-weight:600; }
input, select, textarea { font:inherit; padding:8px 10px; border:1px solid var(--line); border-radius:8px; width:100%; background:#fff; }
button.primary { background:var(--brand); color:#fff; border:0; border-radius:8px; padding:9px 18px; font:inherit; font-weight:600; cursor:pointer; }
button.primary:disabled { opacity:.4; cursor:default; }
.rules { display:grid; grid-template-columns:minmax(0,3fr) minmax(280px,2fr); gap:16px; align-items:start; }
#editor .cm-editor { height:calc(100vh - 190px); border:1px solid var(--line); border-radius:8px; font-size:13px; }
.toolbar { display:flex; gap:12px; align-items:center; margin-bottom:10px; }
.status { margin:0; } .status.ok { color:var(--ok); } .status.error { color:var(--bad); }
#problems { padding-left:18px; margin:0 0 12px; } #problems li { color:var(--bad); margin-bottom:4px; } #problems li.ok { color:var(--ok); list-style:none; margin-left:-18px; }
#summary ul, #summary ol { padding-left:18px; } #summary li { margin-bottom:8px; } .change { color:var(--muted); }
code { background:var(--bg); padding:1px 5px; border-radius:4px; font-size:12px; }
.preview { display:grid; grid-template-columns:300px minmax(0,1fr); gap:16px; align-items:start; }
.preview label { display:block; margin:10px 0 4px; font-weight:600; font-size:13px; }
.frames { display:grid; grid-template-columns:1fr 1fr; gap:12px; margin-top:12px; }
.frames figure { margin:0; } .frames figcaption { font-weight:600; margin-bottom:4px; }
iframe { width:100%; height:520px; border:1px solid var(--line); border-radius:8px; background:#fff; }
#explain li.yes { color:var(--ok); } #explain li.no { color:var(--bad); } #explain ul { padding-left:18px; }
.outcome-shown b { color:var(--ok); } .outcome-not-eligible b, .outcome-lost-on-priority b { color:var(--muted); } .outcome-holdout b { color:#8a5a00; }
table { width:100%; border-collapse:collapse; } td, th { text-align:left; padding:8px; border-bottom:1px solid var(--line); vertical-align:top; }
.sig { color:var(--ok); font-weight:600; } .nosig { color:var(--muted); }
.live { background:var(--ok); color:#fff; border-radius:4px; padding:0 6px; font-size:12px; }
`;

export const adminPage = new Hono<{ Bindings: Settings }>()
  .get("/admin/app.js", (c) => {
    c.header("etag", ADMIN_APP_ETAG);
    if (c.req.header("if-none-match") === ADMIN_APP_ETAG) return c.body(null, 304);
    return c.body(ADMIN_APP, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" });
  })
  .get("/admin", (c) => {
    const base = c.env.BASE_PATH || "/rujai";
    c.header("cache-control", "no-store");
    c.header("x-frame-options", "DENY");
    return c.html(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>rujai — rules</title>
<style>${STYLE}</style>
</head>
<body data-base="${base}">
<section id="signin" class="card signin" hidden>
  <h2>Sign in to rujai</h2>
  <form id="signin-form">
    <label for="author">Your name (kept with every version you save)</label>
    <input id="author" autocomplete="name" placeholder="Nok, marketing">
    <label for="token">Admin token</label>
    <input id="token" type="password" autocomplete="current-password" required>
    <p id="signin-error" class="status error"></p>
    <button class="primary" type="submit">Sign in</button>
  </form>
</section>
<div id="workspace" hidden>
  <header>
    <h1>รู้ใจ rujai</h1>
    <nav><button data-tab="rules" class="active">Rules</button><button data-tab="preview">Preview</button><button data-tab="history">History</button><button data-tab="stats">Results</button><button data-tab="audiences">Audiences</button><button data-tab="messages">Messages</button></nav>
    <div class="right"><span id="version"></span><span>· <span id="who"></span></span><button id="signout">Sign out</button></div>
  </header>
  <main>
    <p id="status" class="status"></p>
    <section data-panel="rules" class="rules">
      <div>
        <div class="toolbar"><button id="save" class="primary">Save and publish</button><span class="change">Ctrl-Space completes field names from the schema.</span></div>
        <div id="editor"></div>
      </div>
      <aside class="card">
        <h3>Problems</h3><ul id="problems"></ul>
        <div id="summary"></div>
      </aside>
    </section>
    <section data-panel="preview" class="preview" hidden>
      <div class="card">
        <label for="preset">Visitor</label>
        <select id="preset">
          <option value="new">New visitor</option>
          <option value="sneaker-fan">Sneaker fan (3 sneaker views)</option>
          <option value="hesitant">Hesitant shopper (cart 45 min ago)</option>
          <option value="returning">Returning buyer</option>
          <option value="custom">Custom events…</option>
        </select>
        <div id="custom" hidden><label for="custom-events">Events (JSON)</label><textarea id="custom-events" rows="6">[{"type": "view_item", "ago": "2h", "props": {"category": "sneakers"}}]</textarea></div>
        <label for="traits">Traits (JSON)</label><textarea id="traits" rows="2">{"first_name": "Somchai", "tier": "gold"}</textarea>
        <label for="visitor-id">…or a real visitor id</label><input id="visitor-id" placeholder="rujai_id cookie value">
        <label for="preview-date">Local date and time (rules timezone)</label>
        <input id="preview-date" type="date"><input id="preview-time" type="time" value="18:00">
        <label for="preview-path">Page</label><input id="preview-path" value="/">
        <p><button id="run-preview" class="primary">Preview</button></p>
        <div id="explain"></div>
      </div>
      <div class="frames">
        <figure><figcaption>As this visitor</figcaption><iframe id="frame-personal" sandbox="allow-same-origin" title="personalized page"></iframe></figure>
        <figure><figcaption>Default (no personalization)</figcaption><iframe id="frame-default" sandbox="allow-same-origin" title="default page"></iframe></figure>
      </div>
    </section>
    <section data-panel="stats" hidden>
      <div class="card">
        <p class="change">Last 30 days, per arm: visitors shown the arm (counted once, on the day they first saw it), converting visitors (each once: a goal event within the goal's window after seeing it), revenue per visitor. <span id="results-methods"></span></p>
        <p><label>Chart <select id="chart-rule"></select></label> <button id="results-csv">Download CSV</button></p>
        <div id="results-chart"></div>
        <table><thead><tr><th>Slot · rule</th><th>Arm</th><th>Visitors</th><th>Converting (rate)</th><th>Revenue / visitor</th><th>Impressions</th><th>Clicks</th><th>Against the holdout</th></tr></thead><tbody id="stats"></tbody></table>
      </div>
      <div class="card" id="shadow-panel">
        <h3 style="margin-top:0">Shadow mode</h3>
        <p><button id="shadow-start" class="primary">Run the editor's draft in shadow</button> <button id="shadow-refresh">Refresh</button> <button id="shadow-stop">Stop</button> <span id="shadow-status" class="change"></span></p>
        <div id="shadow-report"></div>
      </div>
    </section>
    <section data-panel="audiences" hidden>
      <div class="card" id="intent-card">
        <h3 style="margin-top:0">Purchase intent model <span id="intent-kind" class="change"></span></h3>
        <p><button id="intent-fit">Fit now</button> <span id="intent-status" class="change"></span></p>
        <div id="intent-summary"></div>
        <div id="intent-calibration"></div>
        <table><thead><tr><th>Factor</th><th>Weight</th></tr></thead><tbody id="intent-coefficients"></tbody></table>
      </div>
      <div class="card" style="margin-top:16px">
        <h3 style="margin-top:0">Segment sizes <span id="audience-total" class="change"></span></h3>
        <div id="audience-chart"></div>
        <table><thead><tr><th>Segment</th><th>People now</th><th>Identified</th><th>Trend</th><th></th></tr></thead><tbody id="audience-sizes"></tbody></table>
      </div>
      <div class="card" style="margin-top:16px">
        <h3 style="margin-top:0">Overlap <span class="change">(people in both)</span></h3>
        <table id="audience-overlap"></table>
      </div>
      <div class="card" style="margin-top:16px">
        <h3 style="margin-top:0">Most likely to buy in the next two weeks <span id="top-count" class="change"></span></h3>
        <div class="toolbar"><label for="top-segment">In</label><select id="top-segment" style="width:auto"></select>
          <label for="top-by">by</label><select id="top-by" style="width:auto"><option value="intent">purchase intent</option><option value="engagement">engagement</option><option value="value">lifetime value</option><option value="recency">last seen</option></select></div>
        <table><thead><tr><th>#</th><th>Who</th><th>Intent</th><th>Why</th><th>Engagement</th><th>RFM</th><th>Orders · value</th><th>Last seen</th></tr></thead><tbody id="audience-top"></tbody></table>
      </div>
    </section>
    <section data-panel="messages" id="messages-panel" hidden>
      <div class="card">
        <h3 style="margin-top:0">Triggers <span class="change">(last 30 days)</span></h3>
        <table><thead><tr><th>Trigger</th><th>Sent</th><th>Delivered</th><th>Held out</th><th>Deferred</th><th>Skipped</th><th>Dead</th><th>Bought within 7 d: sent</th><th>held out</th><th>Uplift</th></tr></thead><tbody id="trigger-counts"></tbody></table>
      </div>
      <div class="card" style="margin-top:16px">
        <h3 style="margin-top:0">Destinations</h3><ul id="destinations"></ul><p id="test-result" class="change"></p>
      </div>
      <div class="card" style="margin-top:16px">
        <h3 style="margin-top:0">Delivery log</h3>
        <div class="toolbar"><label for="delivery-status">Show</label><select id="delivery-status" style="width:auto"><option value="">all</option><option value="delivered">delivered</option><option value="failed">failed (retrying)</option><option value="dead">dead-lettered</option></select></div>
        <table><thead><tr><th>Occurrence (webhook-id)</th><th>Trigger → destination</th><th>Status</th><th>Attempts</th><th>Last answer</th><th>When</th><th></th></tr></thead><tbody id="deliveries"></tbody></table>
      </div>
    </section>
    <section data-panel="history" class="card" hidden>
      <table><thead><tr><th>Version</th><th>Saved</th><th>By</th><th>What changed</th><th></th></tr></thead><tbody id="history"></tbody></table>
    </section>
  </main>
</div>
<script type="module" src="${base}/admin/app.js"></script>
</body>
</html>`);
  });
