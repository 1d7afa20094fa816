/** POST /rujai/e: bad input gets a clear 4xx; valid events in a mixed batch are kept. */
import { describe, expect, it } from "vitest";
import { event, newVisitor, postBatch, sendEvents, setCookies } from "../support/worker";

const json = async (res: Response) => ({ status: res.status, body: await res.json() });

describe("POST /rujai/e", () => {
  it("refuses a body that is not JSON", async () => {
    expect(await json(await postBatch("page_view please", newVisitor()))).toEqual({
      status: 400,
      body: { error: "body is not valid JSON", path: "$" },
    });
  });
  it("names the wrong field of a badly shaped batch", async () => {
    expect(await json(await postBatch(JSON.stringify({ sentAt: "now", events: [] })))).toMatchObject({ status: 400, body: { path: "$.sentAt" } });
    expect(await json(await postBatch(JSON.stringify([1, 2])))).toMatchObject({ status: 400, body: { path: "$" } });
    expect(await json(await postBatch(JSON.stringify({ sentAt: 1, events: "many" })))).toMatchObject({ status: 400, body: { path: "$.events" } });
  });
  it("refuses 51 events", async () => {
    const events = Array.from({ length: 51 }, () => event("page_view"));
    expect(await json(await sendEvents(newVisitor(), events))).toEqual({
      status: 400,
      body: { error: "at most 50 events per batch (got 51)", path: "$.events" },
    });
  });
  it("refuses a 65 KiB batch and a 1 MB string with 413", async () => {
    const big = await sendEvents(newVisitor(), [event("page_view", { title: "x".repeat(65 * 1024) })]);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/at most 65536 are accepted/);
    const huge = await sendEvents(newVisitor(), [event("page_view", { title: "ก".repeat(1024 * 1024) })]);
    expect(huge.status).toBe(413);
  });
  it("refuses a batch whose every event is in the future, saying why", async () => {
    const e = event("page_view", undefined, Date.now() + 10 * 60_000);
    expect(await json(await sendEvents(newVisitor(), [e]))).toEqual({
      status: 400,
      body: { error: "no event in the batch was valid", kept: 0, duplicates: 0, rejected: [{ index: 0, id: e.id, reason: "ts is more than 5 minutes in the future" }] },
    });
  });
  it("keeps the valid events of a mixed batch and says which were rejected", async () => {
    const good = event("view_item", { item_id: "sn-runner", category: "sneakers" });
    const tooLong = event("search", { search_term: "s".repeat(300) });
    const res = await sendEvents(newVisitor(), [good, tooLong, { id: "x", type: "page_view", ts: Date.now() }]);
    expect(await json(res)).toEqual({
      status: 200,
      body: {
        kept: 1,
        duplicates: 0,
        rejected: [
          { index: 1, id: tooLong.id, reason: "props.search_term is longer than 256 characters" },
          { index: 2, id: "x", reason: "id must be 8–64 characters of [A-Za-z0-9_-] (a uuid)" },
        ],
      },
    });
  });
  it("sets the visitor cookie on the first batch", async () => {
    const res = await sendEvents(undefined, [event("page_view")]);
    const [visitor, snapshot] = setCookies(res);
    // The id and its MAC: an edited id is a new visitor.
    expect(visitor).toMatch(/^rujai_id=[0-9a-f-]{36}\.[\w-]{22}; Path=\/; Max-Age=34560000; HttpOnly; Secure; SameSite=Lax$/);
    expect(snapshot).toMatch(/^rujai_seg=[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/);
  });
});
