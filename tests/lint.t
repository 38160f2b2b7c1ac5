#!/bin/bash
# cppcheck and clang-tidy must stay quiet on corral's own code.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
srcs=$(ls lib/*.c ctl/*.c shell/*.c helper/*.c pam_module/*.c 2>/dev/null)
plan 3
out=$(cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
	--inline-suppr --error-exitcode=1 -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' -Ilib --suppress=missingIncludeSystem --suppress=unusedStructMember:lib/landlock.c $srcs 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then pass "cppcheck"; else fail "cppcheck"; echo "$out" | sed 's/^/#   /'; fi
out=$(clang-tidy --quiet $srcs -- -std=gnu11 -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' -Ilib 2>&1)
if [ $? -eq 0 ]; then pass "clang-tidy"; else fail "clang-tidy"; echo "$out" | grep -v '^[0-9]* warnings* generated' | sed 's/^/#   /' | head -n 80; fi
out=$(for f in $srcs; do clang -fsyntax-only -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' -Ilib "$f" 2>&1; done)
if [ -z "$out" ]; then pass "clang -Wall -Wextra -Werror on every source"; else fail "clang warnings"; echo "$out" | sed 's/^/#   /' | head -n 40; fi
