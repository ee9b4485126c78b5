# mod_shop: build, install, run and test.
#   make            build every module (apxs, warnings are errors)
#   make run        install what is missing, build, start the local shop, print URLs
#   make stop       stop everything `make run` started
#   make test       install what is missing, build, run the unit and Apache::Test suites
#   make test-abuse     build, run the abuse suite: t/abuse (forged tokens, webhooks,
#                   IDOR, CSRF and CORS, brute force, hostile requests and uploads)
#                   against the test stack, sqlmap, and make fuzz
#   make test-cluster   build, start scripts/cluster (two httpds, three Kafka nodes), run
#                   t/cluster, stop it
#   make test-failures  build, start scripts/cluster, inject each fault under load (t/failures),
#                   print the table: fault, accepted, effects, duplicated, lost, recovery
#   make bench      build, start a shop of its own, run every benchmark, print one table
#   make test-sqlmap    build, start a shop of its own, run sqlmap against every query
#                   parameter and id (scripts/abuse/sqlmap; SQLMAP_FULL=1: the full run)
#   make install    copy the modules to where Debian's apache2 loads modules
#   make sites      copy the sites' JavaScript libraries (htdocs/package-lock.json) into place
#   make test SANITIZE=1   the same suite with the modules built with ASan and UBSan
#   make fuzz       build the libFuzzer targets (t/fuzz), replay their corpora and
#                   regression inputs, fuzz each for FUZZ_SECONDS (60); make test
#                   runs the CI-sized part (fuzz-ci: 10 s a target)

APXS    ?= apxs
CC      ?= cc
MODULES  = kafka auth product order payment email
WARN     = -Wall -Wextra -Werror -Wno-unused-parameter
PKGS     = libcjson rdkafka libpq libmongoc-1.0 cjose libcurl libargon2 openssl
DEPS_OK  = .cache/.deps-ok

# Compiler and linker flags come from apxs and pkg-config, which `make deps`
# installs: they are computed by a rule after deps (build/flags/*), never while
# make parses this file. scripts/check-parse keeps it that way.
FLAGS        = build/flags
SANITIZE    ?= 0
SAN_FLAGS_1  = -fsanitize=address -fsanitize=undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
CFLAGS_SH    = $$(cat $(FLAGS)/cflags)
INCLUDES_SH  = $$(cat $(FLAGS)/includes)
APXS_SH      = $$(cat $(FLAGS)/includes $(FLAGS)/apxs)
LIBS_SH      = $$(cat $(FLAGS)/libs)
UNIT_LIBS_SH = $$(cat $(FLAGS)/unit-libs)
APR_LIBS_SH  = $$(cat $(FLAGS)/apr-libs)

COMMON_SRC  := $(wildcard common/*.c)
COMMON_OBJ  := $(COMMON_SRC:common/%.c=build/common/%.o)
COMMON_LIB   = build/libshop_common.a
MODULE_SO   := $(MODULES:%=build/mod_shop_%.so)

.PHONY: all deps build sites install run stop test test-abuse test-cluster test-failures test-sqlmap bench unit fuzz fuzz-ci clean FORCE
UNIT_SRC    := $(wildcard t/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:t/unit/%.c=build/unit/%)
TEST_MODULES = build/test/mod_shop_publish_test.so build/test/mod_shop_consumer_test.so \
               build/test/mod_shop_mongo_test.so \
               build/test/mod_shop_refund_test.so $(SAN_TEST_$(SANITIZE))
# under SANITIZE=1, scripts/sanitized-httpd also preloads this (UBSan's report path)
SAN_TEST_1   = build/test/sanitizer-log.so
all: build sites
build: $(MODULE_SO)

deps: $(DEPS_OK)
$(DEPS_OK): scripts/deps scripts/kafka/pom.xml.in
	bash scripts/deps
	@mkdir -p $(dir $@) && touch $@

# SANITIZE is remembered in build/flags/sanitize: changing it rebuilds everything
$(FLAGS)/sanitize: FORCE
	@mkdir -p $(dir $@)
	@echo "$(SANITIZE)" | cmp -s - $@ || echo "$(SANITIZE)" >$@

$(FLAGS)/cflags: $(DEPS_OK) Makefile $(FLAGS)/sanitize
	@echo "$$($(APXS) -q CFLAGS) $$($(APXS) -q EXTRA_CPPFLAGS) $(SAN_FLAGS_$(SANITIZE))" >$@.new
	@echo "-Iinclude -Icommon -I$$($(APXS) -q INCLUDEDIR)" \
	    "$$(pkg-config --cflags apr-1 apr-util-1 $(PKGS))" >$(FLAGS)/includes
	@echo "$(SAN_FLAGS_$(SANITIZE):%=-Wc,%)" >$(FLAGS)/apxs
	@echo "$$(pkg-config --libs $(PKGS)) -lm" >$(FLAGS)/libs
	@pkg-config --libs apr-1 apr-util-1 cmocka >$(FLAGS)/unit-libs
	@pkg-config --libs apr-1 apr-util-1 >$(FLAGS)/apr-libs
	@mv $@.new $@

build/common/%.o: common/%.c common/*.h include/mod_shop.h $(FLAGS)/cflags
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(CFLAGS_SH) $(WARN) -fPIC $(INCLUDES_SH) -c -o $@ $<

$(COMMON_LIB): $(COMMON_OBJ)
	@rm -f $@ && ar rcs $@ $^

# apxs compiles each module's sources beside them and links the .so with the common library
.SECONDEXPANSION:
build/mod_shop_%.so: $$(wildcard mod_shop_$$*/*.c mod_shop_$$*/*.h) $(COMMON_LIB) include/mod_shop.h
	@echo "  APXS  $@"
	@$(APXS) -c $(WARN:%=-Wc,%) $(APXS_SH) -o mod_shop_$*/mod_shop_$*.la \
	    $(filter %.c,$^) $(COMMON_LIB) $(LIBS_SH) >$@.log 2>&1 || { cat $@.log; exit 1; }
	@cp mod_shop_$*/.libs/mod_shop_$*.so $@.new && mv -f $@.new $@

# test-only modules (t/modules), built like the others but never installed
build/test/%.so: t/modules/%.c $(COMMON_LIB) include/mod_shop.h
	@mkdir -p $(dir $@)
	@echo "  APXS  $@"
	@$(APXS) -c $(WARN:%=-Wc,%) $(APXS_SH) -o t/modules/$*.la $< $(COMMON_LIB) $(LIBS_SH) \
	    >$@.log 2>&1 || { cat $@.log; exit 1; }
	@cp t/modules/.libs/$*.so $@.new && mv -f $@.new $@

build/test/sanitizer-log.so: scripts/sanitizer-log.c
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	@$(CC) $(WARN) -fPIC -shared -o $@ $< -ldl

# a unit test may also need a module's httpd-free file
UNIT_SOURCES_test_product_fields = mod_shop_product/product_fields.c
UNIT_SOURCES_test_payment_signature = mod_shop_payment/payment_signature.c
UNIT_SOURCES_test_email_message = mod_shop_email/email_message.c
build/unit/%: t/unit/%.c $$(UNIT_SOURCES_%) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	@$(CC) $(CFLAGS_SH) $(WARN) $(INCLUDES_SH) -Imod_shop_product -Imod_shop_payment -Imod_shop_email \
	    -o $@ $< $(UNIT_SOURCES_$*) \
	    $(COMMON_LIB) $(LIBS_SH) $(UNIT_LIBS_SH)

# fuzz targets (t/fuzz), built by clang with libFuzzer, ASan and UBSan together
# with the module and common files they fuzz (instrumented the same way)
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS    = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_SRC     := $(filter-out t/fuzz/fuzz.h,$(wildcard t/fuzz/*.c))
FUZZ_BIN     := $(FUZZ_SRC:t/fuzz/%.c=build/fuzz/%)
FUZZ_SOURCES_json_body = common/shop_parse.c
FUZZ_SOURCES_product_fields = mod_shop_product/product_fields.c common/shop_parse.c
FUZZ_SOURCES_stripe_signature = mod_shop_payment/payment_signature.c
FUZZ_SOURCES_token = common/shop_parse.c common/shop_jwt.c
FUZZ_SOURCES_brokers = common/shop_parse.c
FUZZ_SOURCES_query = common/shop_parse.c
FUZZ_SOURCES_jwks = common/shop_parse.c common/shop_jwt.c
build/fuzz/%: t/fuzz/%.c t/fuzz/fuzz.h $$(FUZZ_SOURCES_%) $(FLAGS)/cflags
	@mkdir -p $(dir $@)
	@echo "  FUZZ  $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) $(INCLUDES_SH) -It/fuzz -Imod_shop_product -Imod_shop_payment \
	    -o $@ $< $(FUZZ_SOURCES_$*) $(LIBS_SH) $(APR_LIBS_SH)

fuzz: deps $(FUZZ_BIN)
	bash scripts/fuzz $(FUZZ_SECONDS) $(FUZZ_BIN)

fuzz-ci: deps $(FUZZ_BIN)
	bash scripts/fuzz 10 $(FUZZ_BIN)

# the sites' libraries, from npm with a lockfile, copied into each site's vendor/
# (never committed); the ES modules import "preact" by name, which the pages'
# import maps resolve to vendor/
STORE_VENDOR = htdocs/store/vendor/preact.mjs htdocs/store/vendor/hooks.mjs htdocs/store/vendor/htm.mjs
ADMIN_VENDOR = $(STORE_VENDOR:htdocs/store/%=htdocs/admin/%) htdocs/admin/vendor/chart.umd.min.js
sites: $(STORE_VENDOR) $(ADMIN_VENDOR)
htdocs/node_modules/.package-lock.json: htdocs/package-lock.json
	npm ci --prefix htdocs --no-audit --no-fund --silent
htdocs/%/vendor/preact.mjs: htdocs/node_modules/.package-lock.json
	@install -D -m 644 htdocs/node_modules/preact/dist/preact.mjs $@
htdocs/%/vendor/hooks.mjs: htdocs/node_modules/.package-lock.json
	@install -D -m 644 htdocs/node_modules/preact/hooks/dist/hooks.mjs $@
htdocs/%/vendor/htm.mjs: htdocs/node_modules/.package-lock.json
	@install -D -m 644 htdocs/node_modules/htm/dist/htm.mjs $@
htdocs/admin/vendor/chart.umd.min.js: htdocs/node_modules/.package-lock.json
	@install -D -m 644 htdocs/node_modules/chart.js/dist/chart.umd.min.js $@

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

install: build
	for m in $(MODULES); do $(APXS) -i -n shop_$$m build/mod_shop_$$m.so; done

run: deps build sites
	bash scripts/run

stop:
	bash scripts/run stop

test: deps build sites $(TEST_MODULES) unit fuzz-ci
	bash scripts/check-parse
	python3 scripts/check-logno
	SANITIZE=$(SANITIZE) bash scripts/test
	bash scripts/abuse/sqlmap

test-abuse: deps build sites $(TEST_MODULES) fuzz
	bash scripts/test t/abuse
	bash scripts/abuse/sqlmap

test-cluster: deps build sites
	bash scripts/cluster test

test-failures: deps build sites
	bash scripts/failures

test-sqlmap: deps build sites
	bash scripts/abuse/sqlmap

bench: deps build sites
	bash scripts/bench/all

clean:
	rm -rf build t/logs t/conf/httpd.conf t/conf/apache_test_config.pm
	rm -rf t/modules/.libs t/modules/*.lo t/modules/*.slo t/modules/*.o t/modules/*.la
	for m in $(MODULES); do rm -rf mod_shop_$$m/.libs mod_shop_$$m/*.lo mod_shop_$$m/*.slo \
	    mod_shop_$$m/*.o mod_shop_$$m/*.la; done
