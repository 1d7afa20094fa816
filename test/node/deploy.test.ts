/** `npm run deploy -- --dry-run`: works offline, changes nothing, and shows the production config it would deploy. */
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

describe("deploy --dry-run", () => {
  it("prints every step and a production config: real ORIGIN and route, no demo assets", async () => {
    const { stdout } = await promisify(execFile)("node", ["scripts/deploy.mjs", "--dry-run", "--origin", "https://www.shop.example.co.th"], { env: { ...process.env, PATH: process.env.PATH } });
    expect(stdout).toContain("rujai deploy (dry run: nothing is created, set or deployed)");
    for (const step of ["1. KV namespace", "2. wrangler.production.toml", "3. secrets", "4. D1 migrations", "5. deploy", "6. rules"]) expect(stdout).toContain(step);
    for (const secret of ["ADMIN_TOKEN", "IDENTIFY_SECRET", "SNAPSHOT_SECRET", "SERVER_TOKEN"]) expect(stdout).toContain(`${secret}: would ask for it`);
    const config = stdout.split("\n").filter((l) => l.startsWith("   | ")).map((l) => l.slice(5)).join("\n");
    expect(config).toContain('ORIGIN = "https://www.shop.example.co.th"');
    expect(config).toContain('routes = [{ pattern = "www.shop.example.co.th/*", zone_name = "shop.example.co.th" }]');
    expect(config).not.toContain("[assets]");
    expect(config).toContain('new_sqlite_classes = ["Identity"]');
    expect(existsSync("wrangler.production.toml")).toBe(false);
  });
});
