#!/bin/bash
# cppcheck and clang-tidy must stay quiet on corral's own code.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
srcs=$(ls lib/*/*.c ctl/*.c shell/*.c helper/*.c pam_module/*.c 2>/dev/null)
inc=(-Ilib/policy -Ilib/kernel -Ilib/session -Ilib/util)
plan 4
out=$(cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
	--inline-suppr --error-exitcode=1 -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' "${inc[@]}" --suppress=missingIncludeSystem --suppress=unusedStructMember:lib/kernel/landlock.c $srcs 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then pass "cppcheck"; else fail "cppcheck"; echo "$out" | sed 's/^/#   /'; fi
out=$(clang-tidy --quiet $srcs -- -std=gnu11 -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' "${inc[@]}" 2>&1)
if [ $? -eq 0 ]; then pass "clang-tidy"; else fail "clang-tidy"; echo "$out" | grep -v '^[0-9]* warnings* generated' | sed 's/^/#   /' | head -n 80; fi
out=$(for f in $srcs; do clang -fsyntax-only -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' "${inc[@]}" "$f" 2>&1; done)
if [ -z "$out" ]; then pass "clang -Wall -Wextra -Werror on every source"; else fail "clang warnings"; echo "$out" | sed 's/^/#   /' | head -n 40; fi
# the layout .clang-format describes, on every C file of ours (make format applies it)
fmt=$(ls lib/*/*.[ch] ctl/*.[ch] shell/*.[ch] helper/*.[ch] pam_module/*.[ch] tests/unit/*.[ch] tests/tools/*.c tests/probe/*.c 2>/dev/null)
# shellcheck disable=SC2086 # the list of files
out=$(clang-format --dry-run --Werror --style=file $fmt 2>&1)
if [ $? -eq 0 ]; then pass "clang-format: the layout of .clang-format"; else
	fail "clang-format: files not in the layout of .clang-format (make format)"
	echo "$out" | grep -E '^[^ ]+:[0-9]+:[0-9]+: error' | cut -d: -f1 | sort | uniq -c | sed 's/^/#   /' | head -n 40
fi
