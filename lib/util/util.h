/* Small helpers used across lib/: whole reads and writes that survive
 * signals, growing an array, and an error worded into the caller's buffer. */
#ifndef CORRAL_UTIL_H
#define CORRAL_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Reads until len bytes or end of file, retrying on EINTR. 0 (*done < len
 * at end of file), or -errno; *done is what was read either way. */
int read_all(int fd, void *buf, size_t len, size_t *done);

/* Writes all of buf, retrying on EINTR and short writes. 0 or -errno
 * (-EIO when the fd takes nothing). */
int write_all(int fd, const void *buf, size_t len);

/* Makes room for needed items of item_size in the array *array_ptr points
 * to, doubling *capacity from initial. 0; -EFBIG when that would pass
 * max_capacity items; -ENOMEM. The array is unchanged on failure. */
int array_reserve(void *array_ptr, size_t *capacity, size_t needed, size_t item_size, size_t initial,
		  size_t max_capacity);

#define ARRAY_RESERVE(array, capacity, needed, initial) \
	array_reserve(&(array), &(capacity), (needed), sizeof(*(array)), (initial), SIZE_MAX)

/* Formats the reason into err (as snprintf) and returns error, so that
 * `return set_err(err, errlen, -EINVAL, "...", ...);` fails in one line. */
__attribute__((format(printf, 4, 5))) int set_err(char *err, size_t errlen, int error, const char *fmt, ...);

#endif
