/**
 * vitest globalSetup for browser tests: builds nothing (the test script builds first), seeds a
 * private local KV with the demo rules, and runs `wrangler dev` — the same thing `npm start`
 * runs — on a free port. Tests get its URL with inject("edgeUrl").
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

let edge: ChildProcess | undefined;
let state: string | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`local edge did not come up at ${url}`);
}

export async function setup(project: TestProject) {
  state = mkdtempSync(join(tmpdir(), "rujai-edge-"));
  const seeded = spawnSync(
    "npx",
    ["wrangler", "kv", "key", "put", "rules", "--path", "demo-site/rules.json", "--binding", "RULES", "--local", "--persist-to", state],
    { encoding: "utf8" },
  );
  if (seeded.status !== 0) throw new Error(`seeding rules failed: ${seeded.stderr}`);
  const migrated = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "rujai-audience", "--local", "--persist-to", state], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (migrated.status !== 0) throw new Error(`applying migrations failed: ${migrated.stderr}`);
  const port = await freePort();
  edge = spawn(
    "npx",
    ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", state,
      "--var", "ADMIN_TOKEN:browser-admin-token", "--var", "IDENTIFY_SECRET:browser-identify-secret", "--var", "RULES_REFRESH_MS:0",
      "--var", "CRM_WEBHOOK_SECRET:whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  edge.stdout?.on("data", (d) => (log += d));
  edge.stderr?.on("data", (d) => (log += d));
  const url = `http://localhost:${port}`;
  try {
    await waitFor(`${url}/rujai.js`, Date.now() + 60_000);
  } catch (error) {
    console.error(log);
    throw error;
  }
  project.provide("edgeUrl", url);
}

export async function teardown() {
  if (edge?.pid) {
    try {
      process.kill(-edge.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  if (state) rmSync(state, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    edgeUrl: string;
  }
}
