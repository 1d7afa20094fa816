// Demo shop behaviour: a localStorage cart, search results, checkout and the "my data" page.
// Tracking goes through the rujai stub, so it works before /rujai.js has loaded.
(function () {
  var CART = "shop-cart";
  var cart = JSON.parse(localStorage.getItem(CART) || "[]");
  var $ = function (id) { return document.getElementById(id); };
  var baht = function (n) { return "฿" + n.toLocaleString("en-US"); };
  function save() {
    localStorage.setItem(CART, JSON.stringify(cart));
    $("cart-count").textContent = cart.reduce(function (n, i) { return n + i.quantity; }, 0);
  }
  save();

  document.querySelectorAll("button.add").forEach(function (button) {
    button.addEventListener("click", function () {
      var item = JSON.parse(button.dataset.item);
      var line = cart.find(function (i) { return i.item_id === item.item_id; });
      if (line) line.quantity++; else cart.push(Object.assign({ quantity: 1 }, item));
      save();
      rujai("track", "add_to_cart", Object.assign({ quantity: 1 }, item));
      button.textContent = "✓ เพิ่มแล้ว · Added";
    });
  });

  if ($("cart-items")) {
    var total = cart.reduce(function (s, i) { return s + i.price * i.quantity; }, 0);
    $("cart-items").innerHTML = cart.length
      ? cart.map(function (i) { return "<div class=\"line\"><span>" + i.item_name + " × " + i.quantity + "</span><b>" + baht(i.price * i.quantity) + "</b></div>"; }).join("")
      : "<p>ตะกร้าว่าง · Your cart is empty</p>";
    $("cart-total").textContent = baht(total);
    $("checkout").disabled = !cart.length;
    $("checkout").addEventListener("click", function () {
      rujai("track", "begin_checkout", { value: total, currency: "THB" });
      rujai("track", "purchase", {
        transaction_id: "T" + Date.now(), value: total, currency: "THB",
        items: cart.map(function (i) { return { item_id: i.item_id, category: i.category, price: i.price, quantity: i.quantity }; }),
      });
      cart = [];
      save();
      rujai("flush");
      setTimeout(function () { location.href = "/thanks"; }, 300);
    });
  }

  if ($("results")) {
    var term = (new URLSearchParams(location.search).get("q") || "").toLowerCase();
    var catalog = JSON.parse($("catalog").textContent);
    $("term").textContent = term ? "“" + term + "”" : "";
    var hits = catalog.filter(function (p) { return (p.th + " " + p.en + " " + p.category).toLowerCase().indexOf(term) >= 0; });
    $("results").innerHTML = hits.length ? hits.map(function (p) { return p.card; }).join("") : "<p>ไม่พบสินค้า · Nothing found</p>";
  }

  if ($("me")) {
    fetch("/rujai/me").then(function (r) { return r.json(); }).then(function (data) {
      $("me").textContent = JSON.stringify(data, null, 2);
    });
    $("erase").addEventListener("click", function () {
      fetch("/rujai/me", { method: "DELETE" }).then(function () { $("me").textContent = "ลบแล้ว · Erased"; });
    });
  }
})();
