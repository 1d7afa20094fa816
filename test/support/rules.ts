/** Rules used by the worker tests: the demo shop's cases, without holdout so outcomes are certain. */
import type { RulesDocument } from "../../worker/rules/schema";

export const SNEAKER_HTML = '<h2>New sneakers −20%</h2><a href="/c/sneakers">Shop</a>';
export const REMINDER_HTML = "<h2>Your cart is waiting · ตะกร้ายังรออยู่</h2>";
export const EVENING_HTML = "Free shipping until 9 pm tonight";

export const shopRules: RulesDocument = {
  timezone: "Asia/Bangkok",
  segments: {
    "sneaker-fans": { when: { count: { event: "view_item", where: { category: "sneakers" }, within: "7d" }, atLeast: 3 } },
    hesitant: {
      when: {
        all: [
          { count: { event: "add_to_cart", within: "3d" }, atLeast: 1 },
          { count: { event: "purchase", within: "3d" }, atMost: 0 },
          { since: { event: "add_to_cart" }, atLeast: "30m" },
        ],
      },
    },
    evening: { when: { localTime: { from: "17:00", to: "21:00" } } },
  },
  slots: {
    hero: [
      { id: "cart-reminder", show: "hesitant", priority: 20, html: REMINDER_HTML },
      { id: "sneakers-20", show: "sneaker-fans", priority: 10, variants: [{ id: "a", html: SNEAKER_HTML }] },
    ],
    promo: [{ id: "evening-ship", show: "evening", html: EVENING_HTML }],
  },
};
