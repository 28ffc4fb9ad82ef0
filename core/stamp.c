/* stamp.c: the host's change counter (see stamp.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stamp.h"

#define STAMP_MAGIC "kpstamp1"
#define STAMP_SIZE 4096

struct stamp_page {
	char magic[8];
	_Atomic uint64_t changes;
};

static struct stamp_page *page;

int stamp_attach(const char *path, char *err, size_t errlen)
{
	struct stamp_page *p;
	struct stat st;
	int fd;

	stamp_detach();
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "change_file %s: %s", path, strerror(errno));
		return -1;
	}
	/* Two pools may create it at once: both only ever grow it to the
	 * same size, and a new file reads as zeros. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_size < STAMP_SIZE && ftruncate(fd, STAMP_SIZE) != 0)) {
		snprintf(err, errlen, "change_file %s: not a regular file of %d bytes", path,
		         STAMP_SIZE);
		close(fd);
		return -1;
	}
	p = mmap(NULL, STAMP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "change_file %s: mmap: %s", path, strerror(errno));
		return -1;
	}
	if (memcmp(p->magic, STAMP_MAGIC, sizeof(p->magic)) != 0) {
		static const char zero[8];

		if (memcmp(p->magic, zero, sizeof(zero)) != 0) {
			snprintf(err, errlen, "change_file %s: not a change counter", path);
			munmap(p, STAMP_SIZE);
			return -1;
		}
		memcpy(p->magic, STAMP_MAGIC, sizeof(p->magic));
	}
	page = p;
	return 0;
}

void stamp_detach(void)
{
	if (page != NULL)
		munmap(page, STAMP_SIZE);
	page = NULL;
}

bool stamp_on(void)
{
	return page != NULL;
}

uint64_t stamp_read(void)
{
	return page != NULL ? atomic_load(&page->changes) : 0;
}

void stamp_bump(void)
{
	if (page != NULL)
		atomic_fetch_add(&page->changes, 1);
}
