/**
 * A segment's members as CSV, streamed page by page from D1: UTF-8 with a byte-order mark (so
 * Excel shows Thai), RFC 4180 quoting, and cells that start with = + - @ (or tab/CR) made inert
 * with a leading apostrophe — papaparse's `escapeFormulae`, so a trait like `=HYPERLINK(…)`
 * never runs in a marketer's spreadsheet.
 */
import Papa from "papaparse";
import { membersAfter, type Member } from "./queries";

const PAGE = 500;
const BASE_COLUMNS = ["visitor_id", "user_id", "in_segment_since", "intent", "engagement", "rfm", "orders", "value", "top_category", "last_seen"];
const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : "");

function cells(m: Member, traits: readonly string[]): unknown[] {
  const s = m.scores;
  return [m.visitorId, m.userId ?? "", iso(m.since), s.intent, s.engagement, s.rfm ?? "", s.orders, s.value, s.topCategory ?? "", iso(s.lastSeen), ...traits.map((t) => m.traits[t] ?? "")];
}

const unparse = (rows: unknown[][]) => Papa.unparse(rows, { escapeFormulae: true, newline: "\r\n" });

/** Small tables whole (results): the same BOM, quoting and inert formulae. */
export function csvText(rows: unknown[][]): string {
  return `\uFEFF${unparse(rows)}\r\n`;
}

export function exportCsv(db: D1Database, segment: string, traits: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = "";
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${unparse([[...BASE_COLUMNS, ...traits.map((t) => `trait_${t}`)]])}\r\n`));
        return;
      }
      const page = await membersAfter(db, segment, after, PAGE);
      if (page.length) controller.enqueue(encoder.encode(`${unparse(page.map((m) => cells(m, traits)))}\r\n`));
      if (page.length < PAGE) controller.close();
      else after = page.at(-1)!.visitorId;
    },
  });
}
