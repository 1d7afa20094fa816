// The timed part of both page-cost benches: targets alternated in many short turns (A B C,
// B C A, …) so the machine's slow swings fall on every target alike, figures totalled over all
// turns, and the ratio to the reference shown with its range over each third of the run. On
// this 2-vCPU machine 5-second turns moved a ratio by up to ±0.15× between runs of one commit.
import { execFileSync } from "node:child_process";
import { load } from "./load.mjs";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * BENCH_PIN=1: the workers under test on the second CPU, the load generator and origin (this
 * process) on the first, so neither side takes the other's core and a worker's throughput is
 * its own. Off by default: on this machine it did not narrow the spread between runs.
 */
export function pinCpus(workerdPids) {
  if (process.env.BENCH_PIN !== "1") return false;
  execFileSync("taskset", ["-a", "-cp", "0", String(process.pid)], { stdio: "ignore" });
  for (const pid of workerdPids) execFileSync("taskset", ["-a", "-cp", "1", String(pid)], { stdio: "ignore" });
  return true;
}

/**
 * Times every target on every page size in `rounds` short turns each. A target's figures are
 * its totals over all its turns (requests ÷ seconds, CPU ÷ requests); its ratios to the
 * reference are taken over the same turns, and again over each third of the rounds to show
 * how far they move. Targets sharing a `group` (the same worker in several workerd processes:
 * separate processes of one script differ by a few percent) are totalled as one.
 * `cpuOf(target)` reads the CPU its processes used so far (ms).
 */
export async function timeRounds(targets, { sizes, rounds, seconds, connections, cpuOf, reference = "floor", path = (size) => `/${encodeURIComponent(size)}` }) {
  const results = {};
  const groupOf = (t) => t.group ?? t.name;
  const groups = [...new Set(targets.map(groupOf))];
  for (const size of sizes) {
    const runs = Object.fromEntries(groups.map((g) => [g, []]));
    const url = (t) => `${t.url}${path(size)}`;
    for (const t of targets) await load(url(t), { connections, seconds: 1, headers: t.headers }); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const t of targets.map((_, i) => targets[(i + round) % targets.length])) {
        const before = cpuOf(t);
        const r = await load(url(t), { connections, seconds, headers: t.headers, jar: t.jar });
        if (t.jar) t.headers = r.headers; // the renewed cookie carries into the next turn
        runs[groupOf(t)].push({ ...r, round, cpu: cpuOf(t) - before });
      }
    }
    const totals = (rs) => {
      const requests = rs.reduce((s, r) => s + r.requests, 0);
      return { rps: requests / rs.reduce((s, r) => s + r.elapsed, 0), cpu: rs.reduce((s, r) => s + r.cpu, 0) / requests };
    };
    const thirds = (rs) => [0, 1, 2].map((k) => rs.filter((r) => Math.floor((3 * r.round) / rounds) === k)).filter((b) => b.length);
    const ref = runs[reference];
    results[size] = Object.fromEntries(
      groups.map((group) => {
        const rs = runs[group];
        const all = totals(rs);
        const refAll = totals(ref);
        const blocks = thirds(rs).map((b, k) => [totals(b), totals(thirds(ref)[k])]);
        const ratio = (whole, parts) => ({ whole, min: Math.min(...parts), max: Math.max(...parts) });
        return [
          group,
          {
            rps: all.rps,
            cpu: all.cpu,
            p50: median(rs.map((r) => r.p50)),
            p95: median(rs.map((r) => r.p95)),
            rpsRatio: ratio(all.rps / refAll.rps, blocks.map(([a, b]) => a.rps / b.rps)),
            cpuRatio: ratio(all.cpu / refAll.cpu, blocks.map(([a, b]) => a.cpu / b.cpu)),
            errors: rs.reduce((s, r) => s + r.errors, 0),
            skipped: rs.reduce((s, r) => s + r.skipped, 0),
            sources: rs.reduce((all, r) => {
              for (const [k, n] of Object.entries(r.sources)) all[k] = (all[k] ?? 0) + n;
              return all;
            }, {}),
          },
        ];
      }),
    );
  }
  return results;
}

/** "0.94× (0.90–0.97)": the ratio over the whole run, and its range over the run's thirds. */
export function ratioText({ whole, min, max }, rounds) {
  const f = (n) => n.toFixed(2);
  return rounds > 1 ? `${f(whole)}× (${f(min)}–${f(max)})` : `${f(whole)}×`;
}
