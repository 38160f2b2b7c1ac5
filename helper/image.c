/* corral-helper's own program image: an idle helper keeps mapped only the
 * code and constants its loop touches, not its whole start-up (image.h). */
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image.h"

static bool overlaps(uintptr_t a_start, uintptr_t a_end, uintptr_t b_start, uintptr_t b_end)
{
	return a_start < b_end && b_start < a_end;
}

void image_ranges_select(const ElfW(Phdr) * phdrs, size_t count, uintptr_t bias, size_t page_size,
			 struct image_ranges *out)
{
	uintptr_t relro_start = 0, relro_end = 0;

	out->count = 0;
	for (size_t i = 0; i < count; i++)
		if (phdrs[i].p_type == PT_GNU_RELRO) {
			relro_start = bias + phdrs[i].p_vaddr;
			relro_end = relro_start + phdrs[i].p_memsz;
		}
	for (size_t i = 0; i < count && out->count < IMAGE_RANGES_MAX; i++) {
		const ElfW(Phdr) *ph = &phdrs[i];
		uintptr_t start = bias + ph->p_vaddr, end = start + ph->p_filesz;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || !(ph->p_flags & PF_R))
			continue;
		if (relro_end > relro_start && overlaps(start, end, relro_start, relro_end))
			continue;
		/* inward to whole pages: a neighbour's page may be writable */
		start = (start + page_size - 1) / page_size * page_size;
		end = end / page_size * page_size;
		if (end <= start)
			continue;
		out->range[out->count].start = start;
		out->range[out->count].length = end - start;
		out->count++;
	}
}

static int select_main_program(struct dl_phdr_info *info, size_t size, void *data)
{
	long page_size = sysconf(_SC_PAGESIZE);

	(void)size;
	if (page_size <= 0)
		return -EINVAL;
	/* the first object is the program itself */
	image_ranges_select(info->dlpi_phdr, info->dlpi_phnum, info->dlpi_addr, (size_t)page_size, data);
	return 1;
}

int image_ranges_find(struct image_ranges *out)
{
	out->count = 0;
	return dl_iterate_phdr(select_main_program, out) == 1 ? 0 : -EINVAL;
}

int image_ranges_release(const struct image_ranges *ranges)
{
	int r = 0;

	for (size_t i = 0; i < ranges->count; i++) {
		/* program headers give addresses as integers */
		// NOLINTNEXTLINE(performance-no-int-to-ptr)
		void *start = (void *)ranges->range[i].start;

		if (madvise(start, ranges->range[i].length, MADV_DONTNEED) < 0 && r == 0)
			r = -errno;
	}
	return r;
}
