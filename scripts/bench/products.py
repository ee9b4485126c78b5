#!/usr/bin/env python3
"""scripts/bench/products.py: COPY rows of generated products, for scripts/bench/fill.

    products.py CATALOG.json FIRST COUNT IMAGE_URL

Writes COUNT rows, numbered FIRST, FIRST+1..., in PostgreSQL's COPY text format, for
    copy product (name, short_description, description, price_minor, sizes, colors,
                  images, category_slug, created_at) from stdin
Each row is a variation of one of CATALOG's products: its category, sizes and a subset of
its colors (so its pictures, IMAGE_URL + images.product_image(), are the demo's files),
a name "<Style> <demo name> by <Maker>" and a description with words of vocabularies
drawn log-uniformly (the first words of a list are common: "Classic" starts ~1 name in 5).
The maker is one of 1,728 made-up three-syllable names ("Zerilu"), each in ~60 names
per 100,000: searches for a common and for a rare word are both meaningful.
created_at spreads over the past year and the price around the demo's, so every sort
and category of GET /products has a realistic order. Row n is the same on every run
(but for its created_at, relative to now).
"""
import datetime
import json
import math
import os
import random
import sys

sys.dont_write_bytecode = True          # no __pycache__ in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "demo"))
from images import product_image                                    # noqa: E402

NOW = datetime.datetime.now(datetime.timezone.utc)

STYLES = ("classic essential everyday vintage modern urban outdoor premium relaxed slim "
          "heritage lightweight organic recycled technical seasonal limited signature "
          "weekend coastal alpine nordic summit harbor canyon meadow prairie glacier "
          "tundra savanna lagoon fjord bayou mesa steppe delta atoll").split()
SYLLABLES = "ka ri mo ze lu na to vi sa de po xu".split()
WORDS = ("soft durable breathable warm light sturdy washable comfortable practical cozy "
         "water-repellent windproof stretchy quick-drying brushed ribbed quilted padded "
         "lined reinforced tapered cropped oversized boxy tailored garment-dyed stonewashed "
         "pigment-dyed herringbone corduroy twill canvas fleece merino linen hemp ripstop "
         "seersucker chambray jacquard boucle melange houndstooth gingham madras tweed "
         "loden mohair alpaca cashmere vicuna guanaco qiviut sashiko boro kasuri shibori "
         "ikat bandhani kalamkari ajrakh").split()


def word(rng, vocabulary):
    """A word of vocabulary, log-uniformly: rank k with probability ~ 1/k."""
    return vocabulary[int(math.exp(rng.random() * math.log(len(vocabulary) + 1))) - 1]


def row(n, model, image_url):
    rng = random.Random(n)
    colors = rng.sample(model["colors"], rng.randint(1, len(model["colors"])))
    maker = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    name = "%s %s by %s" % (word(rng, STYLES).capitalize(), model["name"], maker)
    words = " ".join(word(rng, WORDS) for _ in range(8))
    description = "%s Also: %s. Item %d." % (model["description"], words, n)
    images = json.dumps({c: image_url + product_image(model, c) for c in colors})
    return "\t".join([
        name, model["shortDescription"], description,
        str(max(1, round(model["price"] * rng.uniform(0.6, 1.6) * 100))),
        "{%s}" % ",".join(model["sizes"]), "{%s}" % ",".join(colors), images,
        model["categorySlug"],
        (NOW - datetime.timedelta(seconds=rng.random() * 365 * 86400)).isoformat()])


def main(argv):
    if len(argv) != 4 or not argv[1].isdigit() or not argv[2].isdigit():
        raise SystemExit(__doc__)
    with open(argv[0], encoding="utf-8") as f:
        models = json.load(f)["products"]
    first, count, image_url = int(argv[1]), int(argv[2]), argv[3]
    out = sys.stdout
    for n in range(first, first + count):
        out.write(row(n, models[n % len(models)], image_url))
        out.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
