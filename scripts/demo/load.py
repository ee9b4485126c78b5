#!/usr/bin/env python3
"""scripts/demo/load.py: loads a catalog file into the shop through its REST API.

    load.py CATALOG.json IMAGE_DIR IMAGE_URL

Environment: SHOP_PRODUCT_URL, SHOP_AUTH_URL, SHOP_ADMIN_EMAIL, SHOP_ADMIN_PASSWORD_FILE
(scripts/demo-catalog sets them). Creates the categories (matched by slug) and the
products (matched by name) that the shop does not have yet, as the admin, with
POST /categories and POST /products, so every product gets its product.created event.
Nothing is updated or deleted: a second run creates nothing and does not even sign in.
Each product's picture in color C is IMAGE_URL + images.product_image(product, C), a
file that must exist in IMAGE_DIR (images.py draws them). Prints one summary line.
"""
import json
import os
import sys

sys.dont_write_bytecode = True          # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from images import product_image                                    # noqa: E402
from shop_api import ApiError, ShopApi                              # noqa: E402

# what mod_shop_product/product_fields.c accepts
SIZES = {"xs", "s", "m", "l", "xl", "xxl"} | {str(n) for n in range(34, 49)}
COLORS = {"blue", "green", "red", "yellow", "purple", "orange", "pink", "brown", "gray",
          "black", "white"}


def check(product, slugs, image_dir):
    """Why the catalog file's product would be refused, or None."""
    name = product.get("name", "?")
    for field, limit in (("name", 200), ("shortDescription", 60), ("description", 10000)):
        value = product.get(field)
        if not isinstance(value, str) or not 0 < len(value) <= limit:
            return "%s: %s must be 1 to %d characters" % (name, field, limit)
    price = product.get("price")
    if not isinstance(price, (int, float)) or price <= 0 or abs(price * 100 - round(price * 100)) > 1e-6:
        return "%s: price must be above 0 with at most two decimals" % name
    if product.get("categorySlug") not in slugs:
        return "%s: unknown categorySlug %r" % (name, product.get("categorySlug"))
    for field, allowed in (("sizes", SIZES), ("colors", COLORS)):
        values = product.get(field)
        if not values or not set(values) <= allowed or len(set(values)) != len(values):
            return "%s: %s must be distinct values from %s" % (name, field, ",".join(sorted(allowed)))
    for color in product["colors"]:
        if not os.path.isfile(os.path.join(image_dir, product_image(product, color))):
            return "%s: no image %s in %s" % (name, product_image(product, color), image_dir)
    return None


def body(product, image_url):
    return {
        "name": product["name"],
        "shortDescription": product["shortDescription"],
        "description": product["description"],
        "price": product["price"],
        "categorySlug": product["categorySlug"],
        "sizes": product["sizes"],
        "colors": product["colors"],
        "images": {c: image_url + product_image(product, c) for c in product["colors"]},
    }


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    catalog_path, image_dir, image_url = argv
    with open(catalog_path, encoding="utf-8") as f:
        catalog = json.load(f)
    api = ShopApi(os.environ.get("SHOP_PRODUCT_URL", "http://127.0.0.1:8000"),
                  os.environ.get("SHOP_AUTH_URL", "http://127.0.0.1:8003"),
                  os.environ.get("SHOP_ADMIN_EMAIL", "admin@shop.local"),
                  os.environ.get("SHOP_ADMIN_PASSWORD_FILE", "admin-password"))

    slugs = {c["slug"] for c in catalog["categories"]}
    names = [p["name"] for p in catalog["products"]]
    if len(set(names)) != len(names):
        raise SystemExit("%s: product names must be unique (they identify the products)"
                         % catalog_path)
    problems = [w for w in (check(p, slugs, image_dir) for p in catalog["products"]) if w]
    if problems:
        raise SystemExit("%s:\n  %s" % (catalog_path, "\n  ".join(problems)))

    try:
        have = {c["slug"] for c in api.categories()}
        for c in catalog["categories"]:
            if c["slug"] not in have:
                api.create_category(c["name"], c["slug"])
        have = {p["name"] for p in api.products()}
        new_products = 0
        for p in catalog["products"]:
            if p["name"] not in have:
                api.create_product(body(p, image_url))
                new_products += 1
    except ApiError as e:
        raise SystemExit("load.py: %s" % e)
    print("demo catalog: %d categories, %d products (%d new)"
          % (len(catalog["categories"]), len(catalog["products"]), new_products))


if __name__ == "__main__":
    main(sys.argv[1:])
