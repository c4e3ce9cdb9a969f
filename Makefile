# rshell — restricted login shell for backup accounts
VERSION    = 0.1.0
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
POLICY    ?= $(SYSCONFDIR)/rshell/policy

CC        ?= cc
PKG_CONFIG ?= pkg-config
BSD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbsd-overlay)
BSD_LIBS   := $(shell $(PKG_CONFIG) --libs libbsd-overlay)
# rshell itself is a static PIE, glibc and libbsd linked in (README,
# "Linking"): sshd runs it for every session, and the dynamic loader was a
# fifth of its cost; nor can LD_PRELOAD or LD_LIBRARY_PATH, set by a client
# where sshd lets one set them, reach its code.  A static glibc cannot
# load the name service modules (systemd, sss, ldap) safely, so rshell never
# calls them: it reads the files or asks getent(1) (rshell/passwd.c), and
# --fatal-warnings makes glibc's warning on any such call a failed link.
# Every symbol is bound at start and the GOT read-only after.
# RSHELL_LINK=dynamic links glibc and libbsd dynamically instead.
RSHELL_LINK ?= static
ifeq ($(RSHELL_LINK),static)
RSHELL_LIBS = $(shell $(PKG_CONFIG) --static --libs libbsd-overlay)
RSHELL_LDFLAGS = -static-pie -Wl,-z,relro -Wl,-z,now -Wl,--fatal-warnings
else
RSHELL_LIBS = $(BSD_LIBS)
RSHELL_LDFLAGS = -Wl,-z,relro -Wl,-z,now
endif
# zlib, for rshell-report's .gz input only: rshell itself never links it.
ZLIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags zlib)
ZLIB_LIBS   := $(shell $(PKG_CONFIG) --libs zlib)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)

WARN      = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2
CFLAGS   ?= -O2 -g
RSHELL_CPPFLAGS = -D_GNU_SOURCE -DRSHELL_VERSION='"$(VERSION)"' \
            -DRSHELL_POLICY='"$(POLICY)"' -Ipolicy -Irshell
# policy/ is a library of its own and sees only its own headers: the build
# enforces that it needs nothing of rshell/.
POLICY_CPPFLAGS = -D_GNU_SOURCE -Ipolicy
ALL_CFLAGS = $(WARN) $(BSD_CFLAGS) $(CFLAGS)

POLICY_SRC = $(sort $(wildcard policy/*.c))
POLICY_OBJ = $(POLICY_SRC:.c=.o)
# rshell-report: its reader and summary (shared with the tests) and its
# main, which alone needs zlib.
REPORT_SRC = rshell/report.c rshell/report_line.c rshell/report_out.c \
             rshell/report_time.c
REPORT_OBJ = $(REPORT_SRC:.c=.o)
RSHELL_SRC = $(filter-out rshell/main.c rshell/report%.c,$(sort $(wildcard rshell/*.c)))
LIB_SRC    = $(POLICY_SRC) $(RSHELL_SRC)
LIBS_A     = rshell/librshell.a policy/libpolicy.a
TEST_SRC   = $(sort $(wildcard tests/test_*.c))
SUITES     = $(patsubst tests/test_%.c,%,$(TEST_SRC))

.PHONY: all check packages-check unit-check unit-check-asan policy-check \
        integration-check bench demo install uninstall clean deb dist fuzz \
        fuzz-build FORCE

all: rshell/rshell rshell/rshell-report

%.o: %.c
	$(CC) $(RSHELL_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

policy/%.o: policy/%.c
	$(CC) $(POLICY_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

policy/libpolicy.a: $(POLICY_OBJ)
	rm -f $@
	$(AR) rcs $@ $(POLICY_OBJ)

rshell/librshell.a: $(RSHELL_SRC:.c=.o)
	rm -f $@
	$(AR) rcs $@ $(RSHELL_SRC:.c=.o)

# The policy path is compiled into main.o.  Its stamp is rewritten only when
# POLICY differs from the last build's, so that "make" and then "make
# install SYSCONFDIR=/x" rebuild rshell to read /x/rshell/policy instead of
# installing a binary that reads another file.
rshell/.policy-path: FORCE
	@printf '%s\n' '$(POLICY)' | cmp -s - $@ || \
	    printf '%s\n' '$(POLICY)' > $@
rshell/main.o: rshell/.policy-path

rshell/rshell: rshell/main.o $(LIBS_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(RSHELL_LDFLAGS) -o $@ rshell/main.o \
	    $(LIBS_A) $(RSHELL_LIBS)

rshell/report_main.o: rshell/report_main.c
	$(CC) $(RSHELL_CPPFLAGS) $(CPPFLAGS) $(ZLIB_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

rshell/rshell-report: rshell/report_main.o $(REPORT_OBJ) $(LIBS_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ rshell/report_main.o $(REPORT_OBJ) \
	    $(LIBS_A) $(BSD_LIBS) $(ZLIB_LIBS) -lm

# The unit-test runner: one Check suite per tests/test_<area>.c, each exporting
# make_suite_<area>(); the list of suites is generated from the file names.
tests/suites.inc: $(TEST_SRC)
	@printf 'SUITE(%s)\n' $(SUITES) > $@

tests/check_main.o: tests/suites.inc
# Suites are found by name (tests/suites.inc), not through a header.
TEST_CFLAGS = $(ALL_CFLAGS) -Wno-missing-prototypes
tests/%.o: tests/%.c
	$(CC) $(RSHELL_CPPFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

# Test support shared by the suites (and, for pathprop, the fuzzers).
TEST_SUPPORT = tests/harness.c tests/harness_read.c tests/harness_feed.c \
               tests/keeporacle.c tests/listtree.c tests/pathprop.c \
               tests/reportgen.c tests/seccorpus.c
tests/unit: tests/check_main.o $(TEST_SRC:.c=.o) $(TEST_SUPPORT:.c=.o) \
    $(REPORT_OBJ) $(LIBS_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/check_main.o $(TEST_SRC:.c=.o) \
	    $(TEST_SUPPORT:.c=.o) $(REPORT_OBJ) $(LIBS_A) $(CHECK_LIBS) \
	    $(BSD_LIBS) -lm

# The tests run rshell with -f and their own policy.  Where they must run
# it as sshd runs a login shell, without -f, they use a copy whose
# compiled-in policy path never exists, so that what they see does not
# depend on the policy installed on this machine (nor lands in its log).
NOPOLICY_CPPFLAGS = -URSHELL_POLICY \
            -DRSHELL_POLICY='"/nonexistent/rshell-test/policy"'
tests/rshell-nopolicy: rshell/main.c $(LIBS_A)
	$(CC) $(RSHELL_CPPFLAGS) $(NOPOLICY_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) \
	    $(LDFLAGS) $(RSHELL_LDFLAGS) -o $@ rshell/main.c $(LIBS_A) \
	    $(RSHELL_LIBS)

# Sanitizer build of the same sources, in its own directory; its rshell is
# only for the tests, so it is the copy without a policy too.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
tests/unit-asan: tests/suites.inc $(LIB_SRC) $(TEST_SRC) tests/check_main.c rshell/main.c \
    $(TEST_SUPPORT) tests/harness.h tests/keeporacle.h tests/listtree.h \
    rshell/logfmt.h tests/pathprop.h tests/seccorpus.h tests/reportgen.h \
    rshell/report.h $(REPORT_SRC) rshell/report_main.c
	$(CC) $(RSHELL_CPPFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) $(WARN) -Wno-missing-prototypes \
	    $(BSD_CFLAGS) $(ASAN_FLAGS) -o $@ tests/check_main.c $(TEST_SRC) $(TEST_SUPPORT) $(REPORT_SRC) $(LIB_SRC) $(CHECK_LIBS) $(BSD_LIBS) -lm
	$(CC) $(RSHELL_CPPFLAGS) $(CPPFLAGS) $(ZLIB_CFLAGS) $(WARN) $(BSD_CFLAGS) $(ASAN_FLAGS) \
	    -o tests/rshell-report-asan rshell/report_main.c $(REPORT_SRC) $(LIB_SRC) $(BSD_LIBS) $(ZLIB_LIBS) -lm
	$(CC) $(RSHELL_CPPFLAGS) $(NOPOLICY_CPPFLAGS) $(CPPFLAGS) $(WARN) $(BSD_CFLAGS) $(ASAN_FLAGS) \
	    -o tests/rshell-asan rshell/main.c $(LIB_SRC) $(BSD_LIBS)

# The stand-in rsync that tries every destructive system call (test_wall.c),
# and the one that records how it was run (harness.c, h_standin).
tests/wallprobe: tests/wallprobe.c
	$(CC) -D_GNU_SOURCE $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<
tests/standin: tests/standin.c
	$(CC) -D_GNU_SOURCE $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

# Under make check, each part writes its counts to $(CHECK_RESULTS)/PART.
result = $(if $(CHECK_RESULTS),RSHELL_CHECK_RESULT=$(CHECK_RESULTS)/$(1))

unit-check: tests/unit rshell/rshell rshell/rshell-report tests/rshell-nopolicy \
    tests/wallprobe tests/standin
	RSHELL=$(CURDIR)/rshell/rshell \
	    RSHELL_REPORT=$(CURDIR)/rshell/rshell-report \
	    RSHELL_NOPOLICY=$(CURDIR)/tests/rshell-nopolicy \
	    WALLPROBE=$(CURDIR)/tests/wallprobe STANDIN=$(CURDIR)/tests/standin \
	    $(call result,$@) tests/unit

unit-check-asan: tests/unit-asan tests/wallprobe tests/standin
	RSHELL=$(CURDIR)/tests/rshell-asan \
	    RSHELL_REPORT=$(CURDIR)/tests/rshell-report-asan \
	    RSHELL_NOPOLICY=$(CURDIR)/tests/rshell-asan \
	    WALLPROBE=$(CURDIR)/tests/wallprobe STANDIN=$(CURDIR)/tests/standin \
	    ASAN_OPTIONS=detect_leaks=1 $(call result,$@) tests/unit-asan

policy-check: rshell/rshell
	$(call result,$@) tests/policy/run.sh $(CURDIR)/rshell/rshell

# As root: a throwaway account and sshd on 127.0.0.1 (tests/integration);
# any other user gets a one-line "skipped".  SCENARIOS="tree symlink" runs
# a subset.
integration-check: rshell/rshell rshell/rshell-report
	$(call result,$@) tests/integration/run.sh $(CURDIR)/rshell/rshell $(SCENARIOS)

# Every command the tests and the build run comes from a package that make
# demo installs (tests/integration/packages) or from a minimal Debian.
packages-check:
	$(call result,$@) tests/packaging/commands-test.sh

# Every part runs, also after one has failed, and the last line sums them
# all (tests/summary.sh), which fails if anything failed.
CHECK_PARTS = packages-check unit-check unit-check-asan policy-check \
              integration-check
check:
	@r=$$(mktemp -d /tmp/rshell-check.XXXXXX) || exit 1; \
	trap 'rm -rf "$$r"' EXIT; trap 'exit 130' INT TERM; \
	for p in $(CHECK_PARTS); do \
		$(MAKE) --no-print-directory CHECK_RESULTS=$$r $$p; \
		echo $$? > $$r/$$p.status; \
	done; \
	tests/summary.sh $$r $(CHECK_PARTS)

# libFuzzer harnesses (clang).  Every harness is tests/fuzz/NAME.c, linked
# against the whole library built once more for fuzzing (tests/fuzz/build/:
# the linker takes only what the harness uses) and the test support it
# may need (pathprop).  Adding one is its name in FUZZERS and a seed
# corpus in tests/fuzz/corpus/NAME/.  make fuzz replays every input kept in
# tests/fuzz/regress/NAME/, then fuzzes each harness for FUZZ_SECONDS
# (tests/fuzz/run.sh); any crash, leak, timeout or undefined behaviour
# fails it, and the input is kept in tests/fuzz/regress/NAME/.  make
# fuzz-build only builds them.
FUZZERS = fuzz_words fuzz_rsyncargs fuzz_policy fuzz_confine fuzz_protargs \
          fuzz_logesc fuzz_listargs fuzz_decide fuzz_report fuzz_keep \
          fuzz_passwd
FUZZ_SECONDS ?= 20
FUZZ_SEED ?=
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) $(WARN) \
             $(RSHELL_CPPFLAGS) -Itests $(BSD_CFLAGS)
FUZZ_LIBS ?= $(BSD_LIBS)
FUZZ_LIB_SRC = $(LIB_SRC) $(REPORT_SRC) tests/pathprop.c
FUZZ_LIB_OBJ = $(patsubst %.c,tests/fuzz/build/%.o,$(FUZZ_LIB_SRC))
FUZZ_BIN = $(addprefix tests/fuzz/,$(FUZZERS))

tests/fuzz/build/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

tests/fuzz/build/libfuzz.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIB_OBJ)

tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/build/libfuzz.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< \
	    tests/fuzz/build/libfuzz.a $(FUZZ_LIBS)

fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	FUZZ_SEED=$(FUZZ_SEED) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

bench: rshell/rshell rshell/rshell-report
	BENCH_PARTS="$(BENCH_PARTS)" tests/bench/run.sh $(CURDIR)/rshell/rshell

# Installs what is missing (Debian), builds, and shows the whole job.
demo:
	@tests/integration/demo.sh

# DESTDIR only here, for staged installs; it is never compiled in.  The
# example policy becomes the policy only when there is none: an existing
# one is never replaced.
install: rshell/rshell rshell/rshell-report
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(dir $(POLICY))
	install -m 0755 rshell/rshell $(DESTDIR)$(SBINDIR)/rshell
	install -m 0644 rshell/rshell.8 $(DESTDIR)$(MANDIR)/man8/rshell.8
	install -m 0755 rshell/rshell-report $(DESTDIR)$(SBINDIR)/rshell-report
	install -m 0644 rshell/rshell-report.8 \
	    $(DESTDIR)$(MANDIR)/man8/rshell-report.8
	install -m 0644 policy/rshell.policy.5 \
	    $(DESTDIR)$(MANDIR)/man5/rshell.policy.5
	test -e $(DESTDIR)$(POLICY) || \
	    install -m 0644 packaging/policy.example $(DESTDIR)$(POLICY)

# The policy is left in place: it is the administrator's.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/rshell $(DESTDIR)$(MANDIR)/man8/rshell.8 \
	    $(DESTDIR)$(SBINDIR)/rshell-report \
	    $(DESTDIR)$(MANDIR)/man8/rshell-report.8 \
	    $(DESTDIR)$(MANDIR)/man5/rshell.policy.5

# dist/rshell-$(VERSION).tar.gz, the release tarball packaging/rshell.spec
# builds from: what is committed at HEAD, under rshell-$(VERSION)/.
dist:
	@test -z "$$(git status --porcelain --untracked-files=no)" || \
	    echo "make dist: uncommitted changes are not in the tarball" >&2
	mkdir -p dist
	git archive --format=tar.gz --prefix=rshell-$(VERSION)/ \
	    -o dist/rshell-$(VERSION).tar.gz HEAD

# dist/rshell_$(VERSION)_ARCH.deb, built from a copy of the tree.
deb:
	packaging/build-deb.sh $(VERSION)

clean:
	rm -rf dist
	rm -f rshell/rshell rshell/rshell-report rshell/.policy-path $(LIBS_A) \
	    tests/unit tests/unit-asan tests/wallprobe tests/standin \
	    tests/rshell-asan tests/rshell-report-asan tests/rshell-nopolicy \
	    tests/suites.inc $(FUZZ_BIN)
	rm -rf tests/fuzz/build
	find . -name '*.o' -o -name '*.d' | xargs rm -f

-include $(wildcard rshell/*.d policy/*.d tests/*.d tests/fuzz/build/*/*.d tests/fuzz/*.d)
