/** Preview says what each trigger would do for a visitor, when, and why; validation describes triggers in words. */
import { describe, expect, it } from "vitest";
import { call } from "../support/worker";

const draft = {
  timezone: "Asia/Bangkok",
  segments: {},
  slots: {},
  destinations: { line: { type: "line", token: "LINE_CHANNEL_TOKEN", to: "trait.line_user_id" } },
  triggers: [
    { id: "welcome-day-1", on: { event: "sign_up" }, after: "24h", unless: { count: { event: "purchase", within: "24h" }, atLeast: 1 }, quietHours: { from: "21:00", to: "09:00" }, to: "line", message: { text: "สวัสดี" } },
    { id: "thanks", on: { event: "purchase" }, after: "5m", to: "line", message: { text: "ขอบคุณ" } },
  ],
};
const admin = (path: string, body: unknown) =>
  call(new Request(`https://shop.test/rujai/admin${path}`, { method: "POST", body: JSON.stringify(body), headers: { authorization: "Bearer test-admin-token" } }));

describe("trigger preview", () => {
  it("welcome-day-1 would fire at 09:00 the next day: signed up at 03:30, + 24h, moved out of quiet hours", async () => {
    const res = await admin("/preview", { rules: draft, at: "2026-12-01T06:30:00+07:00", profile: { events: [{ type: "sign_up", ago: "3h" }] } });
    const body = (await res.json()) as { triggers: Array<{ trigger: string; outcome: string; at: string | null; reasons: string[]; summary: string }> };
    expect(body.triggers[0]).toMatchObject({ trigger: "welcome-day-1", outcome: "would fire", at: "2026-12-02 09:00 (Asia/Bangkok)" });
    expect(body.triggers[0]!.reasons).toEqual(['started by "sign_up" at 2026-12-01 03:30 (Asia/Bangkok) + 24h', "moved out of quiet hours 21:00–09:00"]);
    expect(body.triggers[1]).toMatchObject({ trigger: "thanks", outcome: "not started" });
  });
  it("is skipped when its unless condition holds", async () => {
    const res = await admin("/preview", { rules: draft, at: "2026-12-02T10:00:00+07:00", profile: { events: [{ type: "sign_up", ago: "30h" }, { type: "purchase", ago: "2h" }] } });
    const body = (await res.json()) as { triggers: Array<{ outcome: string; reasons: string[] }> };
    expect(body.triggers[0]).toMatchObject({ outcome: "skipped" });
    expect(body.triggers[0]!.reasons.at(-1)).toBe("its unless condition holds");
    expect(body.triggers[1]).toMatchObject({ outcome: "would have fired" });
  });
  it("validation describes each trigger in words", async () => {
    const res = await admin("/rules/validate", draft);
    const body = (await res.json()) as { triggers: Array<{ id: string; summary: string }> };
    expect(body.triggers[0]!.summary).toBe(
      'When a visitor does "sign_up", after 24h, unless they purchased at least 1 times in the last 24 hours, not between 21:00 and 09:00 (deferred): send to "line".',
    );
  });
});
