/* hello.c: the bare libfcgi responder that tests/bench/plan-read measures
 * next to Kaptajn, as the ceiling a FastCGI program behind the same nginx
 * can reach on this machine. Prefork workers on one unix socket, each
 * answering every request with the same fixed JSON body: no database, no
 * parsing, no allocation per request.
 *
 *   bench_hello SOCKET WORKERS BYTES [DB_SOCKET DB_NAME DB_USER]
 *
 * With the database arguments each worker also reads one session row per
 * request, by primary key, with a prepared statement, before it answers:
 * the least any design that asks the database on every read can do. The
 * rows are the open citizen sessions there when the worker starts, drawn
 * at random per request.
 *
 * Runs until SIGTERM or SIGINT, then stops its workers. */
#include <errno.h>
#include <fcgiapp.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO_MAX_WORKERS 64
#define HELLO_MAX_KEYS 100000
#define HELLO_KEY_LEN 32

/* The one-table session read: the columns every session check needs. */
static const char session_sql[] =
	"SELECT citizen_id, csrf_hash, created_at, last_seen FROM sessions"
	" WHERE id_hash = ? AND kind = 'citizen' AND ended_at IS NULL";

struct hello_db {
	MYSQL *conn;
	MYSQL_STMT *stmt;
	MYSQL_BIND param;
	unsigned char key[HELLO_KEY_LEN];
	unsigned long key_len;
	unsigned char (*keys)[HELLO_KEY_LEN];
	int nkeys;
	unsigned seed;
};

/* Connects, loads the open citizen sessions' keys and prepares the read;
 * exits on any failure, so a broken reference is never measured. */
static void db_open(struct hello_db *d, char **argv)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	memset(d, 0, sizeof(*d));
	d->seed = (unsigned)getpid();
	if ((d->conn = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(d->conn, NULL, argv[2], NULL, argv[1], 0, argv[0], 0) == NULL ||
	    mysql_query(d->conn, "SELECT id_hash FROM sessions WHERE kind = 'citizen'"
	                         " AND ended_at IS NULL LIMIT 100000") != 0 ||
	    (res = mysql_store_result(d->conn)) == NULL) {
		fprintf(stderr, "bench_hello: database: %s\n", d->conn ? mysql_error(d->conn) : "");
		_exit(1);
	}
	if ((d->keys = calloc(HELLO_MAX_KEYS, HELLO_KEY_LEN)) == NULL)
		_exit(1);
	while ((row = mysql_fetch_row(res)) != NULL && d->nkeys < HELLO_MAX_KEYS)
		if (mysql_fetch_lengths(res)[0] == HELLO_KEY_LEN)
			memcpy(d->keys[d->nkeys++], row[0], HELLO_KEY_LEN);
	mysql_free_result(res);
	d->key_len = HELLO_KEY_LEN;
	d->param.buffer_type = MYSQL_TYPE_BLOB;
	d->param.buffer = d->key;
	d->param.buffer_length = HELLO_KEY_LEN;
	d->param.length = &d->key_len;
	if (d->nkeys == 0 || (d->stmt = mysql_stmt_init(d->conn)) == NULL ||
	    mysql_stmt_prepare(d->stmt, session_sql, sizeof(session_sql) - 1) != 0 ||
	    mysql_stmt_bind_param(d->stmt, &d->param) != 0) {
		fprintf(stderr, "bench_hello: no sessions to read, or the read failed to prepare\n");
		_exit(1);
	}
}

/* One session row by primary key; a failure ends the worker (nginx then
 * answers 502, which the bench counts). */
static void db_read(struct hello_db *d)
{
	memcpy(d->key, d->keys[rand_r(&d->seed) % d->nkeys], HELLO_KEY_LEN);
	if (mysql_stmt_execute(d->stmt) != 0 || mysql_stmt_store_result(d->stmt) != 0 ||
	    mysql_stmt_num_rows(d->stmt) != 1) {
		fprintf(stderr, "bench_hello: session read: %s\n", mysql_stmt_error(d->stmt));
		_exit(1);
	}
	mysql_stmt_free_result(d->stmt);
}

static void serve(int fd, const char *head, const char *body, int len, char **db_argv)
{
	struct hello_db db;
	FCGX_Request rq;

	if (db_argv != NULL)
		db_open(&db, db_argv);
	if (FCGX_InitRequest(&rq, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&rq) == 0) {
		if (db_argv != NULL)
			db_read(&db);
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

	if ((argc != 4 && argc != 7) || (n = atoi(argv[2])) < 1 || n > HELLO_MAX_WORKERS ||
	    (len = atoi(argv[3])) < 2 || len > 1 << 20) {
		fprintf(stderr, "usage: bench_hello SOCKET WORKERS(1-%d) BYTES [DB_SOCKET DB_NAME DB_USER]\n",
		        HELLO_MAX_WORKERS);
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
			serve(fd, head, body, len, argc == 7 ? argv + 4 : NULL);
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
