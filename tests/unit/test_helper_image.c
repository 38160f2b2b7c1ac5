/* Unit tests of which of corral-helper's own pages it unmaps once idle
 * (helper/image.c): only whole pages of read-only segments, never a
 * writable or relocated one, and what comes back reads the same. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "tap.h"

#define PAGE 4096

static ElfW(Phdr) segment(ElfW(Word) type, ElfW(Word) flags, ElfW(Addr) vaddr, size_t filesz, size_t memsz)
{
	ElfW(Phdr) ph;

	memset(&ph, 0, sizeof(ph));
	ph.p_type = type;
	ph.p_flags = flags;
	ph.p_vaddr = vaddr;
	ph.p_filesz = filesz;
	ph.p_memsz = memsz;
	return ph;
}

static bool has_range(const struct image_ranges *r, uintptr_t start, size_t length)
{
	for (size_t i = 0; i < r->count; i++)
		if (r->range[i].start == start && r->range[i].length == length)
			return true;
	return false;
}

/* corral-helper's own layout (a static ET_EXEC, as readelf -l shows it) */
static void test_static_program(void)
{
	ElfW(Phdr) phdrs[] = {
		segment(PT_LOAD, PF_R, 0x400000, 0x590, 0x590),
		segment(PT_LOAD, PF_R | PF_X, 0x401000, 0xafd71, 0xafd71),
		segment(PT_LOAD, PF_R, 0x4b1000, 0x2ff91, 0x2ff91),
		segment(PT_LOAD, PF_R | PF_W, 0x4e1b78, 0x6838, 0x25a70),
		segment(PT_NOTE, PF_R, 0x400270, 0x20, 0x20),
		segment(PT_TLS, PF_R, 0x4e1b78, 0x18, 0x60),
		segment(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0),
		segment(PT_GNU_RELRO, PF_R, 0x4e1b78, 0x4488, 0x4488),
	};
	struct image_ranges r;

	image_ranges_select(phdrs, sizeof(phdrs) / sizeof(phdrs[0]), 0, PAGE, &r);
	is_int((int)r.count, 2, "a static program: two ranges, its code and its constants");
	ok(has_range(&r, 0x401000, 0x4b0000 - 0x401000), "the code, to its last whole page (0x401000-0x4b0000)");
	ok(has_range(&r, 0x4b1000, 0x4e0000 - 0x4b1000), "the constants, to their last whole page (0x4b1000-0x4e0000)");
	ok(!has_range(&r, 0x400000, PAGE), "the ELF header's segment is less than a page: left mapped");
	for (size_t i = 0; i < r.count; i++)
		ok(r.range[i].start + r.range[i].length <= 0x4e1000,
		   "range %zu ends before the writable segment's first page", i);
}

static void test_bias_and_pages(void)
{
	ElfW(Phdr) phdrs[] = {
		segment(PT_LOAD, PF_R | PF_X, 0x1800, 3 * PAGE, 3 * PAGE),
	};
	uintptr_t bias = (uintptr_t)0x7f0000000000;
	struct image_ranges r;

	image_ranges_select(phdrs, 1, bias, PAGE, &r);
	is_int((int)r.count, 1, "a position-independent program: one range");
	ok(r.count == 1 && r.range[0].start == bias + 0x2000 && r.range[0].length == 2 * PAGE,
	   "moved by the load address, and inward to whole pages: a page shared with a neighbour is left alone");
}

static void test_never_writable(void)
{
	ElfW(Phdr) writable[] = {
		segment(PT_LOAD, PF_R | PF_W, 0x10000, 8 * PAGE, 8 * PAGE),
		segment(PT_LOAD, PF_R | PF_W | PF_X, 0x20000, 8 * PAGE, 8 * PAGE),
		segment(PT_LOAD, PF_X, 0x30000, 8 * PAGE, 8 * PAGE),
	};
	ElfW(Phdr) relro[] = {
		segment(PT_LOAD, PF_R, 0x10000, 8 * PAGE, 8 * PAGE),
		segment(PT_LOAD, PF_R, 0x20000, 8 * PAGE, 8 * PAGE),
		segment(PT_GNU_RELRO, PF_R, 0x27000, 0x800, 0x800),
	};
	struct image_ranges r;

	image_ranges_select(writable, 3, 0, PAGE, &r);
	is_int((int)r.count, 0, "no writable segment, and none that cannot be read");
	image_ranges_select(relro, 3, 0, PAGE, &r);
	ok(r.count == 1 && r.range[0].start == 0x10000,
	   "a read-only segment that meets the RELRO range (relocated at start) is left mapped; the other is not");
	image_ranges_select(NULL, 0, 0, PAGE, &r);
	is_int((int)r.count, 0, "no program headers: nothing");
}

static void test_bounded(void)
{
	ElfW(Phdr) many[IMAGE_RANGES_MAX + 3];
	struct image_ranges r;

	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = segment(PT_LOAD, PF_R, 0x100000 * (i + 1), 4 * PAGE, 4 * PAGE);
	image_ranges_select(many, sizeof(many) / sizeof(many[0]), 0, PAGE, &r);
	is_int((int)r.count, IMAGE_RANGES_MAX, "more read-only segments than %d: the rest stay mapped",
	       IMAGE_RANGES_MAX);
}

static const char constant[] = "a constant of this program, in a read-only segment";

/* volatile: the read after the release really goes to memory */
static const char *volatile constant_address = constant;

static int answer(int x)
{
	return x * 6;
}

static int (*volatile answer_address)(int) = answer;

static void test_this_program(void)
{
	struct image_ranges r;
	char copy[sizeof(constant)];
	int found = image_ranges_find(&r);
	bool aligned = true;
	long page = sysconf(_SC_PAGESIZE);

	is_int(found, 0, "this program's ranges are found");
	ok(r.count >= 1, "... at least one (%zu)", r.count);
	for (size_t i = 0; i < r.count; i++)
		aligned = aligned && r.range[i].start % (uintptr_t)page == 0 && r.range[i].length % (size_t)page == 0 &&
			r.range[i].length > 0;
	ok(aligned, "... each whole pages");
	is_int(image_ranges_release(&r), 0, "unmapping them succeeds");
	memcpy(copy, constant_address, sizeof(copy));
	ok(strcmp(copy, "a constant of this program, in a read-only segment") == 0,
	   "a constant reads the same after the release");
	is_int(answer_address(7), 42, "code runs the same after the release");
	is_int(image_ranges_release(&r), 0, "... and a second release too");
	is_int(answer_address(7), 42, "... after which it still runs");
}

int main(void)
{
	test_static_program();
	test_bias_and_pages();
	test_never_writable();
	test_bounded();
	test_this_program();
	return tap_done();
}
