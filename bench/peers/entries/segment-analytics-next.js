import { AnalyticsBrowser } from "@segment/analytics-next";
const analytics = AnalyticsBrowser.load({ writeKey: "key" });
analytics.track("add_to_cart", { item_id: "sn-1" });
