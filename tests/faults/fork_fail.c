/* fork_fail.c: a preloaded shim for tests/faults/fork-fail.test.mjs, built
 * by that test and never shipped. While the file named by
 * KP_FORK_FAIL_FILE exists, fork() fails with EAGAIN, as it does when a
 * process limit or memory runs out; otherwise the real fork() runs. So the
 * supervisor's own code meets the failure, unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

pid_t fork(void)
{
	static pid_t (*real_fork)(void);
	const char *flag = getenv("KP_FORK_FAIL_FILE");

	if (flag != NULL && access(flag, F_OK) == 0) {
		errno = EAGAIN;
		return -1;
	}
	if (real_fork == NULL)
		*(void **)&real_fork = dlsym(RTLD_NEXT, "fork");
	if (real_fork == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real_fork();
}
