#!/bin/bash
# cppcheck and clang-tidy must stay quiet on corral's own code.
srcs=$(ls lib/*/*.c ctl/*.c shell/*.c helper/*.c pam_module/*.c 2>/dev/null)
inc=(-Ilib/policy -Ilib/kernel -Ilib/session -Ilib/util)
echo "1..3"
out=$(cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
	--inline-suppr --error-exitcode=1 -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' "${inc[@]}" --suppress=missingIncludeSystem --suppress=unusedStructMember:lib/kernel/landlock.c $srcs 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then echo "ok 1 - cppcheck"; else echo "not ok 1 - cppcheck"; echo "$out" | sed 's/^/#   /'; fi
out=$(clang-tidy --quiet $srcs -- -std=gnu11 -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' "${inc[@]}" 2>&1)
if [ $? -eq 0 ]; then echo "ok 2 - clang-tidy"; else echo "not ok 2 - clang-tidy"; echo "$out" | grep -v '^[0-9]* warnings* generated' | sed 's/^/#   /' | head -n 80; fi
out=$(for f in $srcs; do clang -fsyntax-only -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -D_GNU_SOURCE -DCORRAL_SYSCONFDIR='"/etc"' \
	-DCORRAL_VERSION='"0"' "${inc[@]}" "$f" 2>&1; done)
if [ -z "$out" ]; then echo "ok 3 - clang -Wall -Wextra -Werror on every source"; else echo "not ok 3 - clang warnings"; echo "$out" | sed 's/^/#   /' | head -n 40; fi
