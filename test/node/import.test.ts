/**
 * `npm run import -- orders.csv` against the real worker (workerd through Miniflare): past
 * orders land in RFM at once, a re-run counts nothing twice, bad rows are named by line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildRujai, startRujai } from "../../bench/rujai-target.mjs";
import { visitorCookie } from "../../worker/http/visitor";

let worker: { url: string; mf: { dispose(): Promise<void> } };
beforeAll(async () => {
  await buildRujai();
  worker = await startRujai("http://127.0.0.1:9", {});
}, 60_000);
afterAll(() => worker?.mf.dispose());

const run = (file: string) =>
  promisify(execFile)("node", ["scripts/import.mjs", file], { env: { ...process.env, RUJAI_URL: worker.url, RUJAI_SERVER_TOKEN: "bench" } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe("order history import", () => {
  it("imports past orders into RFM, names bad rows by line, and counts a re-run once", { timeout: 60_000 }, async () => {
    const visitor = "import-visitor-0001";
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    const file = join(mkdtempSync(join(tmpdir(), "orders-")), "orders.csv");
    writeFileSync(
      file,
      "\uFEFFvisitor_id,transaction_id,date,value,currency\r\n" +
        `${visitor},A-1,${day(900)},1200,THB\r\n` +
        `${visitor},A-2,${day(300)},800,THB\r\n` +
        `${visitor},A-3,${day(10)},500.50,THB\r\n` +
        `${visitor},A-4,not-a-date,100,THB\r\n` +
        `${visitor},A-5,${day(5)},lots,THB\r\n` +
        `${visitor},A-6,${day(4000)},10,THB\r\n`,
    );
    const first = await run(file);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("… 4 / 4 orders sent (3 kept, 0 already there)");
    expect(first.stderr).toContain('line 5: date "not-a-date" is not a date like 2024-03-18');
    expect(first.stderr).toContain('line 6: value "lots" is not a number');
    expect(first.stderr).toContain("line 7: ts is more than 10 years old");

    const me = async () => {
      const cookie = (await visitorCookie(visitor, { IDENTIFY_SECRET: "bench" })).split(";")[0]!;
      const res = await fetch(`${worker.url}/rujai/me`, { headers: { cookie, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36" } });
      return ((await res.json()) as { scores: { rfm: { orders: number; value: number; recencyDays: number; group: string } } }).scores.rfm;
    };
    expect(await me()).toMatchObject({ orders: 3, value: 2500.5, recencyDays: 10 });

    const again = await run(file);
    expect(again.stdout).toContain("… 4 / 4 orders sent (0 kept, 3 already there)");
    expect(await me()).toMatchObject({ orders: 3, value: 2500.5 });
  });
});
