/**
 * The admin page's behaviour (served as {base}/admin/app.js): sign in with the admin token,
 * edit the rules in CodeMirror with schema completion and live validation from the server,
 * read segments and rules in plain language, preview the shop as a chosen profile and time
 * beside the default, roll back to any saved version, and read results (results.ts).
 */
import { EditorView, basicSetup } from "codemirror";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { linter, type Diagnostic } from "@codemirror/lint";
import { schemaCompletion } from "./schema-complete";
import { rangeOf } from "./json-tree";
import { downloadCsv, loadAudiences, loadTop } from "./audiences";
import { loadMessages, retryDelivery, sendTest } from "./messages";
import { bindResults, loadResults, loadShadow } from "./results";
import { fitNow, loadIntent } from "./intent";

const base = document.body.dataset.base ?? "/rujai";
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let token = sessionStorage.getItem("rujai-admin-token") ?? "";
let author = sessionStorage.getItem("rujai-admin-author") ?? "";
let savedVersion: string | null = null;
let serverErrors: Array<{ path: string; message: string }> = [];
let editor: EditorView;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  if (author) headers.set("x-rujai-author", author);
  return fetch(`${base}/admin${path}`, { ...init, headers });
}

function show(id: "signin" | "workspace") {
  $("signin").hidden = id !== "signin";
  $("workspace").hidden = id !== "workspace";
}

function tab(name: string) {
  document.querySelectorAll<HTMLElement>("[data-tab]").forEach((t) => t.classList.toggle("active", t.dataset.tab === name));
  document.querySelectorAll<HTMLElement>("[data-panel]").forEach((p) => (p.hidden = p.dataset.panel !== name));
  if (name === "history") void loadHistory();
  if (name === "stats") void loadResults(api).then(() => loadShadow(api));
  if (name === "audiences") void loadAudiences(api).then(() => loadIntent(api));
  if (name === "messages") void loadMessages(api);
}

function status(text: string, kind: "ok" | "error" | "info" = "info") {
  const el = $("status");
  el.textContent = text;
  el.className = `status ${kind}`;
}

// ── Rules editor ──────────────────────────────────────────────────────────────────────────
const serverLinter = linter((view): Diagnostic[] =>
  serverErrors.map((e) => ({ ...rangeOf(view.state, e.path), severity: "error", message: `${e.path}: ${e.message}` })),
);

let validateTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleValidation() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validate, 400);
}

async function validate(): Promise<boolean> {
  const text = editor.state.doc.toString();
  let body: { valid?: boolean; errors?: typeof serverErrors; summary?: string; segments?: Array<{ name: string; label: string | null; summary: string }>; slots?: Record<string, Array<{ id: string; summary: string }>> };
  try {
    JSON.parse(text);
  } catch (error) {
    serverErrors = [];
    renderProblems([{ path: "$", message: `not valid JSON: ${(error as Error).message}` }]);
    return false;
  }
  const res = await api("/rules/validate", { method: "POST", body: text });
  body = await res.json();
  serverErrors = body.errors ?? [];
  renderProblems(serverErrors);
  // Re-run the linter so the new server errors are underlined at their place.
  editor.dispatch({});
  if (body.valid) {
    $("summary").innerHTML =
      `<p class="change">Change: ${esc(body.summary)}</p><h3>Segments</h3><ul>${(body.segments ?? [])
        .map((s) => `<li><b>${esc(s.label ?? s.name)}</b> <code>${esc(s.name)}</code><br>${esc(s.summary)}</li>`)
        .join("")}</ul>` +
      Object.entries(body.slots ?? {})
        .map(([slot, rules]) => `<h3>Slot “${esc(slot)}”</h3><ol>${rules.map((r) => `<li><code>${esc(r.id)}</code> ${esc(r.summary)}</li>`).join("")}</ol>`)
        .join("");
  }
  return body.valid === true;
}

function renderProblems(errors: Array<{ path: string; message: string }>) {
  const list = $("problems");
  list.innerHTML = errors.length
    ? errors.map((e) => `<li><code>${esc(e.path)}</code> ${esc(e.message)}</li>`).join("")
    : `<li class="ok">✓ The rules are valid.</li>`;
  ($("save") as HTMLButtonElement).disabled = errors.length > 0;
}

async function loadRules() {
  const res = await api("/rules");
  if (res.status === 401) return false;
  const body = (await res.json()) as { version: string | null; document: unknown };
  savedVersion = body.version;
  const text = JSON.stringify(body.document ?? { segments: {}, slots: {} }, null, 2);
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
  $("version").textContent = savedVersion ? `version ${savedVersion}` : "no rules saved yet";
  await validate();
  return true;
}

async function save() {
  if (!(await validate())) return status("Fix the problems first; nothing was saved.", "error");
  const headers: Record<string, string> = savedVersion ? { "if-match": `"${savedVersion}"` } : {};
  const res = await api("/rules", { method: "PUT", body: editor.state.doc.toString(), headers });
  const body = (await res.json()) as { version?: string; summary?: string; error?: string; errors?: typeof serverErrors };
  if (!res.ok) {
    if (body.errors) renderProblems(body.errors);
    return status(body.error ?? `Save failed (${res.status})`, "error");
  }
  savedVersion = body.version!;
  $("version").textContent = `version ${savedVersion}`;
  status(`Saved version ${body.version} — ${body.summary}. Live on the site within seconds.`, "ok");
}

// ── Preview ───────────────────────────────────────────────────────────────────────────────
const PRESETS: Record<string, unknown[]> = {
  new: [],
  "sneaker-fan": [1, 20, 40].map((h) => ({ type: "view_item", ago: `${h}h`, props: { category: "sneakers" } })),
  hesitant: [{ type: "page_view", ago: "2d" }, { type: "add_to_cart", ago: "45m", props: { category: "dresses", price: 1590 } }],
  returning: [{ type: "page_view", ago: "10d" }, { type: "purchase", ago: "12d", props: { value: 890 } }],
};

/** Epoch ms of a wall-clock time in `tz` (two passes settle DST edges). */
function zonedTime(date: string, time: string, tz: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y!, m! - 1, d!, h!, mi!);
  const offset = (t: number) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" }).formatToParts(t).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!) - t;
  };
  let t = wall - offset(wall);
  t = wall - offset(t);
  return t;
}

function previewRequest(rules: unknown) {
  const preset = ($("preset") as HTMLSelectElement).value;
  let events: unknown[] = PRESETS[preset] ?? [];
  if (preset === "custom") events = JSON.parse(($("custom-events") as HTMLTextAreaElement).value || "[]");
  const draft = JSON.parse(editor.state.doc.toString()) as { timezone?: string };
  const tz = draft.timezone ?? "Asia/Bangkok";
  const at = zonedTime(($("preview-date") as HTMLInputElement).value, ($("preview-time") as HTMLInputElement).value, tz);
  const visitorId = ($("visitor-id") as HTMLInputElement).value.trim();
  return {
    ...(visitorId ? { visitorId } : { profile: { events, traits: JSON.parse(($("traits") as HTMLTextAreaElement).value || "{}") } }),
    at,
    rules,
    path: ($("preview-path") as HTMLInputElement).value || "/",
  };
}

type Explanation = { text: string; holds: boolean; children?: Explanation[] };
const tree = (e: Explanation): string =>
  `<li class="${e.holds ? "yes" : "no"}">${e.holds ? "✓" : "✗"} ${esc(e.text)}${e.children ? `<ul>${e.children.map(tree).join("")}</ul>` : ""}</li>`;

async function runPreview() {
  let draft: unknown;
  try {
    draft = JSON.parse(editor.state.doc.toString());
  } catch {
    return status("The rules are not valid JSON.", "error");
  }
  const request = previewRequest(draft);
  const res = await api("/preview", { method: "POST", body: JSON.stringify(request) });
  const body = await res.json();
  if (!res.ok) return status(body.error ?? "Preview failed", "error");
  $("explain").innerHTML =
    `<p>Local time: <b>${esc(body.localDate)} ${esc(body.localTime)}</b> (${esc(body.timezone)})</p>` +
    body.slots
      .map(
        (s: { slot: string; shown: { rule: string; variant: string } | null; rules: Array<{ rule: string; outcome: string; reasons: string[]; summary: string }> }) =>
          `<h3>Slot “${esc(s.slot)}” → ${s.shown ? `<code>${esc(s.shown.rule)}</code> (${esc(s.shown.variant)})` : "default content"}</h3><ol>${s.rules
            .map((r) => `<li class="outcome-${r.outcome.replace(/ /g, "-")}"><code>${esc(r.rule)}</code> <b>${esc(r.outcome)}</b> — ${esc(r.reasons.join("; "))}<br><small>${esc(r.summary)}</small></li>`)
            .join("")}</ol>`,
      )
      .join("") +
    `<h3>Segments</h3><ul class="tree">${body.segments.map((s: { name: string; explanation: Explanation }) => `<li><b>${esc(s.name)}</b><ul>${tree(s.explanation)}</ul></li>`).join("")}</ul>`;
  const page = async (rules: unknown) => (await api("/preview/page", { method: "POST", body: JSON.stringify({ ...request, rules }) })).text();
  const [personal, plain] = await Promise.all([page(draft), page({ segments: {}, slots: {} })]);
  ($("frame-personal") as HTMLIFrameElement).srcdoc = personal;
  ($("frame-default") as HTMLIFrameElement).srcdoc = plain;
}

// ── History ───────────────────────────────────────────────────────────────────────────────
async function loadHistory() {
  const res = await api("/rules/history");
  const { versions } = (await res.json()) as { versions: Array<{ version: string; savedAt: number; author: string; summary: string }> };
  $("history").innerHTML = versions.length
    ? versions
        .map(
          (v, i) =>
            `<tr><td><code>${esc(v.version)}</code>${i === 0 ? ' <span class="live">live</span>' : ""}</td><td>${esc(new Date(v.savedAt).toLocaleString())}</td><td>${esc(v.author)}</td><td>${esc(v.summary)}</td><td>${i === 0 ? "" : `<button class="rollback" data-version="${esc(v.version)}">Roll back to this</button>`}</td></tr>`,
        )
        .join("")
    : `<tr><td colspan="5">No saved versions yet.</td></tr>`;
}

async function rollback(version: string) {
  const res = await api("/rules/rollback", { method: "POST", body: JSON.stringify({ version }) });
  const body = await res.json();
  if (!res.ok) return status(body.error ?? "Rollback failed", "error");
  status(`Rolled back: version ${body.version} is live again.`, "ok");
  await loadRules();
  await loadHistory();
}

// ── Start ─────────────────────────────────────────────────────────────────────────────────
async function start() {
  const schema = await (await fetch(`${base}/rules.schema.json`)).json();
  editor = new EditorView({
    parent: $("editor"),
    extensions: [
      basicSetup,
      json(),
      linter(jsonParseLinter()),
      serverLinter,
      json().language.data.of({ autocomplete: schemaCompletion(schema) }),
      EditorView.updateListener.of((u) => u.docChanged && scheduleValidation()),
    ],
  });
  const today = new Date();
  ($("preview-date") as HTMLInputElement).value = today.toISOString().slice(0, 10);

  $("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    token = ($("token") as HTMLInputElement).value;
    author = ($("author") as HTMLInputElement).value;
    if (await loadRules()) {
      sessionStorage.setItem("rujai-admin-token", token);
      sessionStorage.setItem("rujai-admin-author", author);
      $("who").textContent = author || "admin";
      show("workspace");
    } else {
      $("signin-error").textContent = "That token was not accepted.";
    }
  });
  $("save").addEventListener("click", () => void save());
  $("run-preview").addEventListener("click", () => void runPreview());
  $("signout").addEventListener("click", () => {
    sessionStorage.clear();
    location.reload();
  });
  $("preset").addEventListener("change", () => ($("custom").hidden = ($("preset") as HTMLSelectElement).value !== "custom"));
  document.querySelectorAll<HTMLElement>("[data-tab]").forEach((t) => t.addEventListener("click", () => tab(t.dataset.tab!)));
  $("audience-sizes").addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest("button");
    if (button?.dataset.csv) void downloadCsv(api, button.dataset.csv);
    if (button?.dataset.top) {
      ($("top-segment") as HTMLSelectElement).value = button.dataset.top;
      void loadTop(api);
    }
  });
  $("top-segment").addEventListener("change", () => void loadTop(api));
  $("delivery-status").addEventListener("change", () => void loadMessages(api));
  $("messages-panel").addEventListener("click", async (e) => {
    const button = (e.target as HTMLElement).closest("button");
    if (button?.dataset.retry) await retryDelivery(api, button.dataset.retry);
    if (button?.dataset.test) $("test-result").textContent = await sendTest(api, button.dataset.test);
  });
  $("top-by").addEventListener("change", () => void loadTop(api));
  bindResults(api, () => editor.state.doc.toString());
  $("intent-fit").addEventListener("click", () => void fitNow(api));
  $("history").addEventListener("click", (e) => {
    const version = (e.target as HTMLElement).closest<HTMLElement>(".rollback")?.dataset.version;
    if (version) void rollback(version);
  });
  if (token && (await loadRules())) {
    $("who").textContent = author || "admin";
    show("workspace");
  } else show("signin");
}

void start();
