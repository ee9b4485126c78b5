#!/usr/bin/env python3
"""scripts/bench/fill.py: makes the catalog hold at least N products, for the benchmarks.

    fill.py N

If the shop has fewer than N products, creates the missing number as "Bench product NNN"
in the category "bench" (created if needed), through the REST API as the admin, with
payloads the size of the demo catalog's. Idempotent: names already in "bench" are
reused, and nothing is created once N products exist. Prints the product count.
Environment: as scripts/demo/load.py (SHOP_PRODUCT_URL, SHOP_AUTH_URL, SHOP_ADMIN_EMAIL,
SHOP_ADMIN_PASSWORD_FILE).
"""
import os
import sys

sys.dont_write_bytecode = True          # no __pycache__ in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "demo"))
from shop_api import ApiError, ShopApi                              # noqa: E402

COLORS = ["blue", "green", "red", "yellow", "purple", "orange", "pink", "brown", "gray",
          "black", "white"]
SIZES = ["xs", "s", "m", "l", "xl", "xxl"]


def product(n):
    colors = [COLORS[(n + i) % len(COLORS)] for i in range(1 + n % 4)]
    return {
        "name": "Bench product %03d" % n,
        "shortDescription": "Benchmark item %03d, not for sale" % n,
        "description": ("A product created by scripts/bench/catalog so that GET /products?limit=100 "
                        "returns a full page. Its fields have the size of the demo catalog's."),
        "price": round(10 + n * 1.37, 2),
        "categorySlug": "bench",
        "sizes": SIZES[n % 3:n % 3 + 4],
        "colors": colors,
        "images": {c: "/images/products/essential-cotton-crew-tee-%s.png" % c for c in colors},
    }


def main(argv):
    if len(argv) != 1 or not argv[0].isdigit():
        raise SystemExit(__doc__)
    target = int(argv[0])
    api = ShopApi(os.environ.get("SHOP_PRODUCT_URL", "http://127.0.0.1:8000"),
                  os.environ.get("SHOP_AUTH_URL", "http://127.0.0.1:8003"),
                  os.environ.get("SHOP_ADMIN_EMAIL", "admin@shop.local"),
                  os.environ.get("SHOP_ADMIN_PASSWORD_FILE", "admin-password"))
    try:
        total = len(api.products())
        if total < target:
            if "bench" not in {c["slug"] for c in api.categories()}:
                api.create_category("Bench", "bench")
            have = {p["name"] for p in api.products(category="bench")}
            n = 0
            while total < target:
                n += 1
                if product(n)["name"] not in have:
                    api.create_product(product(n))
                    total += 1
    except ApiError as e:
        raise SystemExit("fill.py: %s" % e)
    print(total)


if __name__ == "__main__":
    main(sys.argv[1:])
