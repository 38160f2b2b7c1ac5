/* The helpers of util.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int read_all(int fd, void *buf, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = read(fd, (char *)buf + *done, len - *done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*done += (size_t)n;
	}
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int array_reserve(void *array_ptr, size_t *capacity, size_t needed, size_t item_size, size_t initial,
		  size_t max_capacity)
{
	size_t grown = *capacity ? *capacity : initial ? initial : 1;
	void *array, *bigger;

	if (needed <= *capacity)
		return 0;
	while (grown < needed) {
		if (grown > SIZE_MAX / 2)
			return -ENOMEM;
		grown *= 2;
	}
	if (grown > max_capacity)
		return -EFBIG;
	if (grown > SIZE_MAX / item_size)
		return -ENOMEM;
	/* array_ptr is a T **: copied, not cast, so any T will do */
	memcpy(&array, array_ptr, sizeof(array));
	bigger = realloc(array, grown * item_size);
	if (!bigger)
		return -ENOMEM;
	memcpy(array_ptr, &bigger, sizeof(bigger));
	*capacity = grown;
	return 0;
}

int set_err(char *err, size_t errlen, int error, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return error;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return error;
}
