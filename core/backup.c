/* backup.c: kaptajn backup and kaptajn restore (see backup.h). The dump is
 * mariadb-dump's; what the manifest says of it is read from its own lines
 * as they pass, so it is the dump's snapshot and no other. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <mbedtls/sha256.h>
#include <zlib.h>

#include "audit.h"
#include "backup.h"
#include "crypto.h"
#include "seed.h"

#ifndef KP_VERSION
#define KP_VERSION "unknown"
#endif

#define BACKUP_FORMAT "kaptajn-backup 1"
#define BACKUP_HEX_LEN (2 * KP_SHA256_LEN)

/* The main tables: the manifest counts the rows of those the dump holds,
 * by these names, and a restore counts them again, each by its own
 * statement (a name from a manifest never becomes SQL). */
static const struct {
	const char *name;
	enum db_stmt count;
} backup_tables[BC__MAX] = {
	[BC_STAFF] = {"staff", DB_BACKUP_COUNT_STAFF},
	[BC_HOUSEHOLDS] = {"households", DB_BACKUP_COUNT_HOUSEHOLDS},
	[BC_PLANS] = {"plans", DB_BACKUP_COUNT_PLANS},
	[BC_PLAN_HISTORY] = {"plan_history", DB_BACKUP_COUNT_PLAN_HISTORY},
	[BC_CITIZENS] = {"citizens", DB_BACKUP_COUNT_CITIZENS},
	[BC_CHILDREN] = {"children", DB_BACKUP_COUNT_CHILDREN},
	[BC_DREAMS] = {"dreams", DB_BACKUP_COUNT_DREAMS},
	[BC_GOALS] = {"goals", DB_BACKUP_COUNT_GOALS},
	[BC_PROPOSALS] = {"proposals", DB_BACKUP_COUNT_PROPOSALS},
	[BC_PROPOSAL_COMMENTS] = {"proposal_comments", DB_BACKUP_COUNT_PROPOSAL_COMMENTS},
	[BC_PLAN_ACCEPTANCES] = {"plan_acceptances", DB_BACKUP_COUNT_PLAN_ACCEPTANCES},
	[BC_PLAN_ANSWERS] = {"plan_answers", DB_BACKUP_COUNT_PLAN_ANSWERS},
	[BC_PLAN_CHANGES] = {"plan_changes", DB_BACKUP_COUNT_PLAN_CHANGES},
	[BC_CONSENTS] = {"consents", DB_BACKUP_COUNT_CONSENTS},
	[BC_MEETINGS] = {"meetings", DB_BACKUP_COUNT_MEETINGS},
	[BC_GOAL_PROGRESS] = {"goal_progress", DB_BACKUP_COUNT_GOAL_PROGRESS},
	[BC_AUDIT_LOG] = {"audit_log", DB_BACKUP_COUNT_AUDIT_LOG},
	[BC_MESSAGES] = {"messages", DB_BACKUP_COUNT_MESSAGES},
};

/* The most distinct CPR key ids a manifest lists. */
#define BACKUP_KEY_IDS 16

/* What the dump's lines say: the main tables it creates and their rows,
 * the audit head, the highest migration, the key ids of the sealed CPR
 * numbers, and whether mariadb-dump wrote its closing line. */
struct backup_facts {
	/* citizens: the key ids its sealed rows need, how many sealed rows
	 * have none (sealed before 015), and where the two columns are in a
	 * row, from its CREATE TABLE (-1: not seen; no cpr_key_id before
	 * 015, when every sealed row has none). */
	char key_ids[BACKUP_KEY_IDS][KP_KEY_ID_LEN + 1];
	size_t nkey_ids;
	bool key_ids_overflow;
	long long unlabelled;
	int col_sealed, col_key_id, ncols;
	bool in_create;
	/* Inside a citizens row: which field, and what the two said. */
	bool in_row;
	int field;
	bool row_sealed;
	char row_key_id[KP_KEY_ID_LEN + 1];
	long long rows[BC__MAX];
	bool created[BC__MAX];
	long long head_id;
	char head_hash[BACKUP_HEX_LEN + 1];
	char migration[256];
	bool head_seen;
	bool completed;
	/* Where the scan is: inside an INSERT of table (BC__MAX: not a main
	 * one; which: 1 audit_head, 2 schema_migrations, 0 neither), inside
	 * a string. */
	bool in_insert, quoted;
	size_t table;
	int which;
};

static double backup_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A tuple of `audit_head`: (id,last_id,0xhash). */
static void backup_scan_head(struct backup_facts *f, const char *p)
{
	char hex[BACKUP_HEX_LEN + 1];
	long long id;
	int n = 0;
	size_t i;

	if (sscanf(p, "(%*[0-9],%lld,0x%64[0-9A-Fa-f])%n", &id, hex, &n) == 2 && n > 0 &&
	    strlen(hex) == BACKUP_HEX_LEN) {
		for (i = 0; i < BACKUP_HEX_LEN; i++)
			f->head_hash[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a'
			                                                        : hex[i]);
		f->head_hash[BACKUP_HEX_LEN] = '\0';
		f->head_id = id;
		f->head_seen = true;
	}
}

/* A tuple of `schema_migrations`: ('NNN_name.sql',...); the highest name. */
static void backup_scan_migration(struct backup_facts *f, const char *p)
{
	char name[sizeof(f->migration)];
	size_t n = 0;

	if (p[1] != '\'')
		return;
	for (p += 2; *p != '\0' && *p != '\'' && *p != '\\' && n + 1 < sizeof(name); p++)
		name[n++] = *p;
	name[n] = '\0';
	if (*p == '\'' && strcmp(name, f->migration) > 0)
		memcpy(f->migration, name, n + 1);
}

/* The main table named by the len bytes at name: its index, or BC__MAX. */
static size_t backup_table_find(const char *name, size_t len)
{
	size_t t;

	for (t = 0; t < BC__MAX; t++)
		if (strlen(backup_tables[t].name) == len &&
		    strncmp(name, backup_tables[t].name, len) == 0)
			break;
	return t;
}

/*
 * Which main tables the dump creates (an older schema has fewer), and the
 * columns of `citizens`, from its CREATE TABLE: one "  `name` ..." line
 * each until the first line that is not one. A generated column is in the
 * rows all the same (mariadb-dump writes its value). True when line was
 * such a line.
 */
static bool backup_scan_create(struct backup_facts *f, const char *line)
{
	static const char create[] = "CREATE TABLE `";
	const char *e;
	size_t t;

	if (strncmp(line, create, sizeof(create) - 1) == 0 &&
	    (e = strchr(line + sizeof(create) - 1, '`')) != NULL) {
		t = backup_table_find(line + sizeof(create) - 1,
		                      (size_t)(e - (line + sizeof(create) - 1)));
		if (t < BC__MAX)
			f->created[t] = true;
		f->in_create = t == BC_CITIZENS;
		f->ncols = 0;
		return true;
	}
	if (!f->in_create)
		return false;
	if (strncmp(line, "  `", 3) != 0 || (e = strchr(line + 3, '`')) == NULL) {
		f->in_create = false;
		return true;
	}
	if (e - (line + 3) == 10 && strncmp(line + 3, "cpr_sealed", 10) == 0)
		f->col_sealed = f->ncols;
	else if (e - (line + 3) == 10 && strncmp(line + 3, "cpr_key_id", 10) == 0)
		f->col_key_id = f->ncols;
	f->ncols++;
	return true;
}

/* Field n of a citizens row starts at p: notes whether the number is
 * sealed and under which key id. */
static void backup_scan_field(struct backup_facts *f, const char *p, int n)
{
	size_t i;

	if (n == f->col_sealed)
		f->row_sealed = strncmp(p, "NULL", 4) != 0;
	if (n != f->col_key_id || *p != '\'')
		return;
	for (i = 0; i < KP_KEY_ID_LEN && kp_hex_value(p[1 + i]) >= 0; i++)
		f->row_key_id[i] = p[1 + i];
	f->row_key_id[i == KP_KEY_ID_LEN && p[1 + i] == '\'' ? i : 0] = '\0';
}

/* The end of a citizens row: its key id counted. */
static void backup_scan_row_end(struct backup_facts *f)
{
	size_t i;

	f->in_row = false;
	if (!f->row_sealed)
		return;
	if (f->row_key_id[0] == '\0') {
		f->unlabelled++;
		return;
	}
	for (i = 0; i < f->nkey_ids; i++)
		if (strcmp(f->key_ids[i], f->row_key_id) == 0)
			return;
	if (f->nkey_ids == BACKUP_KEY_IDS) {
		f->key_ids_overflow = true;
		return;
	}
	memcpy(f->key_ids[f->nkey_ids++], f->row_key_id, sizeof(f->row_key_id));
}

/*
 * One line of the dump. mariadb-dump writes each table's rows as one
 * statement "INSERT INTO `name` VALUES" with its rows "(...)," after it,
 * on the same line or (10.11) one a line, ended by ';'. A string's quote
 * and backslash are escaped by a backslash and its newlines as \n, binary
 * columns are 0x... (--hex-blob): outside a string, '(' opens a row and
 * ';' ends the statement. The state is carried from line to line in f.
 */
static void backup_scan_line(struct backup_facts *f, const char *line)
{
	static const char insert[] = "INSERT INTO `", values[] = "` VALUES";
	const char *name, *p = line;
	size_t len;

	if (!f->in_insert && backup_scan_create(f, line))
		return;
	if (!f->in_insert) {
		if (strncmp(line, "-- Dump completed", 17) == 0)
			f->completed = true;
		if (strncmp(line, insert, sizeof(insert) - 1) != 0)
			return;
		name = line + sizeof(insert) - 1;
		if ((p = strchr(name, '`')) == NULL || strncmp(p, values, sizeof(values) - 1) != 0)
			return;
		len = (size_t)(p - name);
		f->table = backup_table_find(name, len);
		f->which = len == 10 && strncmp(name, "audit_head", len) == 0          ? 1
		           : len == 17 && strncmp(name, "schema_migrations", len) == 0 ? 2 : 0;
		f->in_insert = true;
		f->quoted = false;
		p += sizeof(values) - 1;
	}
	for (; *p != '\0'; p++) {
		if (f->quoted) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '\'')
				f->quoted = false;
			continue;
		}
		if (*p == '\'') {
			f->quoted = true;
		} else if (*p == ';') {
			f->in_insert = false;
			return;
		} else if (f->table == BC_CITIZENS && f->in_row && (*p == ',' || *p == ')')) {
			if (*p == ',')
				backup_scan_field(f, p + 1, ++f->field);
			else
				backup_scan_row_end(f);
		} else if (*p == '(') {
			if (f->table == BC_CITIZENS) {
				f->in_row = true;
				f->row_sealed = false;
				f->row_key_id[0] = '\0';
				backup_scan_field(f, p + 1, f->field = 0);
			}
			if (f->table < BC__MAX)
				f->rows[f->table]++;
			if (f->which == 1)
				backup_scan_head(f, p);
			else if (f->which == 2)
				backup_scan_migration(f, p);
		}
	}
}

/* s with '\' and the characters that end a line escaped, in double
 * quotes, as an option file's value; NULL when out of memory. */
static char *backup_opt_quote(const char *s)
{
	char *q = malloc(2 * strlen(s) + 3), *o = q;

	if (q == NULL)
		return NULL;
	*o++ = '"';
	for (; *s != '\0'; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r"
		                  : *s == '\t' ? "\\t" : NULL;

		if (esc != NULL) {
			memcpy(o, esc, 2);
			o += 2;
		} else {
			*o++ = *s;
		}
	}
	*o++ = '"';
	*o = '\0';
	return q;
}

/* Empties and removes the defaults file at path ("" is a no-op). */
static void backup_defaults_remove(char *path)
{
	static const char zero[256];
	struct stat st;
	off_t left;
	int fd;

	if (*path == '\0')
		return;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) == 0)
			for (left = st.st_size; left > 0; left -= (off_t)sizeof(zero))
				if (write(fd, zero, left < (off_t)sizeof(zero) ? (size_t)left
				                                               : sizeof(zero)) < 0)
					break;
		close(fd);
	}
	unlink(path);
	*path = '\0';
}

/*
 * Writes the client's connection options (socket, user, password) to a new
 * file of mode 0600 under $TMPDIR or /tmp, its name in path (size
 * PATH_MAX-ish), for --defaults-file=. 0, or -1 with the reason said to
 * log (nothing left behind).
 */
static int backup_defaults_write(const struct kp_config *cfg, char *path, size_t pathlen,
                                 FILE *log)
{
	const char *tmp = getenv("TMPDIR");
	char *user = NULL, *sock = NULL, *pw = NULL, *text = NULL;
	size_t len;
	int fd = -1, rc = -1;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(path, pathlen, "%s/kaptajn-client-XXXXXX", tmp) >= pathlen) {
		fprintf(log, "kaptajn: the temporary directory's name is too long\n");
		*path = '\0';
		return -1;
	}
	if ((fd = mkstemp(path)) < 0) {
		fprintf(log, "kaptajn: cannot make a temporary file in %s: %s\n", tmp,
		        strerror(errno));
		*path = '\0';
		return -1;
	}
	if ((user = backup_opt_quote(cfg->db_user)) == NULL ||
	    (sock = backup_opt_quote(cfg->db_socket)) == NULL ||
	    (pw = backup_opt_quote(cfg->db_password != NULL ? cfg->db_password : "")) == NULL)
		goto out;
	len = strlen(user) + strlen(sock) + strlen(pw) + 64;
	if ((text = malloc(len)) == NULL)
		goto out;
	len = (size_t)snprintf(text, len, "[client]\nuser=%s\nsocket=%s\n%s%s%s", user, sock,
	                       cfg->db_password != NULL ? "password=" : "",
	                       cfg->db_password != NULL ? pw : "",
	                       cfg->db_password != NULL ? "\n" : "");
	if (fchmod(fd, 0600) != 0 || write(fd, text, len) != (ssize_t)len) {
		fprintf(log, "kaptajn: cannot write %s: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0 && text == NULL)
		fprintf(log, "kaptajn: out of memory\n");
	if (pw != NULL)
		kp_wipe(pw, strlen(pw));
	if (text != NULL)
		kp_wipe(text, strlen(text));
	free(user);
	free(sock);
	free(pw);
	free(text);
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		backup_defaults_remove(path);
	return rc;
}

/* A pipe whose ends a child does not keep (only what it dup2's): 0 or -1. */
static int backup_pipe(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Runs argv[0] (found on PATH) with in_fd as its stdin and out_fd as its
 * stdout (-1: ours), its stderr ours; our other descriptors are
 * close-on-exec. The child's pid, or -1. */
static pid_t backup_spawn(char *const argv[], int in_fd, int out_fd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if ((in_fd >= 0 && dup2(in_fd, STDIN_FILENO) < 0) ||
	    (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0))
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "kaptajn: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Waits for pid: 0 when it exited with 0, else -1 with what happened said
 * to log. */
static int backup_wait(pid_t pid, const char *what, FILE *log)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(log, "kaptajn: %s: %s\n", what, strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		fprintf(log, "kaptajn: %s failed (exit %d)\n", what, WEXITSTATUS(status));
	else
		fprintf(log, "kaptajn: %s was stopped by signal %d\n", what,
		        WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

/* The SHA-256 (hex) and size of the file open at fd, read from its start.
 * 0, or -1 with errno set. */
static int backup_fd_sha256(int fd, char hex[BACKUP_HEX_LEN + 1], long long *bytes)
{
	unsigned char buf[65536], sum[KP_SHA256_LEN];
	mbedtls_sha256_context c;
	ssize_t n;
	int rc = 0;

	*bytes = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		mbedtls_sha256_update_ret(&c, buf, (size_t)n);
		*bytes += n;
	}
	mbedtls_sha256_finish_ret(&c, sum);
	mbedtls_sha256_free(&c);
	kp_hex_encode(sum, sizeof(sum), hex);
	return rc;
}

/* What a backup is making: its temporary and final names. */
struct backup_files {
	char dump_tmp[4096], dump[4096], manifest_tmp[4096], manifest[4096], name[64];
};

/* Writes text to a new temporary file of mode 0600 named by tmpl (its
 * XXXXXX replaced) and fsyncs it. 0, or -1 said to log. */
static int backup_write_file(char *tmpl, const char *text, FILE *log)
{
	size_t len = strlen(text);
	int fd;

	if ((fd = mkstemp(tmpl)) < 0) {
		fprintf(log, "kaptajn: cannot create %s: %s\n", tmpl, strerror(errno));
		*tmpl = '\0';
		return -1;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		fprintf(log, "kaptajn: cannot write %s: %s\n", tmpl, strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd) == 0 ? 0 : -1;
}

/* Streams mariadb-dump's output from fd into the gzip file out_fd, reading
 * its facts on the way. 0, or -1 said to log. */
static int backup_stream(int fd, int out_fd, struct backup_facts *f, long long *sql_bytes,
                         FILE *log)
{
	FILE *in = fdopen(fd, "r");
	gzFile gz = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int gzfd = -1, rc = -1;

	if (in == NULL || (gzfd = dup(out_fd)) < 0 || (gz = gzdopen(gzfd, "wb6")) == NULL) {
		fprintf(log, "kaptajn: cannot set up the compression\n");
		if (gzfd >= 0 && gz == NULL)
			close(gzfd);
		if (in == NULL)
			close(fd);
		else
			fclose(in);
		return -1;
	}
	*sql_bytes = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		backup_scan_line(f, line);
		if (gzwrite(gz, line, (unsigned)n) != (int)n) {
			fprintf(log, "kaptajn: cannot write the dump (disk full?)\n");
			goto out;
		}
		*sql_bytes += n;
	}
	if (ferror(in)) {
		fprintf(log, "kaptajn: cannot read mariadb-dump's output\n");
		goto out;
	}
	rc = 0;
out:
	if (gzclose(gz) != Z_OK && rc == 0) {
		fprintf(log, "kaptajn: cannot finish the compressed dump\n");
		rc = -1;
	}
	free(line);
	fclose(in);
	return rc;
}

/* The manifest of a finished dump as JSON text (the caller frees it), or
 * NULL when out of memory. */
static char *backup_manifest_text(const struct kp_config *cfg, const struct backup_files *bf,
                                  const struct backup_facts *f, const char *created,
                                  const char *hex, long long bytes, long long sql_bytes)
{
	json_t *m, *rows = json_object(), *ids = json_array();
	char *text = NULL;
	size_t t;

	/* Only the tables the dump holds: a restore counts each one listed. */
	for (t = 0; rows != NULL && t < BC__MAX; t++)
		if (f->created[t])
			json_object_set_new(rows, backup_tables[t].name, json_integer(f->rows[t]));
	for (t = 0; ids != NULL && t < f->nkey_ids; t++)
		json_array_append_new(ids, json_string(f->key_ids[t]));
	m = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:I, s:I, s:s}, s:s, s:o,"
	              " s:{s:I, s:I, s:s}, s:{s:o, s:I}, s:s}",
	              "format", BACKUP_FORMAT, "version", KP_VERSION, "created_at", created,
	              "database", cfg->db_name, "dump", "file", bf->name, "bytes",
	              (json_int_t)bytes, "sql_bytes", (json_int_t)sql_bytes, "sha256", hex,
	              "migration", f->migration, "rows", rows, "audit", "rows",
	              (json_int_t)f->rows[BC_AUDIT_LOG], "head_id", (json_int_t)f->head_id,
	              "head_hash", f->head_hash, "cpr_keys", "key_ids", ids, "without_key_id",
	              (json_int_t)f->unlabelled, "snapshot",
	              "rows, migration, audit head and CPR key ids are read from the dump's own "
	              "lines: "
	              "mariadb-dump --single-transaction's one snapshot");
	if (m != NULL)
		text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(m);
	return text;
}

/* Makes the names: kaptajn-<UTC time>.sql.gz and its manifest in outdir,
 * and temporary ones beside them. -1 when outdir's name is too long. */
static int backup_names(struct backup_files *bf, const char *outdir, char *created,
                        size_t createdlen)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	strftime(created, createdlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(bf->name, sizeof(bf->name), "kaptajn-%s" BACKUP_DUMP_SUFFIX, stamp);
	if ((size_t)snprintf(bf->dump, sizeof(bf->dump), "%s/%s", outdir, bf->name) >=
	            sizeof(bf->dump) ||
	    (size_t)snprintf(bf->manifest, sizeof(bf->manifest),
	                     "%s/kaptajn-%s" BACKUP_MANIFEST_SUFFIX, outdir, stamp) >=
	            sizeof(bf->manifest) ||
	    (size_t)snprintf(bf->dump_tmp, sizeof(bf->dump_tmp), "%s/.%s.XXXXXX", outdir,
	                     bf->name) >= sizeof(bf->dump_tmp) ||
	    (size_t)snprintf(bf->manifest_tmp, sizeof(bf->manifest_tmp),
	                     "%s/.kaptajn-%s" BACKUP_MANIFEST_SUFFIX ".XXXXXX", outdir, stamp) >=
	            sizeof(bf->manifest_tmp))
		return -1;
	return 0;
}

/* Gives tmp its final name, refusing to replace a file: 0, or -1 said to
 * log. */
static int backup_publish(const char *tmp, const char *final, FILE *log)
{
	if (link(tmp, final) != 0) {
		fprintf(log, "kaptajn: cannot name %s: %s\n", final, strerror(errno));
		return -1;
	}
	unlink(tmp);
	return 0;
}

int backup_run(const struct kp_config *cfg, const char *outdir, FILE *out, FILE *log)
{
	struct backup_files bf;
	struct backup_facts f;
	char defaults[4096] = "", opt[4200], created[32], hex[BACKUP_HEX_LEN + 1];
	char *manifest = NULL;
	char *argv[] = {"mariadb-dump", opt, "--single-transaction", "--routines", "--triggers",
	                "--events", "--hex-blob", "--default-character-set=utf8mb4",
	                "--no-tablespaces", "--extended-insert", cfg->db_name, NULL};
	long long bytes = 0, sql_bytes = 0, rows = 0;
	double t0 = backup_now();
	int p[2] = {-1, -1}, fd = -1, dirfd = -1, rc = 1;
	pid_t pid = -1;
	struct stat st;
	size_t t;

	memset(&f, 0, sizeof(f));
	f.col_sealed = f.col_key_id = -1;
	memset(&bf, 0, sizeof(bf));
	if (stat(outdir, &st) != 0 || !S_ISDIR(st.st_mode) || access(outdir, W_OK) != 0) {
		fprintf(log, "kaptajn: backup refused: %s (--out or backup_dir) is not a directory "
		        "this user can write to; nothing was written\n", outdir);
		return 1;
	}
	if (cfg->db_name[0] == '-' || backup_names(&bf, outdir, created, sizeof(created)) != 0) {
		fprintf(log, "kaptajn: backup refused: the database's or the directory's name "
		        "cannot be used\n");
		return 1;
	}
	if ((dirfd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(log, "kaptajn: %s: %s\n", outdir, strerror(errno));
		goto out;
	}
	if (backup_defaults_write(cfg, defaults, sizeof(defaults), log) != 0)
		goto out;
	snprintf(opt, sizeof(opt), "--defaults-file=%s", defaults);
	if ((fd = mkstemp(bf.dump_tmp)) < 0) {
		fprintf(log, "kaptajn: cannot create %s: %s\n", bf.dump_tmp, strerror(errno));
		bf.dump_tmp[0] = '\0';
		goto out;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, 0600) != 0 || backup_pipe(p) != 0) {
		fprintf(log, "kaptajn: %s\n", strerror(errno));
		goto out;
	}
	if ((pid = backup_spawn(argv, -1, p[1])) < 0) {
		fprintf(log, "kaptajn: cannot start mariadb-dump: %s\n", strerror(errno));
		goto out;
	}
	close(p[1]);
	p[1] = -1;
	/* backup_stream closes p[0]. */
	rc = backup_stream(p[0], fd, &f, &sql_bytes, log) == 0 ? 0 : 1;
	p[0] = -1;
	if (backup_wait(pid, "mariadb-dump", log) != 0)
		rc = 1;
	pid = -1;
	backup_defaults_remove(defaults);
	if (rc != 0)
		goto out;
	rc = 1;
	if (!f.completed || !f.head_seen || f.migration[0] == '\0') {
		fprintf(log, "kaptajn: backup failed: the dump is not complete or holds no Kaptajn "
		        "schema (%s)\n", !f.completed ? "no closing line" : !f.head_seen
		        ? "no audit head" : "no migration");
		goto out;
	}
	/* A database before 015 has no cpr_key_id: its sealed rows all count
	 * as sealed before key ids. */
	if (f.col_sealed < 0 || !f.created[BC_AUDIT_LOG]) {
		fprintf(log, "kaptajn: backup failed: the dump has no citizens table with a "
		        "cpr_sealed column or no audit_log table\n");
		goto out;
	}
	if (f.key_ids_overflow) {
		fprintf(log, "kaptajn: backup failed: the CPR numbers are sealed under more than %d "
		        "key ids\n", BACKUP_KEY_IDS);
		goto out;
	}
	if (fsync(fd) != 0 || backup_fd_sha256(fd, hex, &bytes) != 0) {
		fprintf(log, "kaptajn: cannot sync %s: %s\n", bf.dump_tmp, strerror(errno));
		goto out;
	}
	if ((manifest = backup_manifest_text(cfg, &bf, &f, created, hex, bytes, sql_bytes)) ==
	    NULL) {
		fprintf(log, "kaptajn: out of memory\n");
		goto out;
	}
	if (backup_write_file(bf.manifest_tmp, manifest, log) != 0 ||
	    backup_publish(bf.dump_tmp, bf.dump, log) != 0)
		goto out;
	bf.dump_tmp[0] = '\0';
	if (backup_publish(bf.manifest_tmp, bf.manifest, log) != 0) {
		unlink(bf.dump);
		goto out;
	}
	bf.manifest_tmp[0] = '\0';
	if (fsync(dirfd) != 0) {
		fprintf(log, "kaptajn: cannot sync %s: %s\n", outdir, strerror(errno));
		goto out;
	}
	for (t = 0; t < BC__MAX; t++)
		rows += f.rows[t];
	fprintf(out, "backup: %s (%lld bytes, %lld of SQL), manifest %s\n", bf.dump, bytes,
	        sql_bytes, bf.manifest);
	fprintf(out, "backup: migration %s, %lld rows in the main tables, audit chain %lld rows,"
	        " head %s; %.2f s\n", f.migration, rows, f.rows[BC_AUDIT_LOG], f.head_hash,
	        backup_now() - t0);
	fprintf(out, "backup: CPR numbers sealed under key ids:");
	for (t = 0; t < f.nkey_ids; t++)
		fprintf(out, " %s", f.key_ids[t]);
	fprintf(out, "%s", f.nkey_ids == 0 ? " none" : "");
	if (f.unlabelled > 0)
		fprintf(out, "; %lld sealed before key ids", f.unlabelled);
	fprintf(out, "\n");
	rc = 0;
out:
	if (pid > 0) {
		kill(pid, SIGTERM);
		backup_wait(pid, "mariadb-dump", log);
	}
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	backup_defaults_remove(defaults);
	if (fd >= 0)
		close(fd);
	if (bf.dump_tmp[0] != '\0')
		unlink(bf.dump_tmp);
	if (bf.manifest_tmp[0] != '\0')
		unlink(bf.manifest_tmp);
	if (dirfd >= 0)
		close(dirfd);
	free(manifest);
	return rc;
}

/* A manifest, as restore reads it: rows of the tables it lists. */
struct backup_manifest {
	const char *sha256, *migration, *head_hash, *version;
	long long rows[BC__MAX], head_id, audit_rows;
	bool listed[BC__MAX];
	json_t *key_ids;         /* borrowed; NULL: a manifest from before key ids */
	long long without_key_id;
};

static bool backup_is_hex(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < BACKUP_HEX_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s != NULL && s[BACKUP_HEX_LEN] == '\0';
}

/* Reads the manifest object j into m (strings borrowed from j). 0, or -1
 * with the field that is wrong said to log. */
static int backup_manifest_read(json_t *j, const char *path, struct backup_manifest *m,
                                FILE *log)
{
	const char *format = NULL, *name;
	json_t *rows = NULL, *v;
	json_error_t e;
	size_t t;

	memset(m, 0, sizeof(*m));
	if (json_unpack_ex(j, &e, 0, "{s:s, s:{s:s}, s:s, s:o, s:{s:I, s:I, s:s}}", "format",
	                   &format, "dump", "sha256", &m->sha256, "migration", &m->migration,
	                   "rows", &rows, "audit", "rows", &m->audit_rows, "head_id", &m->head_id,
	                   "head_hash", &m->head_hash) != 0) {
		fprintf(log, "kaptajn: restore refused: %s is not a Kaptajn backup manifest: %s\n",
		        path, e.text);
		return -1;
	}
	if (strcmp(format, BACKUP_FORMAT) != 0 || !backup_is_hex(m->sha256) ||
	    !backup_is_hex(m->head_hash) || !json_is_object(rows)) {
		fprintf(log, "kaptajn: restore refused: %s: not format \"" BACKUP_FORMAT "\" or a "
		        "hash is not 64 hex digits\n", path);
		return -1;
	}
	/* cpr_keys came with key ids (015); a manifest without it is older. */
	if ((v = json_object_get(j, "cpr_keys")) != NULL &&
	    (json_unpack_ex(v, &e, 0, "{s:o, s:I}", "key_ids", &m->key_ids, "without_key_id",
	                    &m->without_key_id) != 0 ||
	     !json_is_array(m->key_ids))) {
		fprintf(log, "kaptajn: restore refused: %s: cpr_keys is not {\"key_ids\": [...], "
		        "\"without_key_id\": n}\n", path);
		return -1;
	}
	m->version = json_string_value(json_object_get(j, "version"));
	if (m->version == NULL)
		m->version = "not said";
	/* The tables it lists: an older version's has fewer, a newer one's
	 * may have one this program does not know and cannot check. */
	json_object_foreach(rows, name, v) {
		if ((t = backup_table_find(name, strlen(name))) == BC__MAX) {
			fprintf(log, "kaptajn: restore refused: %s counts the rows of table %s, which "
			        "this program (kaptajn " KP_VERSION ") does not know: the backup was made "
			        "by a newer version (%s); restore it with that version or a later one; "
			        "nothing was loaded\n", path, name, m->version);
			return -1;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			fprintf(log, "kaptajn: restore refused: %s: rows.%s is not a count\n", path, name);
			return -1;
		}
		m->rows[t] = json_integer_value(v);
		m->listed[t] = true;
	}
	if (!m->listed[BC_AUDIT_LOG]) {
		fprintf(log, "kaptajn: restore refused: %s: rows.audit_log is not a count\n", path);
		return -1;
	}
	return 0;
}

/* Whether this program has the manifest's migration among those of dir,
 * so that it can bring the restored database up to its own: 0, or -1 with
 * why said to log (a backup from a newer version: nothing is loaded). */
static int backup_migration_check(const struct backup_manifest *m, const char *dir, FILE *log)
{
	char newest[256] = "";
	int has = migrate_has(dir, m->migration, newest, sizeof(newest), log);

	if (has < 0) {
		fprintf(log, "kaptajn: restore refused: cannot read this program's migrations (%s); "
		        "nothing was loaded\n", dir);
		return -1;
	}
	if (has == 0) {
		fprintf(log, "kaptajn: restore refused: the backup is at migration %s, which this "
		        "program (kaptajn " KP_VERSION ", migrations up to %s in %s) does not have: "
		        "it was made by %s version (%s); restore it with that version or a later "
		        "one; nothing was loaded\n", m->migration, newest, dir,
		        strcmp(m->migration, newest) > 0 ? "a newer" : "another", m->version);
		return -1;
	}
	return 0;
}

/* Whether the keys the dump's CPR numbers need are configured: 0, or -1
 * with each key id that is not said to log. A manifest from before key ids
 * says nothing of them, nor of rows sealed before 015 (those open with the
 * key that was current then). */
static int backup_keys_check(const struct kp_config *cfg, const struct backup_manifest *m,
                             FILE *log)
{
	struct kp_keys keys;
	char err[512];
	const char *id;
	size_t i, n = m->key_ids != NULL ? json_array_size(m->key_ids) : 0;
	int rc = 0;

	if (n == 0)
		return 0;
	if (cfg->keys_file == NULL || *cfg->keys_file == '\0') {
		fprintf(log, "kaptajn: restore refused: the dump's CPR numbers are sealed under key "
		        "ids the configuration cannot be checked for: keys_file is not set; nothing "
		        "was restored\n");
		return -1;
	}
	if (kp_keys_load(&keys, cfg->keys_file, cfg->keys_old_files, err, sizeof(err)) != 0) {
		fprintf(log, "kaptajn: restore refused: %s\n", err);
		return -1;
	}
	for (i = 0; i < n; i++) {
		id = json_string_value(json_array_get(m->key_ids, i));
		if (id == NULL || kp_keys_find(&keys, id) == NULL) {
			fprintf(log, "kaptajn: restore refused: the dump's CPR numbers need key id %s, "
			        "which is not configured (keys_file is key %s%s%s); add the master key "
			        "file with that id to keys_old_files; nothing was restored\n",
			        id != NULL ? id : "(not a string)", keys.key[0].id,
			        keys.n > 1 ? ", keys_old_files has " : "",
			        keys.n > 1 ? "other keys" : "");
			rc = -1;
		}
	}
	kp_keys_wipe(&keys);
	return rc;
}

/* Feeds the gzip file path to the client on fd. 0, or -1 said to log. */
static int backup_feed(const char *path, int fd, FILE *log)
{
	char buf[65536];
	gzFile gz = gzopen(path, "rb");
	const char *why = NULL;
	int n, errnum;
	size_t off;

	if (gz == NULL) {
		fprintf(log, "kaptajn: cannot open %s\n", path);
		return -1;
	}
	while (why == NULL && (n = gzread(gz, buf, sizeof(buf))) > 0)
		for (off = 0; why == NULL && off < (size_t)n;) {
			ssize_t w = write(fd, buf + off, (size_t)n - off);

			if (w < 0 && errno != EINTR)
				why = "the client stopped reading (see its message above)";
			else if (w > 0)
				off += (size_t)w;
		}
	if (why == NULL && n < 0)
		why = gzerror(gz, &errnum);
	gzclose(gz);
	if (why != NULL) {
		fprintf(log, "kaptajn: loading %s: %s\n", path, why);
		return -1;
	}
	return 0;
}

/* Loads the dump at path into cfg's database through the mariadb client.
 * 0, or -1 said to log. */
static int backup_load(const struct kp_config *cfg, const char *path, FILE *log)
{
	char defaults[4096] = "", opt[4200], db[1100];
	char *argv[] = {"mariadb", opt, db, "--batch", "--binary-mode",
	                "--default-character-set=utf8mb4", NULL};
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	int p[2] = {-1, -1}, rc = -1;
	pid_t pid;

	if ((size_t)snprintf(db, sizeof(db), "--database=%s", cfg->db_name) >= sizeof(db) ||
	    backup_defaults_write(cfg, defaults, sizeof(defaults), log) != 0)
		goto out;
	snprintf(opt, sizeof(opt), "--defaults-file=%s", defaults);
	if (backup_pipe(p) != 0 || (pid = backup_spawn(argv, p[0], -1)) < 0) {
		fprintf(log, "kaptajn: cannot start mariadb: %s\n", strerror(errno));
		goto out;
	}
	close(p[0]);
	p[0] = -1;
	rc = backup_feed(path, p[1], log);
	close(p[1]);
	p[1] = -1;
	if (backup_wait(pid, "mariadb (loading the dump)", log) != 0)
		rc = -1;
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	backup_defaults_remove(defaults);
	signal(SIGPIPE, was);
	return rc;
}

/* The restored database against the manifest: migration, the rows of the
 * tables it lists, audit head and chain. 0, or 1 with each difference
 * said to log. */
static int backup_check(struct db *db, const struct backup_manifest *m, FILE *log)
{
	struct arena *a = arena_new();
	char hex[BACKUP_HEX_LEN + 1];
	struct db_res r;
	long long broken = 0, n;
	int rc = 1, bad = 0;
	size_t t;

	if (a == NULL)
		return 1;
	if (db_query(db, a, DB_MIGRATION_LIST, DB_NOARGS, &r) != KP_OK || r.nrows == 0 ||
	    strcmp(db_cell(&r, r.nrows - 1, MG_NAME), m->migration) != 0) {
		fprintf(log, "kaptajn: restore: the migration is %s, the manifest says %s\n",
		        r.nrows > 0 ? db_cell(&r, r.nrows - 1, MG_NAME) : "(none)", m->migration);
		bad++;
	}
	for (t = 0; t < BC__MAX; t++) {
		if (!m->listed[t])
			continue;
		if (db_query(db, a, backup_tables[t].count, DB_NOARGS, &r) != KP_OK || r.nrows != 1) {
			fprintf(log, "kaptajn: restore: cannot count the rows of %s, which the manifest "
			        "lists\n", backup_tables[t].name);
			bad++;
		} else if ((n = db_i64(&r, 0, CNT_N)) != m->rows[t]) {
			fprintf(log, "kaptajn: restore: %s has %lld rows, the manifest says %lld\n",
			        backup_tables[t].name, n, m->rows[t]);
			bad++;
		}
	}
	if (db_query(db, a, DB_AUDIT_HEAD_GET, DB_NOARGS, &r) != KP_OK || r.nrows != 1 ||
	    db_cell_len(&r, 0, AH_LAST_HASH) != KP_SHA256_LEN) {
		fprintf(log, "kaptajn: restore: cannot read the audit head\n");
		goto out;
	}
	kp_hex_encode(db_cell(&r, 0, AH_LAST_HASH), KP_SHA256_LEN, hex);
	if (db_i64(&r, 0, AH_LAST_ID) != m->head_id || strcmp(hex, m->head_hash) != 0 ||
	    m->audit_rows != m->rows[BC_AUDIT_LOG]) {
		fprintf(log, "kaptajn: restore: the audit head is row %lld %s, the manifest says "
		        "row %lld %s\n", db_i64(&r, 0, AH_LAST_ID), hex, m->head_id, m->head_hash);
		bad++;
	}
	if (audit_verify(db, log, &broken) != 0)
		bad++;
	rc = bad == 0 ? 0 : 1;
out:
	arena_free(a);
	return rc;
}

/* Brings the restored database up to this program's migrations, as
 * kaptajn migrate does, and says from where to where. 0, or -1 said to
 * log. */
static int backup_migrate(const struct kp_config *cfg, struct db *db, const char *from,
                          const char *dir, FILE *out, FILE *log)
{
	struct arena *a = arena_new();
	struct db_res r;
	int rc = -1;

	if (a == NULL)
		return -1;
	if (migrate_run(db, dir, NULL, cfg->staff_issuer, log) != 0 ||
	    db_query(db, a, DB_MIGRATION_LIST, DB_NOARGS, &r) != KP_OK || r.nrows == 0) {
		fprintf(log, "kaptajn: restore failed: the backup (at %s) was loaded and checked, "
		        "but migrating it failed (above); run kaptajn migrate once the cause is "
		        "fixed\n", from);
		goto out;
	}
	if (strcmp(db_cell(&r, r.nrows - 1, MG_NAME), from) != 0)
		fprintf(out, "restore: the backup is at %s; migrated to %s\n", from,
		        db_cell(&r, r.nrows - 1, MG_NAME));
	else
		fprintf(out, "restore: the backup is at %s, this program's newest migration\n",
		        from);
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int backup_restore(const struct kp_config *cfg, struct db *db, const char *path,
                   const char *migrations, FILE *out, FILE *log)
{
	static const char suffix[] = BACKUP_DUMP_SUFFIX;
	char manifest[4096], hex[BACKUP_HEX_LEN + 1];
	struct backup_manifest m;
	struct arena *a = NULL;
	size_t len = strlen(path);
	double t0 = backup_now();
	long long bytes = 0, objects, rows = 0;
	json_error_t e;
	json_t *j = NULL;
	struct db_res r;
	struct stat st;
	int fd = -1, rc = 1;
	size_t t;

	if (len < sizeof(suffix) || strcmp(path + len - (sizeof(suffix) - 1), suffix) != 0 ||
	    len + sizeof(BACKUP_MANIFEST_SUFFIX) >= sizeof(manifest)) {
		fprintf(log, "kaptajn: restore refused: %s is not a backup's dump (its name ends "
		        "in " BACKUP_DUMP_SUFFIX ")\n", path);
		return 1;
	}
	snprintf(manifest, sizeof(manifest), "%.*s" BACKUP_MANIFEST_SUFFIX,
	         (int)(len - (sizeof(suffix) - 1)), path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
	    !S_ISREG(st.st_mode)) {
		fprintf(log, "kaptajn: restore refused: %s: %s\n", path,
		        fd < 0 ? strerror(errno) : "not a file");
		goto out;
	}
	if ((j = json_load_file(manifest, 0, &e)) == NULL) {
		fprintf(log, "kaptajn: restore refused: the manifest %s: %s\n", manifest, e.text);
		goto out;
	}
	if (backup_manifest_read(j, manifest, &m, log) != 0 ||
	    backup_migration_check(&m, migrations, log) != 0 || backup_keys_check(cfg, &m, log) != 0)
		goto out;
	if (backup_fd_sha256(fd, hex, &bytes) != 0) {
		fprintf(log, "kaptajn: restore refused: cannot read %s: %s\n", path,
		        strerror(errno));
		goto out;
	}
	if (strcmp(hex, m.sha256) != 0) {
		fprintf(log, "kaptajn: restore refused: %s has SHA-256 %s, its manifest says %s: "
		        "the file was changed or damaged; nothing was restored\n", path, hex,
		        m.sha256);
		goto out;
	}
	if ((a = arena_new()) == NULL)
		goto out;
	if (db_connect(db) != KP_OK ||
	    db_query(db, a, DB_BACKUP_OBJECTS, DB_NOARGS, &r) != KP_OK || r.nrows != 1) {
		fprintf(log, "kaptajn: restore refused: cannot reach the database %s\n",
		        cfg->db_name);
		goto out;
	}
	if ((objects = db_i64(&r, 0, CNT_N)) != 0) {
		fprintf(log, "kaptajn: restore refused: the database %s is not empty (%lld tables,"
		        " routines or events); a restore goes only into an empty database, made "
		        "with CREATE DATABASE; nothing was changed\n", cfg->db_name, objects);
		goto out;
	}
	if (backup_load(cfg, path, log) != 0) {
		fprintf(log, "kaptajn: restore failed: the database %s holds part of the dump; "
		        "drop and create it again before another try\n", cfg->db_name);
		goto out;
	}
	if (backup_check(db, &m, log) != 0) {
		fprintf(log, "kaptajn: restore failed: the restored database %s does not match the "
		        "manifest (above)\n", cfg->db_name);
		goto out;
	}
	for (t = 0; t < BC__MAX; t++)
		rows += m.rows[t];
	fprintf(out, "restore: %s into %s: migration %s, %lld rows in the main tables, audit "
	        "chain %lld rows intact; %.2f s\n", path, cfg->db_name, m.migration, rows,
	        m.audit_rows, backup_now() - t0);
	fflush(out);
	if (backup_migrate(cfg, db, m.migration, migrations, out, log) != 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	json_decref(j);
	arena_free(a);
	return rc;
}

/* Whether name is a dump as backup_names names it:
 * kaptajn-YYYYMMDDTHHMMSSZ.sql.gz. */
static bool backup_is_dump_name(const char *name)
{
	static const char shape[] = "kaptajn-DDDDDDDDTDDDDDDZ" BACKUP_DUMP_SUFFIX;
	size_t i;

	if (strlen(name) != sizeof(shape) - 1)
		return false;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'D' ? !(name[i] >= '0' && name[i] <= '9') : name[i] != shape[i])
			return false;
	return true;
}

static int backup_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes dir/name and, for a dump, its manifest. 0, or -1 said to log. */
static int backup_remove(const char *dir, const char *name, FILE *log)
{
	char path[4096];
	size_t stem = strlen(name) - (sizeof(BACKUP_DUMP_SUFFIX) - 1);

	snprintf(path, sizeof(path), "%s/%.*s" BACKUP_MANIFEST_SUFFIX, dir, (int)stem, name);
	if (unlink(path) != 0 && errno != ENOENT) {
		fprintf(log, "kaptajn: prune: cannot remove %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) != 0) {
		fprintf(log, "kaptajn: prune: cannot remove %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int backup_prune(const char *dir, int keep, FILE *out, FILE *log)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i, gone = 0;
	int rc = 1;

	if (d == NULL) {
		fprintf(log, "kaptajn: prune: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!backup_is_dump_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((grown = realloc(names, cap * sizeof(*names))) == NULL) {
				fprintf(log, "kaptajn: prune: out of memory\n");
				goto out;
			}
			names = grown;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			fprintf(log, "kaptajn: prune: out of memory\n");
			goto out;
		}
		n++;
	}
	/* The names hold their UTC time: oldest first. */
	qsort(names, n, sizeof(*names), backup_name_cmp);
	rc = 0;
	for (i = 0; keep >= 0 && i + (size_t)keep < n; i++) {
		if (backup_remove(dir, names[i], log) != 0) {
			rc = 1;
			continue;
		}
		fprintf(out, "backup: pruned %s/%s\n", dir, names[i]);
		gone++;
	}
	fprintf(out, "backup: %zu backups in %s, %zu pruned, keeping the newest %d\n", n, dir,
	        gone, keep);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}
