import Plausible from "plausible-tracker";
const p = Plausible({ domain: "shop.example" });
p.enableAutoPageviews();
p.trackEvent("add_to_cart", { props: { item_id: "sn-1" } });
