/* corral-helper's own program image: the read-only pages it maps to start
 * are unmapped once the session runs, and come back one fault at a time. */
#ifndef CORRAL_HELPER_IMAGE_H
#define CORRAL_HELPER_IMAGE_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>

#define IMAGE_RANGES_MAX 8 /* read-only segments kept track of; more stay mapped */

struct image_range {
	uintptr_t start;
	size_t length;
};

struct image_ranges {
	size_t count;
	struct image_range range[IMAGE_RANGES_MAX];
};

/* The whole pages of the read-only segments among phdrs, loaded at bias:
 * those a process can drop and fault in again from its file unchanged. A
 * writable segment, or one that meets the RELRO range (written at start,
 * then made read-only), is never among them; a page a segment shares with
 * its neighbour is left out. */
void image_ranges_select(const ElfW(Phdr) * phdrs, size_t count, uintptr_t bias, size_t page_size,
			 struct image_ranges *out);

/* The running program's ranges (not its libraries'). Called early, so
 * that what finds them is not touched again after the release. -errno */
int image_ranges_find(struct image_ranges *out);

/* Unmaps the ranges; a later touch maps the page back from the page cache
 * (the file is unchanged: no process writes a running program). A
 * debugger's breakpoints set before, in private copies, go with them.
 * -errno of the first failure. */
int image_ranges_release(const struct image_ranges *ranges);

#endif
