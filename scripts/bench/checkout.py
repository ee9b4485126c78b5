"""scripts/bench/checkout.py: webhook -> order -> mail latency at fixed rates (run it
through scripts/bench/checkout, which sets the environment).

For each rate R (per second) it creates R x DURATION checkout sessions through the
payment service (test provider; each with its own shipping address, so each mail can be
found), then sends one checkout.session.completed webhook per session, signed as Stripe
signs it, one every 1/R s from a pool of threads (open loop: a slow answer does not slow
the sender). Afterwards it reads each order's createdAt (GET /orders, admin) and each
mail's arrival time (mailpit's API) and prints, per rate: webhooks accepted, orders and
mails found, duplicates, lost, and webhook->order and webhook->mail p50/p99. Each rate
has a customer of its own, whose orders GET /user-orders lists.
A warm-up of 2 s at the first rate comes first, not reported.
Then the rates of BENCH_RAMP, in turn, as long as the previous rate lost nothing: the
highest rate with zero loss is the last clean one. With BENCH_ROWS, the rows of make
bench's table are appended to that file (tab-separated, as scripts/bench/wrk.sh writes).
Clocks: one machine, so the send time and the servers' timestamps are comparable.
"""
import concurrent.futures
import datetime
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "demo"))
from shop_api import ShopApi  # noqa: E402

ENV = os.environ
PAYMENT = ENV["SHOP_PAYMENT_URL"].rstrip("/")
ORDER = ENV["SHOP_ORDER_URL"].rstrip("/")
MAILPIT = ENV["SHOP_MAILPIT_URL"].rstrip("/")
SECRET = ENV["SHOP_WEBHOOK_SECRET"]
RATES = [int(r) for r in ENV.get("BENCH_RATES", "10 50 100").split()]
RAMP = [int(r) for r in ENV.get("BENCH_RAMP", "").split()]
DURATION = int(ENV.get("BENCH_SECONDS", "60"))
SETTLE = int(ENV.get("BENCH_SETTLE", "60"))
RUN = uuid.uuid4().hex[:8]


def post(url, body, headers, timeout=30):
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e).encode()


def get_json(url, token=None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


class Bench:
    def __init__(self):
        self.api = ShopApi(ENV["SHOP_PRODUCT_URL"], ENV["SHOP_AUTH_URL"],
                           ENV["SHOP_ADMIN_EMAIL"], ENV["SHOP_ADMIN_PASSWORD_FILE"])
        self.admin = self.api.token()
        self.customer = None
        self.runs = 0
        self.unreadable = None   # why GET /user-orders last failed, while orders are missing
        product = next(p for p in self.api.products() if p.get("sizes") and p.get("colors"))
        self.amount = int(round(product["price"] * 100))
        self.item = {"id": product["id"], "quantity": 1,
                     "selectedSize": product["sizes"][0], "selectedColor": product["colors"][0]}

    def create_session(self, address):
        body = {"cart": [self.item],
                "shipping": {"name": "Bench Buyer", "email": address, "phone": "5550100",
                             "address": "1 Bench Road", "city": "Loopback"}}
        status, answer = post(PAYMENT + "/sessions/create-checkout-session",
                              json.dumps(body).encode(),
                              {"Content-Type": "application/json",
                               "Authorization": "Bearer " + self.customer})
        if status != 200 and status != 201:
            raise SystemExit("create-checkout-session: %d %s" % (status, answer[:200]))
        return json.loads(answer)["id"]

    def webhook(self, session, amount):
        event = {"id": "evt_bench_%s" % uuid.uuid4().hex, "object": "event",
                 "type": "checkout.session.completed",
                 "data": {"object": {"id": "cs_bench_" + session, "object": "checkout.session",
                                     "amount_total": amount, "currency": "usd",
                                     "payment_status": "paid", "status": "complete",
                                     "payment_intent": "pi_bench_" + session,
                                     "client_reference_id": session,
                                     "metadata": {"session_id": session}}}}
        body = json.dumps(event).encode()
        stamp = str(int(time.time()))
        signature = hmac.new(SECRET.encode(), stamp.encode() + b"." + body,
                             hashlib.sha256).hexdigest()
        return body, "t=%s,v1=%s" % (stamp, signature)

    def sign_up(self, name):
        """A customer of its own per rate: its orders are read with GET /user-orders."""
        body = {"email": name + "@bench.test", "username": name.replace("-", "_"),
                "firstName": "Bench", "lastName": "Buyer", "password": "bench password " + RUN}
        status, answer = post(ENV["SHOP_AUTH_URL"].rstrip("/") + "/auth/sign-up",
                              json.dumps(body).encode(), {"Content-Type": "application/json"})
        if status != 201:
            raise SystemExit("sign-up: %d %s" % (status, answer[:200]))
        self.customer = json.loads(answer)["token"]

    def run_rate(self, rate, seconds=DURATION):
        count = rate * seconds
        self.runs += 1
        name = "bench-%s-%d" % (RUN, self.runs)
        self.sign_up(name)
        addresses = ["%s-%d@bench.test" % (name, i) for i in range(count)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(self.create_session, addresses))
        signed = [self.webhook(s, self.amount) for s in sessions]
        sent, lock = {}, threading.Lock()

        def send(i):
            body, signature = signed[i]
            started = time.time()
            status, _ = post(PAYMENT + "/webhooks/stripe", body,
                             {"Content-Type": "application/json", "Stripe-Signature": signature})
            with lock:
                sent[i] = (started, status)

        start = time.time() + 0.5
        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            for i in range(count):
                delay = start + i / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(send, i)
        accepted = {sessions[i]: t for i, (t, status) in sent.items() if 200 <= status < 300}
        by_address = dict(zip(addresses, sessions))
        orders, mails = self.collect(accepted, by_address)
        return dict(self.report(rate, count, accepted, orders, mails), seconds=seconds,
                    unreadable=self.unreadable if len(orders) < len(accepted) else None)

    def collect(self, accepted, by_address):
        """({session: order createdAt}, {session: [mail times]}) once all arrived or SETTLE s.
        The mails come after their orders: waiting for them first reads the orders once."""
        deadline = time.time() + SETTLE
        mails = self.mails(by_address)
        while len(mails) < len(accepted) and time.time() < deadline:
            time.sleep(1)
            mails = self.mails(by_address)
        self.unreadable = None
        orders = self.orders(accepted)
        while len(orders) < len(accepted) and time.time() < deadline:
            time.sleep(1)
            orders = self.orders(accepted)
        return orders, self.mails(by_address)

    def orders(self, accepted):
        found, offset = {}, 0
        while True:
            try:
                page = get_json("%s/user-orders?limit=100&offset=%d" % (ORDER, offset),
                                self.customer)
            except (urllib.error.URLError, OSError) as e:   # HTTPError included
                self.unreadable = str(e)
                return found
            for order in page:
                if order["checkoutSessionId"] in accepted:
                    found[order["checkoutSessionId"]] = parse_time(order["createdAt"])
            if len(page) < 100 or len(found) >= len(accepted):
                return found
            offset += 100

    # each session's mails by mailpit id: pages are newest first, so a mail arriving
    # while they are read shifts the next page onto one already seen
    def mails(self, by_address):
        found, start = {}, 0
        query = urllib.request.quote("subject:order to:bench-%s" % RUN)
        while True:
            page = get_json("%s/api/v1/search?query=%s&start=%d&limit=500"
                            % (MAILPIT, query, start))
            for message in page.get("messages", []):
                for to in message.get("To") or []:
                    session = by_address.get(to.get("Address", "").lower())
                    if session:
                        found.setdefault(session, {})[message["ID"]] = parse_time(message["Created"])
            start += 500
            if start >= page.get("messages_count", 0):
                return found

    @staticmethod
    def report(rate, count, accepted, orders, mails):
        to_order = [(orders[s] - t) * 1000 for s, t in accepted.items() if s in orders]
        to_mail = [(min(mails[s].values()) - t) * 1000 for s, t in accepted.items() if s in mails]
        duplicates = sum(len(m) - 1 for m in mails.values())
        lost = len(accepted) - min(len(orders), len(mails))
        return {"rate": rate, "sent": count, "accepted": len(accepted), "orders": len(orders),
                "mails": len(mails), "duplicates": duplicates, "lost": lost,
                "order_p50": percentile(to_order, 50), "order_p99": percentile(to_order, 99),
                "mail_p50": percentile(to_mail, 50), "mail_p99": percentile(to_mail, 99)}


def clean(row):
    return row["lost"] == 0 and row["duplicates"] == 0 and row["accepted"] == row["sent"]


def unreadable_note(row):
    return " (orders not all readable: %s)" % row["unreadable"] if row["unreadable"] else ""


def append_rows(rows, highest):
    with open(ENV["BENCH_ROWS"], "a") as out:
        for r in rows:
            out.write("checkout: webhook->mail\t%(rate)d/s for %(seconds)d s\t"
                      "%(accepted)d/%(sent)d accepted, %(orders)d orders, %(mails)d mails, "
                      "%(lost)d lost, %(duplicates)d doubled%(note)s\t%(mail_p50).0f\t%(mail_p99).0f\t"
                      "webhook->order p50 %(order_p50).0f ms, p99 %(order_p99).0f ms\t-\n"
                      % dict(r, note=unreadable_note(r)))
        out.write("checkout: highest rate with zero loss\t%s\t%s\t-\t-\t-\t-\n"
                  % (" ".join(str(r["rate"]) for r in rows) + " /s tried",
                     "%s/s" % highest if highest else "none"))


def main():
    bench = Bench()
    bench.run_rate(RATES[0], seconds=2)   # warm-up: connections, caches, prepared statements
    rows = [bench.run_rate(rate) for rate in RATES]
    for rate in RAMP:
        if not clean(rows[-1]):
            break
        rows.append(bench.run_rate(rate))
    print("| rate/s | webhooks sent | accepted | orders | mails | duplicates | lost "
          "| webhook->order p50 / p99 (ms) | webhook->mail p50 / p99 (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %(rate)d | %(sent)d | %(accepted)d | %(orders)d | %(mails)d | %(duplicates)d "
              "| %(lost)d | %(order_p50).0f / %(order_p99).0f | %(mail_p50).0f / %(mail_p99).0f |"
              % r + unreadable_note(r))
    highest = max([r["rate"] for r in rows if clean(r)], default=None)
    print("highest rate with nothing lost: %s/s" % (highest or "none"))
    if ENV.get("BENCH_ROWS"):
        append_rows(rows, highest)


if __name__ == "__main__":
    main()
