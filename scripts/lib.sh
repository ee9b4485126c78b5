# scripts/lib.sh: settings shared by the scripts (sourced, not run).
# One stack = one var directory + one port set. SHOP_STACK=run (make run, default)
# or SHOP_STACK=test (make test) keeps the two apart so tests never touch a running shop.
top=${top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SHOP_CACHE=${SHOP_CACHE:-$top/.cache}
SHOP_STACK=${SHOP_STACK:-run}
SHOP_VAR=${SHOP_VAR:-$top/var/$SHOP_STACK}

case "$SHOP_STACK" in
  run)  port_base=0 ;;
  test) port_base=${SHOP_PORT_BASE:-20000} ;;
  *)    echo "SHOP_STACK must be run or test" >&2; exit 2 ;;
esac
# the highest port of a stack is FerretDB's debug port, 28517 + base (scripts/stack):
# it must stay a TCP port
if ! [[ "$port_base" =~ ^[0-9]+$ ]] || [ "$port_base" -gt $((65535 - 28517)) ]; then
  echo "SHOP_PORT_BASE must be a number from 0 to $((65535 - 28517)), so that the highest" \
       "port of the stack (FerretDB's debug port, 28517 + SHOP_PORT_BASE) stays below 65536;" \
       "it is '$port_base'" >&2
  exit 2
fi
: "${SHOP_PG_PORT:=$((5440 + port_base))}"
: "${SHOP_KAFKA_PORT:=$((9092 + port_base))}"
: "${SHOP_KAFKA_CONTROLLER_PORT:=$((9093 + port_base))}"
: "${SHOP_MONGO_PORT:=$((27017 + port_base))}"
: "${SHOP_SMTP_PORT:=$((1025 + port_base))}"
: "${SHOP_MAILPIT_PORT:=$((8025 + port_base))}"
: "${SHOP_STRIPE_PORT:=$((12111 + port_base))}"
: "${SHOP_STRIPE_HTTPS_PORT:=$((12112 + port_base))}"
: "${SHOP_CLOUDINARY_PORT:=$((12300 + port_base))}"    # t/upload/cloudinary.t plays Cloudinary here
: "${SHOP_STRIPE_PAID_PORT:=$((12301 + port_base))}"   # t/payment/return_page.t: a stripe-mock whose sessions are paid
: "${SHOP_SMTP_AUTH_PORT:=$((12310 + port_base))}"     # t/email/smtp_auth.t: a mailpit with TLS and a login
: "${SHOP_MAILPIT_AUTH_PORT:=$((12311 + port_base))}"  # ... and its API
# the gateway and the two sites (conf/sites.conf): 8080, 3002 and 3003 for make run
: "${SHOP_GATEWAY_PORT:=$((8080 + port_base))}"
: "${SHOP_STORE_PORT:=$((3002 + port_base))}"
: "${SHOP_ADMIN_PORT:=$((3003 + port_base))}"
# the four services of the shop's httpd (conf/shop.conf): 8000-8003 for make run
: "${SHOP_PRODUCT_PORT:=$((8000 + port_base))}"
: "${SHOP_ORDER_PORT:=$((8001 + port_base))}"
: "${SHOP_PAYMENT_PORT:=$((8002 + port_base))}"
: "${SHOP_AUTH_PORT:=$((8003 + port_base))}"
# the brokers the shop's httpd is given (scripts/cluster lists its three)
: "${SHOP_KAFKA_BROKERS:=127.0.0.1:$SHOP_KAFKA_PORT}"
# the shop's httpd (conf/httpd.conf): its dir $SHOP_VAR/NAME and logs log/NAME-*.log
# (scripts/cluster runs httpd1 and httpd2)
: "${SHOP_HTTPD_NAME:=httpd}"
SHOP_DB=${SHOP_DB:-shop}
SHOP_DB_USER=${SHOP_DB_USER:-shop}
export SHOP_CACHE SHOP_STACK SHOP_VAR SHOP_PG_PORT SHOP_KAFKA_PORT SHOP_KAFKA_CONTROLLER_PORT \
       SHOP_MONGO_PORT SHOP_SMTP_PORT SHOP_MAILPIT_PORT SHOP_STRIPE_PORT SHOP_STRIPE_HTTPS_PORT \
       SHOP_CLOUDINARY_PORT SHOP_STRIPE_PAID_PORT SHOP_SMTP_AUTH_PORT SHOP_MAILPIT_AUTH_PORT \
       SHOP_GATEWAY_PORT SHOP_STORE_PORT SHOP_ADMIN_PORT SHOP_DB SHOP_DB_USER \
       SHOP_KAFKA_BROKERS SHOP_HTTPD_NAME

SHOP_TOPICS="user-events product-events payment-events order-events${SHOP_EXTRA_TOPICS:+ $SHOP_EXTRA_TOPICS}"

# Kafka's own Java classes, from the Maven jars that scripts/deps fetched
KAFKA_LIB=$SHOP_CACHE/kafka-4.1.1/lib
kafka_java() { java -Dlog4j2.configurationFile="$top/scripts/kafka/log4j2.properties" -cp "$KAFKA_LIB/*" "$@"; }
# short-lived command-line tools start faster with C1 only and a small heap
kafka_tool() { kafka_java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "$@"; }

say() { printf '%s\n' "[$(basename "$0")] $*" >&2; }
die() { say "error: $*"; exit 1; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { say "$what not ready after ${limit}s"; return 1; }
    sleep 0.2
  done
}

# pid_alive FILE: the process in FILE runs (zombies count as dead)
pid_alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] || return 1
  local stat
  stat=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
  [[ "$stat" != Z* ]]
}

# webhook_secret FILE: prints the Stripe webhook signing secret kept in FILE, made on first use
# (the local shop's endpoint secret, as Stripe would give one: whsec_ and random text)
webhook_secret() {
  if [ ! -s "$1" ]; then
    mkdir -p "$(dirname "$1")"
    (umask 077 && printf 'whsec_%s\n' "$(openssl rand -hex 24)" >"$1")
  fi
  cat "$1"
}

# ensure_key FILE: an EC P-256 private key (the token signing key) at FILE
ensure_key() {
  [ -f "$1" ] && return 0
  mkdir -p "$(dirname "$1")"
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
  say "created signing key $1"
}

# traversable DIR: httpd's unprivileged children must reach DIR (the modules,
# the sites' htdocs, t/): every directory above it gets o+x
traversable() {
  local d=$1
  while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
}
