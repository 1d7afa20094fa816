/** The visit context: the edge's facts when they are real, DEFAULT_TIMEZONE when wrangler dev hands a stand-in. */
import { describe, expect, it } from "vitest";
import { visitContext } from "../../worker/http/context";
import { compileRules } from "../../worker/core/segments";

// What wrangler dev (Miniflare) gives every request when it cannot fetch the real cf object.
const STAND_IN = { asOrganization: "", asn: 395747, colo: "DFW", city: "Austin", postalCode: "78701", country: "US", timezone: "America/Chicago" };
const noTimezoneRules = compileRules({ segments: {}, slots: {} }, "t");
const request = (cf: object) => new Request("https://shop.test/", { cf } as RequestInit);

describe("visitContext", () => {
  it("treats wrangler dev's stand-in cf as absent: DEFAULT_TIMEZONE, no made-up country", () => {
    const context = visitContext(request(STAND_IN), noTimezoneRules, "Asia/Bangkok");
    expect(context.timezone).toBe("Asia/Bangkok");
    expect(context.country).toBeUndefined();
  });
  it("believes a real edge's timezone and country", () => {
    const context = visitContext(request({ asn: 45758, colo: "BKK", postalCode: "10110", asOrganization: "TRUE INTERNET", country: "TH", timezone: "Asia/Bangkok" }), noTimezoneRules, "UTC");
    expect([context.timezone, context.country]).toEqual(["Asia/Bangkok", "TH"]);
    const tokyo = visitContext(request({ asn: 2516, colo: "NRT", postalCode: "100-0001", asOrganization: "KDDI", country: "JP", timezone: "Asia/Tokyo" }), noTimezoneRules, "Asia/Bangkok");
    expect(tokyo.timezone).toBe("Asia/Tokyo");
  });
});

describe("the edge's facts by address", () => {
  const from = (address: string, cf: object) => new Request("https://shop.test/", { cf, headers: { "cf-connecting-ip": address } } as RequestInit);
  const bangkok = { asn: 45758, colo: "BKK", postalCode: "10110", asOrganization: "TRUE INTERNET", country: "TH", timezone: "Asia/Bangkok" };
  const tokyo = { asn: 2516, colo: "NRT", postalCode: "100-0001", asOrganization: "KDDI", country: "JP", timezone: "Asia/Tokyo" };

  it("a page from an address seen minutes ago gets that address's timezone and country (cf not parsed again)", () => {
    expect(visitContext(from("203.0.113.7", bangkok), noTimezoneRules, "UTC").timezone).toBe("Asia/Bangkok");
    // The edge derives both from the address: the same address gets the same facts. The test
    // hands a different cf only to show the kept ones are used.
    const again = visitContext(from("203.0.113.7", tokyo), noTimezoneRules, "UTC");
    expect([again.timezone, again.country]).toEqual(["Asia/Bangkok", "TH"]);
  });
  it("another address, or none, reads its own request's facts", () => {
    visitContext(from("203.0.113.8", bangkok), noTimezoneRules, "UTC");
    expect(visitContext(from("198.51.100.9", tokyo), noTimezoneRules, "UTC").timezone).toBe("Asia/Tokyo");
    expect(visitContext(request(tokyo), noTimezoneRules, "UTC").country).toBe("JP");
  });
});
