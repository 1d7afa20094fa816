// CPU of the workerd processes a benchmark starts: find the one a target started, read its
// user+sys time (ms) from /proc.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { Miniflare } from "miniflare";

const TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString());

/** The pids of every running workerd. */
export function workerdPids() {
  return new Set(
    readdirSync("/proc").filter((d) => {
      if (!/^\d+$/.test(d)) return false;
      try {
        return readFileSync(`/proc/${d}/comm`, "utf8").trim() === "workerd";
      } catch {
        return false;
      }
    }),
  );
}

/** user + sys CPU of `pid` so far, in ms. */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** Peak resident memory of `pid`, in MB. */
export function peakRssMb(pid) {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
}

/** A Miniflare instance, its URL and the workerd process it spawned (whose CPU a bench reads). */
export async function startMeasured(name, options) {
  const before = workerdPids();
  const mf = new Miniflare(options);
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { name, mf, url, pid: [...workerdPids()].find((p) => !before.has(p)) };
}
