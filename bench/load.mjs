// A small closed-loop load generator: N keep-alive connections, each sending the next request
// when the last answer has been read in full. Records every latency for exact percentiles.
import http from "node:http";

export async function load(url, { connections = 10, seconds = 5, headers = {} } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  let bytes = 0;
  // Pages rujai served without personalization (its Server-Timing says so): a fault under load.
  let skipped = 0;
  const deadline = performance.now() + seconds * 1000;
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = http.get(url, { agent, headers }, (res) => {
        if (String(res.headers["server-timing"] ?? "").includes("skipped")) skipped++;
        res.on("data", (chunk) => (bytes += chunk.length));
        res.on("end", () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else errors++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
  const worker = async () => {
    while (performance.now() < deadline) await one();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { requests: latencies.length, errors, skipped, rps: latencies.length / elapsed, p50: at(0.5), p95: at(0.95), bytes };
}

/** Time to the response headers and to the whole body, for one request. */
export function timing(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers }, (res) => {
      const headersAt = performance.now() - started;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body, headersAt, doneAt: performance.now() - started }));
    });
    req.on("error", reject);
  });
}
