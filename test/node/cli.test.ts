/** `npm run rules -- validate`: the same validator and messages as the admin API, in a terminal. */
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = (...args: string[]) =>
  promisify(execFile)("node", ["scripts/rules.mjs", ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe("rules CLI", () => {
  it("validates the demo rules", async () => {
    const r = await run("validate", "demo-site/rules.json");
    expect(r).toMatchObject({ code: 0, stdout: "✓ demo-site/rules.json is valid: 6 segments, 6 slot rules\n" });
  });
  it("lists every error with its JSON path and exits 1", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "rules-")), "bad.json");
    writeFileSync(file, JSON.stringify({ segments: { a: { when: { count: { event: "view_item", within: "7 days" } } } }, slots: {} }));
    const r = await run("validate", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`✗ ${file}: 1 error(s)\n  $.segments.a.when.count.within: a duration like "30m", "24h" or "7d"\n`);
  });
  it("explains how to call it", async () => {
    const r = await run("publish");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run rules -- validate <file> | push <file> [--remote]");
  });
});
