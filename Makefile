# corral — build, install and test. `make check` is the test command.
VERSION     := 0.1.0
PREFIX      ?= /usr
SYSCONFDIR  ?= /etc
SBINDIR     ?= $(PREFIX)/sbin
BINDIR      ?= $(PREFIX)/bin
LIBEXECDIR  ?= $(PREFIX)/libexec
MANDIR      ?= $(PREFIX)/share/man
# systemd's unit directory (merged /usr): user@.service gets corral's drop-in there
SYSTEMDUNITDIR ?= /usr/lib/systemd/system
# The PAM module directory is the one that holds pam_unix.so on this system.
PAMDIR      ?= $(shell dirname "$$( (ls /lib/*/security/pam_unix.so /usr/lib/*/security/pam_unix.so /lib/security/pam_unix.so /usr/lib/security/pam_unix.so 2>/dev/null) | head -n 1)" 2>/dev/null)
DESTDIR     ?=

CC          ?= gcc
SAN_CC      ?= clang
FUZZ_CC     ?= clang
WARNINGS    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wvla
CPPFLAGS    += -D_GNU_SOURCE -DCORRAL_VERSION='"$(VERSION)"' -DCORRAL_SYSCONFDIR='"$(SYSCONFDIR)"' \
               -DCORRAL_BINDIR='"$(BINDIR)"' -DCORRAL_LIBEXECDIR='"$(LIBEXECDIR)"' $(LIB_INCLUDES)
CFLAGS      ?= -O2 -g
CFLAGS      += -std=gnu11 $(WARNINGS) -fPIC -fstack-protector-strong -D_FORTIFY_SOURCE=2
LDFLAGS     += -Wl,--as-needed -Wl,-O1
SAN_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDLIBS_LIB  := -liniparser -lseccomp -lcap
# the cgroup code talks to systemd over the bus through libsystemd, loaded
# when first asked (lib/kernel/systemd_bus.c): not linked, so that a login
# that does not ask maps none of it (nor its compression and crypto libraries)
LDLIBS_ROOT := $(LDLIBS_LIB)
# corral-session (the shell linked dynamically, for valgrind): its libraries linked in
LDLIBS_SHELL:= -Wl,-Bstatic -liniparser -lseccomp -lcap -Wl,-Bdynamic

B           := build
# lib/: policy (config to resolved policy, the network decision), kernel
# (Landlock, seccomp, notify, the mount view, cgroups), session (records,
# the launch, the hand-off to corral-helper), util
LIB_DIRS    := lib/policy lib/kernel lib/session lib/util
LIB_INCLUDES:= $(LIB_DIRS:%=-I%)
LIB_HDRS    := $(wildcard $(LIB_DIRS:%=%/*.h))
LIB_SRCS    := $(wildcard $(LIB_DIRS:%=%/*.c))
LIB_OBJS    := $(LIB_SRCS:%.c=$(B)/%.o)
LIB_SAN_OBJS:= $(LIB_SRCS:%.c=$(B)/san/%.o)
CTL_SRCS    := $(wildcard ctl/*.c)
CTL_OBJS    := $(CTL_SRCS:%.c=$(B)/%.o)
# corralctl but its main(), linked into the unit tests as a library
CTL_LIB     := $(filter-out ctl/main.c,$(CTL_SRCS))
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%.t)
UNIT_SAN    := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/san/%.t)
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS?= 20

# shell/linked_{static,dynamic}.c: one each, corral-shell's and corral-session's
SHELL_SRCS  := $(filter-out shell/linked_%.c,$(wildcard shell/*.c))
SHELL_OBJS  := $(SHELL_SRCS:%.c=$(B)/%.o)
HELPER_SRCS := $(wildcard helper/*.c)
HELPER_OBJS := $(HELPER_SRCS:%.c=$(B)/%.o)
# the helper but its main(), linked into the unit tests as a library
HELPER_LIB  := $(filter-out helper/main.c,$(HELPER_SRCS))
PAM_SRCS    := $(wildcard pam_module/*.c)
PAM_OBJS    := $(PAM_SRCS:%.c=$(B)/%.o)
# the module's pure parts, linked into the unit tests too
PAM_RULES   := pam_module/module_args.c
PROGRAMS    := $(B)/corralctl $(B)/corral-shell $(B)/corral-session $(B)/corral-helper $(B)/pam_corral.so

# Debian packages the build and the tests need; `make deps` installs the missing ones.
DEB_DEPS    := gcc make clang libclang-rt-14-dev libpam0g-dev libseccomp-dev \
               libiniparser-dev libcap-dev libsystemd-dev perl valgrind cppcheck clang-tidy groff-base passwd rsync \
               openssh-server openssh-client cron git tmux python3 dpkg-dev debhelper fakeroot lintian
# the Debian-guest test bed (tests/vm.t, tests/vm/) and `make deb DIST=`: qemu,
# mmdebstrap and mkfs.ext4 -d for the images and build roots
VM_DEPS     := qemu-system-x86 qemu-utils mmdebstrap e2fsprogs debian-archive-keyring \
               openssh-client python3 util-linux
# the peers the benchmarks compare with (`make bench` only)
BENCH_DEPS  := bubblewrap firejail hyperfine

FORMAT_SRCS  = $(wildcard lib/*/*.[ch] ctl/*.[ch] shell/*.[ch] helper/*.[ch] pam_module/*.[ch] tests/unit/*.[ch] tests/tools/*.c tests/probe/*.c)

.PHONY: format all check deps vm-deps bench-deps demo install uninstall clean unit-tests fuzz-check fuzz lint deb bench
all: $(PROGRAMS)

$(B)/%.o: %.c $(LIB_HDRS) | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/helper/%.o: helper/%.c $(LIB_HDRS) $(wildcard helper/*.h) | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ihelper $(CFLAGS) -c -o $@ $<

$(B)/pam_module/%.o: pam_module/%.c $(LIB_HDRS) $(wildcard pam_module/*.h) | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ipam_module $(CFLAGS) -c -o $@ $<

$(B)/san/%.o: %.c $(LIB_HDRS) | $(B)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/libcorral.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libcorral.a: $(LIB_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/libpamrules.a: $(PAM_RULES:%.c=$(B)/%.o)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libpamrules.a: $(PAM_RULES:%.c=$(B)/san/%.o)
	rm -f $@ && ar rcs $@ $^

$(B)/libhelper.a: $(HELPER_LIB:%.c=$(B)/%.o)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libhelper.a: $(HELPER_LIB:%.c=$(B)/san/%.o)
	rm -f $@ && ar rcs $@ $^

$(B)/libctl.a: $(CTL_LIB:%.c=$(B)/%.o)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libctl.a: $(CTL_LIB:%.c=$(B)/san/%.o)
	rm -f $@ && ar rcs $@ $^

$(B)/corralctl: $(CTL_OBJS) $(B)/libcorral.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CTL_OBJS) $(B)/libcorral.a $(LDLIBS_ROOT)

# Only the pam_sm_* entry points are exported (version script).
$(B)/pam_corral.so: $(PAM_OBJS) $(B)/libcorral.a pam_module/pam_corral.map
	$(CC) $(CFLAGS) -shared -Wl,--version-script=pam_module/pam_corral.map -Wl,--no-undefined \
		-Wl,-z,relro,-z,now -o $@ $(PAM_OBJS) $(B)/libcorral.a -lpam $(LDLIBS_ROOT)

# corral-shell is static (static-pie: no dynamic loader, so nothing from
# LD_PRELOAD & co. runs in it, and one program image per login, not two;
# shell/clean_env.c starts it again without what libc acts on). The
# linker's warnings about NSS in a static program are expected: the
# modules NSS loads are the system's, of the glibc it was built with.
$(B)/corral-shell: $(SHELL_OBJS) $(B)/shell/linked_static.o $(B)/libcorral.a
	$(CC) $(CFLAGS) -static-pie -o $@ $(SHELL_OBJS) $(B)/shell/linked_static.o $(B)/libcorral.a \
		-liniparser -lseccomp -lcap

# The same shell linked dynamically: for valgrind (tests/memcheck-session.t),
# which cannot follow malloc in a static program. Nothing runs it at login.
$(B)/corral-session: $(SHELL_OBJS) $(B)/shell/linked_dynamic.o $(B)/libcorral.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SHELL_OBJS) $(B)/shell/linked_dynamic.o $(B)/libcorral.a $(LDLIBS_SHELL)

# Static: it starts with every login, and needs nothing but libc.
$(B)/corral-helper: $(HELPER_OBJS) $(B)/libcorral.a
	$(CC) $(CFLAGS) -static -o $@ $(HELPER_OBJS) $(B)/libcorral.a

# For tests/memcheck-session.t only: the helper linked dynamically, for
# valgrind (which cannot follow malloc in a static binary), and the helper
# and the shell built with ASan+UBSan, for what valgrind cannot run.
$(B)/valgrind/corral-helper: $(HELPER_OBJS) $(B)/libcorral.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(HELPER_OBJS) $(B)/libcorral.a

$(B)/san/helper/%.o: helper/%.c $(LIB_HDRS) $(wildcard helper/*.h) | $(B)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CPPFLAGS) -Ihelper -std=gnu11 $(WARNINGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/san/corral-helper: $(HELPER_SRCS:%.c=$(B)/san/%.o) $(B)/san/libcorral.a
	$(SAN_CC) $(SAN_FLAGS) -o $@ $^

$(B)/san/corral-session: $(SHELL_SRCS:%.c=$(B)/san/%.o) $(B)/san/shell/linked_dynamic.o $(B)/san/libcorral.a
	$(SAN_CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS_LIB)

# Unit tests link the fixture (tests/unit/fixture.c) and the helper's library.
$(B)/tests/unit/fixture.o $(B)/san/tests/unit/fixture.o: tests/unit/fixture.h

$(B)/tests/%.t: tests/unit/%.c tests/tap.h tests/unit/fixture.h $(wildcard helper/*.h ctl/*.h) $(B)/tests/unit/fixture.o \
		$(B)/libhelper.a $(B)/libctl.a $(B)/libcorral.a $(B)/libpamrules.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -Ipam_module -Ihelper -Ictl -o $@ $< $(B)/tests/unit/fixture.o \
		$(B)/libhelper.a $(B)/libctl.a $(B)/libpamrules.a $(B)/libcorral.a $(LDLIBS_ROOT)

$(B)/tests/san/%.t: tests/unit/%.c tests/tap.h tests/unit/fixture.h $(wildcard helper/*.h ctl/*.h) $(B)/san/tests/unit/fixture.o \
		$(B)/san/libhelper.a $(B)/san/libctl.a $(B)/san/libcorral.a $(B)/san/libpamrules.a
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(SAN_FLAGS) -Itests -Ipam_module -Ihelper -Ictl -o $@ $< $(B)/san/tests/unit/fixture.o \
		$(B)/san/libhelper.a $(B)/san/libctl.a $(B)/san/libpamrules.a $(B)/san/libcorral.a $(LDLIBS_ROOT)

$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 $(WARNINGS) -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRCS) $(LDLIBS_ROOT)

$(B):
	@mkdir -p $(B)

$(B)/probe: tests/probe/probe.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# tests/why-agree.t's probe: the accesses `corralctl why` decides, done for real
$(B)/why-probe: tests/tools/why_probe.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

$(B)/pam_driver: tests/tools/pam_driver.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $< -lpam

# the kernel's audit switch, for the tests that read its records
$(B)/audit_switch: tests/tools/audit_switch.c $(B)/libcorral.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(B)/libcorral.a

unit-tests: $(UNIT_BINS) $(UNIT_SAN) $(B)/probe $(B)/why-probe $(B)/pam_driver $(B)/audit_switch $(B)/valgrind/corral-helper $(B)/san/corral-helper $(B)/san/corral-session
fuzz-check: $(FUZZ_BINS)

deps:
	@$(MAKE) -s install-debs DEBS="$(DEB_DEPS)"

# Not fatal: without them tests/vm.t skips, naming what is missing.
vm-deps:
	@$(MAKE) -s install-debs DEBS="$(VM_DEPS)" || \
	  echo "make: could not install the test bed's packages ($(VM_DEPS)): tests/vm.t will skip" >&2

bench-deps: deps
	@$(MAKE) -s install-debs DEBS="$(BENCH_DEPS)"

# Installs the Debian packages named in DEBS that are missing.
install-debs:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "make deps: need root to install:$$missing" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The layout of .clang-format on every C file (tests/lint.t checks it).
format:
	clang-format -i --style=file $(FORMAT_SRCS)

# Every test goes through prove: unit tests (plain and ASan+UBSan builds),
# the scenario and integration scripts, the bounded fuzz runs, and the
# real-host suite in Debian guests under qemu (tests/vm.t).
check: deps vm-deps
	$(MAKE) all unit-tests fuzz-check
	CORRAL_BUILD=$(CURDIR)/$(B) FUZZ_SECONDS=$(FUZZ_SECONDS) prove $(UNIT_BINS) $(UNIT_SAN) $(sort $(wildcard tests/*.t)) $(sort $(wildcard tests/escape/*.t))

# The README's "try it" command: the example policy, checked and explained.
demo: deps
	$(MAKE) all $(B)/probe
	CORRAL_BUILD=$(CURDIR)/$(B) tests/demo.sh

# A Debian package from this tree (no network): build/corral_$(VERSION)_amd64.deb.
# DIST=bookworm|trixie: for that release, built in a cached build root
# (mmdebstrap; the first build needs the Debian mirror):
# build/dist/DIST/corral_$(VERSION)_amd64.deb
DIST        ?=
ifeq ($(strip $(DIST)),)
deb: deps
	packaging/build-deb.sh "$(VERSION)" "$(CURDIR)/$(B)"
else
deb: vm-deps
	packaging/build-deb-dist.sh "$(DIST)" "$(VERSION)" "$(CURDIR)/$(B)/dist/$(DIST)"
endif

# Benchmarks against an unconfined session and the peers; not part of check.
bench: bench-deps
	$(MAKE) all $(B)/probe
	CORRAL_BUILD=$(abspath $(B)) bench/run.sh

fuzz: $(FUZZ_BINS)
	for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p $(B)/fuzz/corpus-$$n; \
	  $$f -max_total_time=600 $(B)/fuzz/corpus-$$n tests/fuzz/corpus/$${n#fuzz_} || exit 1; done

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/corral/corral.d \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/corralctl $(DESTDIR)$(SBINDIR)/corralctl
	install -m 0755 $(B)/corral-shell $(DESTDIR)$(BINDIR)/corral-shell
	install -d $(DESTDIR)$(LIBEXECDIR)/corral $(DESTDIR)$(PAMDIR)
	install -m 0755 $(B)/corral-helper $(DESTDIR)$(LIBEXECDIR)/corral/corral-helper
	install -m 0755 $(B)/corral-session $(DESTDIR)$(LIBEXECDIR)/corral/corral-session
	install -m 0644 $(B)/pam_corral.so $(DESTDIR)$(PAMDIR)/pam_corral.so
	install -D -m 0644 packaging/systemd/user-manager.conf $(DESTDIR)$(SYSTEMDUNITDIR)/user@.service.d/corral.conf
	install -D -m 0644 packaging/systemd/corral-apply.service $(DESTDIR)$(SYSTEMDUNITDIR)/corral-apply.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/corral/corral.ini ] || install -m 0644 conf/corral.ini $(DESTDIR)$(SYSCONFDIR)/corral/corral.ini
	for page in man/*.[158]; do install -m 0644 $$page $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page#man/}; done

uninstall:
	rm -f $(DESTDIR)$(LIBEXECDIR)/corral/corral-helper $(DESTDIR)$(LIBEXECDIR)/corral/corral-session $(DESTDIR)$(PAMDIR)/pam_corral.so
	rm -f $(DESTDIR)$(SBINDIR)/corralctl $(DESTDIR)$(BINDIR)/corral-shell
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/user@.service.d/corral.conf $(DESTDIR)$(SYSTEMDUNITDIR)/corral-apply.service
	for page in man/*.[158]; do rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page#man/}; done

clean:
	rm -rf $(B)
