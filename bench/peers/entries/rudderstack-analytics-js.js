import { RudderAnalytics } from "@rudderstack/analytics-js";
const analytics = new RudderAnalytics();
analytics.load("key", "https://rs.example");
analytics.track("add_to_cart", { item_id: "sn-1" });
