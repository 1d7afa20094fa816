/** Applies migrations/ to the test D1 database (idempotent: applied ones are skipped). */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

const bindings = env as unknown as { AUDIENCE: D1Database; TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] };
await applyD1Migrations(bindings.AUDIENCE, bindings.TEST_MIGRATIONS);
