"""scripts/demo/shop_api.py: a small client of the shop's REST API (standard library only),
shared by scripts/demo/load.py and scripts/bench/catalog.

    api = ShopApi("http://127.0.0.1:8000", "http://127.0.0.1:8003", email, password_file)
    api.categories(); api.products(); api.create_category(name, slug); api.create_product(body)

Writes sign in as the admin on first use (POST /auth/sign-in, then Authorization: Bearer),
so a run that only reads never signs in.
"""
import json
import urllib.error
import urllib.request

PAGE = 100                      # the largest limit GET /products accepts


class ApiError(Exception):
    def __init__(self, method, url, status, answer):
        self.status, self.answer = status, answer
        message = answer.get("message", "") if isinstance(answer, dict) else str(answer)
        fields = answer.get("fields") if isinstance(answer, dict) else None
        super().__init__("%s %s: %s %s%s" % (method, url, status, message,
                                               (" " + json.dumps(fields)) if fields else ""))


class ShopApi:
    def __init__(self, product_url, auth_url, email, password_file, timeout=10):
        self.product_url = product_url.rstrip("/")
        self.auth_url = auth_url.rstrip("/")
        self.email, self.password_file, self.timeout = email, password_file, timeout
        self._token = None

    def call(self, method, url, body=None, token=None):
        """(status, decoded JSON answer or None); raises ApiError for 4xx/5xx."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                text = answer.read()
                return answer.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                decoded = json.loads(text) if text else {}
            except ValueError:
                decoded = {"message": text[:200].decode("utf-8", "replace")}
            raise ApiError(method, url, e.code, decoded) from None
        except urllib.error.URLError as e:
            raise SystemExit("cannot reach %s: %s (is the shop running? make run)"
                             % (url, e.reason)) from None

    def token(self):
        if self._token is None:
            try:
                with open(self.password_file, encoding="utf-8") as f:
                    password = f.read().strip()
            except OSError as e:
                raise SystemExit("cannot read the admin password: %s (make run creates it)" % e)
            _, answer = self.call("POST", self.auth_url + "/auth/sign-in",
                                  {"email": self.email, "password": password})
            self._token = answer["token"]
        return self._token

    # ---- reads ------------------------------------------------------------------------

    def categories(self):
        return self.call("GET", self.product_url + "/categories")[1]

    def products(self, category=None):
        """Every product (newest first), page by page."""
        out, offset = [], 0
        while True:
            url = "%s/products?limit=%d&offset=%d" % (self.product_url, PAGE, offset)
            if category:
                url += "&category=" + urllib.request.quote(category)
            page = self.call("GET", url)[1]
            out.extend(page)
            if len(page) < PAGE:
                return out
            offset += PAGE

    # ---- writes (admin) ---------------------------------------------------------------

    def create_category(self, name, slug):
        """The new category, or None when the slug exists already (409)."""
        try:
            return self.call("POST", self.product_url + "/categories",
                             {"name": name, "slug": slug}, self.token())[1]
        except ApiError as e:
            if e.status == 409:
                return None
            raise

    def create_product(self, body):
        return self.call("POST", self.product_url + "/products", body, self.token())[1]
