# mod_shop: build, install, run and test.
#   make            build every module (apxs, warnings are errors)
#   make run        install what is missing, build, start the local shop, print URLs
#   make stop       stop everything `make run` started
#   make test       install what is missing, build, run the unit and Apache::Test suites
#   make install    copy the modules to where Debian's apache2 loads modules

APXS    ?= apxs
CC      ?= cc
MODULES  = kafka auth product order payment email
WARN     = -Wall -Wextra -Werror -Wno-unused-parameter
PKGS     = libcjson rdkafka libpq libmongoc-1.0 cjose libcurl libargon2 openssl
DEPS_OK  = .cache/.deps-ok

APXS_CFLAGS := $(shell $(APXS) -q CFLAGS 2>/dev/null) $(shell $(APXS) -q EXTRA_CPPFLAGS 2>/dev/null)
APXS_INC    := -I$(shell $(APXS) -q INCLUDEDIR 2>/dev/null) $(shell pkg-config --cflags apr-1 apr-util-1 2>/dev/null)
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
INCLUDES     = -Iinclude -Icommon $(APXS_INC) $(PKG_CFLAGS)

COMMON_SRC  := $(wildcard common/*.c)
COMMON_OBJ  := $(COMMON_SRC:common/%.c=build/common/%.o)
COMMON_LIB   = build/libshop_common.a
MODULE_SO   := $(MODULES:%=build/mod_shop_%.so)

.PHONY: all deps build install run stop test unit clean
UNIT_SRC    := $(wildcard t/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:t/unit/%.c=build/unit/%)
TEST_MODULES = build/test/mod_shop_publish_test.so build/test/mod_shop_consumer_test.so
UNIT_LIBS   := $(shell pkg-config --libs apr-1 apr-util-1 cmocka 2>/dev/null)
all: build
build: $(MODULE_SO)

deps: $(DEPS_OK)
$(DEPS_OK): scripts/deps scripts/kafka/pom.xml.in
	bash scripts/deps
	@mkdir -p $(dir $@) && touch $@

build/common/%.o: common/%.c common/*.h include/mod_shop.h
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(APXS_CFLAGS) $(WARN) -fPIC $(INCLUDES) -c -o $@ $<

$(COMMON_LIB): $(COMMON_OBJ)
	@rm -f $@ && ar rcs $@ $^

# apxs compiles each module's sources beside them and links the .so with the common library
.SECONDEXPANSION:
build/mod_shop_%.so: $$(wildcard mod_shop_$$*/*.c mod_shop_$$*/*.h) $(COMMON_LIB) include/mod_shop.h
	@echo "  APXS  $@"
	@$(APXS) -c $(WARN:%=-Wc,%) $(INCLUDES) -o mod_shop_$*/mod_shop_$*.la \
	    $(filter %.c,$^) $(COMMON_LIB) $(PKG_LIBS) >$@.log 2>&1 || { cat $@.log; exit 1; }
	@cp mod_shop_$*/.libs/mod_shop_$*.so $@.new && mv -f $@.new $@

# test-only modules (t/modules), built like the others but never installed
build/test/%.so: t/modules/%.c $(COMMON_LIB) include/mod_shop.h
	@mkdir -p $(dir $@)
	@echo "  APXS  $@"
	@$(APXS) -c $(WARN:%=-Wc,%) $(INCLUDES) -o t/modules/$*.la $< $(COMMON_LIB) $(PKG_LIBS) \
	    >$@.log 2>&1 || { cat $@.log; exit 1; }
	@cp t/modules/.libs/$*.so $@.new && mv -f $@.new $@

# a unit test may also need a module's httpd-free file
UNIT_SOURCES_test_product_fields = mod_shop_product/product_fields.c
build/unit/%: t/unit/%.c $$(UNIT_SOURCES_%) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	@$(CC) $(APXS_CFLAGS) $(WARN) $(INCLUDES) -Imod_shop_product -o $@ $< $(UNIT_SOURCES_$*) \
	    $(COMMON_LIB) $(PKG_LIBS) $(UNIT_LIBS) -lm

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

install: build
	for m in $(MODULES); do $(APXS) -i -n shop_$$m build/mod_shop_$$m.so; done

run: deps build
	bash scripts/run

stop:
	bash scripts/run stop

test: deps build $(TEST_MODULES) unit
	bash scripts/test

clean:
	rm -rf build t/logs t/conf/httpd.conf t/conf/apache_test_config.pm
	rm -rf t/modules/.libs t/modules/*.lo t/modules/*.slo t/modules/*.o t/modules/*.la
	for m in $(MODULES); do rm -rf mod_shop_$$m/.libs mod_shop_$$m/*.lo mod_shop_$$m/*.slo \
	    mod_shop_$$m/*.o mod_shop_$$m/*.la; done
