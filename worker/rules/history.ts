/**
 * Saved versions of the rules document in KV: `rules` is what serves; every save also writes
 * `rules:history:<newest-first key>` with who, when and a change summary as KV metadata, so
 * the history lists without reading each document. At most MAX_VERSIONS are kept.
 */
import { parseRecent, RECENT_RULES_KEY, RULES_KEY, versionOf } from "./store";
import { rememberRules } from "../core/known-rules";
import type { RulesDocument } from "./schema";
import { validateRulesText } from "./validate";

const PREFIX = "rules:history:";
const MAX_VERSIONS = 100;

export interface VersionInfo {
  version: string;
  savedAt: number;
  author: string;
  summary: string;
}

function historyKey(savedAt: number, version: string): string {
  // Newest first in KV's lexicographic listing.
  return `${PREFIX}${String(9_999_999_999_999 - savedAt).padStart(13, "0")}:${version}`;
}

/**
 * Saves `text` (already validated as `document`) as the serving version. The rules it
 * replaces stay "recent" for 30 days, so their impressions and clicks still count.
 */
export async function saveVersion(kv: KVNamespace, text: string, document: RulesDocument, author: string, summary: string, now = Date.now()): Promise<VersionInfo> {
  const info: VersionInfo = { version: await versionOf(text), savedAt: now, author, summary };
  await kv.put(historyKey(now, info.version), text, { metadata: info });
  const [servingText, recentText] = await Promise.all([kv.get(RULES_KEY), kv.get(RECENT_RULES_KEY)]);
  let recent = parseRecent(recentText);
  const serving = servingText === null ? null : validateRulesText(servingText);
  if (serving?.ok) recent = rememberRules(recent, serving.document, now);
  await kv.put(RECENT_RULES_KEY, JSON.stringify(rememberRules(recent, document, now)));
  await kv.put(RULES_KEY, text);
  await prune(kv);
  return info;
}

export async function listVersions(kv: KVNamespace, limit = MAX_VERSIONS): Promise<VersionInfo[]> {
  const page = await kv.list<VersionInfo>({ prefix: PREFIX, limit });
  return page.keys.flatMap((k) => (k.metadata ? [k.metadata] : []));
}

export async function readVersion(kv: KVNamespace, version: string): Promise<{ info: VersionInfo; text: string } | null> {
  const page = await kv.list<VersionInfo>({ prefix: PREFIX, limit: 1000 });
  const key = page.keys.find((k) => k.metadata?.version === version);
  if (!key?.metadata) return null;
  const text = await kv.get(key.name);
  return text === null ? null : { info: key.metadata, text };
}

async function prune(kv: KVNamespace): Promise<void> {
  const page = await kv.list({ prefix: PREFIX, limit: 1000 });
  await Promise.all(page.keys.slice(MAX_VERSIONS).map((k) => kv.delete(k.name)));
}
