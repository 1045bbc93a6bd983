# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.mk - builds the libFuzzer harnesses of tests/fuzz/ (GNU make).
#
# libFuzzer needs coverage instrumentation in the code it explores, which
# the library built by CC (often gcc) does not have.  So the very sources
# of the library (LIB_SOURCES, Makefile.am's core_sources) are compiled a
# second time here, by FUZZ_CC (clang) with -fsanitize=fuzzer-no-link and
# ASan+UBSan, into tests/fuzz/obj/, and each harness of tests/fuzz/harnesses
# links them.  Makefile.am's fuzz-build target runs this with the
# variables configure found; nothing here is a copy of library code.
#
# Variables: top_srcdir, top_builddir (absolute), FUZZ_CC, WARN_CFLAGS,
# PKG_CFLAGS, PKG_LIBS, LIB_SOURCES, TUI_SOURCES (relative to top_srcdir; a
# harness that lists @tui links the console's sources).

out := $(top_builddir)/tests/fuzz
list := $(top_srcdir)/tests/fuzz/harnesses
NAMES := $(shell sed -e 's/\#.*//' $(list) | awk 'NF { print $$1 }')

SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
COVERAGE := -fsanitize=fuzzer-no-link
FUZZ_FLAGS = -std=gnu11 -O2 -g $(SAN) $(COVERAGE) $(WARN_CFLAGS)
FUZZ_CPPFLAGS := -include $(top_builddir)/config.h -I$(top_builddir) -I$(top_srcdir)/core -I$(top_srcdir)/core/model \
	-I$(top_srcdir)/common -I$(top_srcdir)/cli -I$(top_srcdir)/tui -I$(top_srcdir)/tests/fuzz \
	-DTHEMEDIR=\"$(top_srcdir)/themes\" -DTOP_SRCDIR=\"$(top_srcdir)\" $(PKG_CFLAGS)

obj = $(patsubst %.c,$(out)/obj/%.o,$(1))
LIB_OBJS := $(call obj,$(filter %.c,$(LIB_SOURCES)))
UTIL_OBJS := $(call obj,tests/fuzz/fuzz-util.c)

# The harnesses' helpers (checks, the in-memory tree) are not what is
# explored: without coverage, their comparisons do not steer libFuzzer.
HELPERS := tests/fuzz/fuzz-util.c tests/fuzz/fuzz-tree.c tests/fuzz/fuzz-sysfs.c
$(call obj,$(HELPERS)): COVERAGE :=

all: $(addprefix $(out)/bin/fuzz-,$(NAMES))

$(out)/obj/%.o: $(top_srcdir)/%.c $(top_builddir)/config.h
	@mkdir -p $(dir $@)
	@echo "  FUZZCC   $*.o"
	@$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(out)/libfuzzcore.a: $(LIB_OBJS)
	@rm -f $@
	@ar crs $@ $^

# fuzz-NAME: its source, the extra sources its line lists, the library.
define harness
$(out)/bin/fuzz-$(1): $(call obj,tests/fuzz/fuzz-$(1).c $(2)) $(UTIL_OBJS) $(out)/libfuzzcore.a
	@mkdir -p $(out)/bin
	@echo "  FUZZLD   fuzz-$(1)"
	@$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -o $$@ $$^ $(PKG_LIBS)
endef
$(foreach n,$(NAMES),$(eval $(call harness,$(n),$(patsubst @tui,$(filter %.c,$(TUI_SOURCES)), \
	$(shell sed -e 's/\#.*//' $(list) | awk '$$1 == "$(n)" { for (i = 3; i <= NF; i++) print $$i }')))))

-include $(shell find $(out)/obj -name '*.d' 2>/dev/null)

.PHONY: all
