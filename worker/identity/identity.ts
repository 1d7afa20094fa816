/**
 * Identity Durable Object: one per known user (named "user:<id>"). It hands out the user's
 * profile key — random, made once, so it never depends on (or rotates with) a secret — and
 * remembers the identify tokens (`jti`) already used until they expire, so a login token works
 * exactly once. Both answers come from one object, atomically.
 */
import { DurableObject } from "cloudflare:workers";
import type { Settings } from "../settings";

export function identityOf(env: Settings, userId: string): DurableObjectStub<Identity> {
  // wrangler types cannot see the class behind the binding; this is it.
  const ns = env.IDENTITY as unknown as DurableObjectNamespace<Identity>;
  return ns.get(ns.idFromName(`user:${userId}`));
}

export type Claim = { ok: true; profileKey: string } | { ok: false; reason: string };

export class Identity extends DurableObject<Settings> {
  /**
   * Uses token `jti` (valid until `expiresAt`) and answers the user's profile key; a token
   * seen before is refused. `jti` absent (the legacy static signature) skips the replay check.
   */
  async claim(jti: string | null, expiresAt: number, now = Date.now()): Promise<Claim> {
    const sql = this.ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS used_tokens (jti TEXT PRIMARY KEY, expires INTEGER NOT NULL);
              CREATE TABLE IF NOT EXISTS identity (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    sql.exec("DELETE FROM used_tokens WHERE expires < ?", now);
    if (jti !== null) {
      if (sql.exec("SELECT 1 FROM used_tokens WHERE jti = ?", jti).toArray().length) return { ok: false, reason: "this token was already used (jti)" };
      sql.exec("INSERT INTO used_tokens (jti, expires) VALUES (?, ?)", jti, expiresAt);
    }
    let key = sql.exec<{ value: string }>("SELECT value FROM identity WHERE key = 'profile'").toArray()[0]?.value;
    if (!key) {
      key = newProfileKey();
      sql.exec("INSERT INTO identity (key, value) VALUES ('profile', ?)", key);
    }
    return { ok: true, profileKey: key };
  }

  /** Forgets the user (their profile was erased): the next login starts a new profile. */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** "u-" and 40 random hex digits: unguessable, and a valid visitor cookie value. */
function newProfileKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return `u-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
