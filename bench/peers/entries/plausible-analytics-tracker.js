import { init, track } from "@plausible-analytics/tracker";
init({ domain: "shop.example" });
track("add_to_cart", { props: { item_id: "sn-1" } });
