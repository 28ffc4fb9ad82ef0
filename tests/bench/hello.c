/* hello.c: the bare libfcgi responder that tests/bench/plan-read measures
 * next to Kaptajn, as the ceiling a FastCGI program behind the same nginx
 * can reach on this machine. Prefork workers on one unix socket, each
 * answering every request with the same fixed JSON body: no database, no
 * parsing, no allocation per request.
 *
 *   bench_hello SOCKET WORKERS BYTES
 *
 * Runs until SIGTERM or SIGINT, then stops its workers. */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO_MAX_WORKERS 64

static void serve(int fd, const char *head, const char *body, int len)
{
	FCGX_Request rq;

	if (FCGX_InitRequest(&rq, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&rq) == 0) {
		FCGX_PutS(head, rq.out);
		FCGX_PutStr(body, len, rq.out);
		FCGX_Finish_r(&rq);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	pid_t kids[HELLO_MAX_WORKERS];
	char head[128], *body;
	int fd, n, len, i, sig;
	sigset_t set;
	mode_t old;

	if (argc != 4 || (n = atoi(argv[2])) < 1 || n > HELLO_MAX_WORKERS ||
	    (len = atoi(argv[3])) < 2 || len > 1 << 20) {
		fprintf(stderr, "usage: bench_hello SOCKET WORKERS(1-%d) BYTES\n", HELLO_MAX_WORKERS);
		return 2;
	}
	if ((body = malloc((size_t)len)) == NULL)
		return 1;
	/* A JSON string of the given length: "hhhh...". */
	memset(body, 'h', (size_t)len);
	body[0] = body[len - 1] = '"';
	snprintf(head, sizeof(head),
	         "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
	         "Content-Length: %d\r\n\r\n",
	         len);
	if (FCGX_Init() != 0)
		return 1;
	unlink(argv[1]);
	old = umask(0117);
	fd = FCGX_OpenSocket(argv[1], 128);
	umask(old);
	if (fd < 0) {
		fprintf(stderr, "bench_hello: cannot listen on %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++) {
		if ((kids[i] = fork()) == 0) {
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			serve(fd, head, body, len);
		}
		if (kids[i] < 0) {
			n = i;
			break;
		}
	}
	sigwait(&set, &sig);
	for (i = 0; i < n; i++)
		kill(kids[i], SIGTERM);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	unlink(argv[1]);
	free(body);
	return 0;
}
