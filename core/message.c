/* message.c: the thread between a citizen and the staff around them (see
 * message.h). */
#include <string.h>
#include <time.h>

#include "caseload.h"
#include "kpjson.h"
#include "message.h"
#include "outbox.h"

bool message_key_ok(const char *key, size_t len)
{
	size_t i;

	if (len == 0 || len > MESSAGE_KEY_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* A row of DB_MESSAGE_GET, DB_MESSAGE_BY_KEY and DB_MESSAGE_LIST. */
struct message_row {
	long long id, staff_id;        /* staff_id 0: the citizen wrote it */
	const char *at, *text, *read_at; /* read_at NULL: not read */
	const char *name, *role, *title; /* the writer; title NULL for the citizen */
};

static void message_row(struct message_row *m, const struct db_res *r, size_t i)
{
	bool staff = strcmp(db_cell(r, i, MSG_AUTHOR_KIND), "staff") == 0;

	m->id = db_i64(r, i, MSG_ID);
	m->at = db_cell(r, i, MSG_AT);
	m->text = db_cell(r, i, MSG_TEXT);
	m->read_at = db_cell(r, i, MSG_READ_AT);
	m->staff_id = staff ? db_i64(r, i, MSG_STAFF_ID) : 0;
	m->name = staff ? db_cell(r, i, MSG_STAFF_NAME) : db_cell(r, i, MSG_CITIZEN_NAME);
	m->role = staff ? db_cell(r, i, MSG_STAFF_ROLE) : "citizen";
	m->title = staff ? db_cell(r, i, MSG_STAFF_TITLE) : NULL;
}

/* How a page of a thread is shown: to whom, and the moment its reading
 * marked the other side's messages read (NULL: it marked none). */
struct message_view {
	const struct db_res *r;
	const struct kp_actor *who;
	const char *marked_at;
};

/* Whether who wrote m: the citizen their own, a staff member theirs. */
static bool message_mine(const struct message_row *m, const struct kp_actor *who)
{
	if (who->kind == KP_ACTOR_CITIZEN)
		return m->staff_id == 0;
	return m->staff_id != 0 && m->staff_id == who->id;
}

/* Row i of the view ctx (struct message_view) as JSON: a new reference,
 * NULL when out of memory. The staff see who on the staff wrote it by id;
 * a message of the other side that this read marked shows it read. */
static json_t *message_json(const void *ctx, size_t i)
{
	const struct message_view *v = ctx;
	const char *read_at;
	struct message_row m;
	bool other;
	json_t *from;

	message_row(&m, v->r, i);
	other = v->who->kind == KP_ACTOR_CITIZEN ? m.staff_id != 0 : m.staff_id == 0;
	read_at = m.read_at != NULL ? m.read_at : other ? v->marked_at : NULL;
	from = json_pack("{s:s, s:s}", "name", m.name, "role", m.role);
	if (from != NULL && m.title != NULL &&
	    json_object_set_new(from, "title", json_string(m.title)) != 0) {
		json_decref(from);
		return NULL;
	}
	if (from != NULL && m.staff_id != 0 && v->who->kind == KP_ACTOR_STAFF &&
	    json_object_set_new(from, "id", json_integer(m.staff_id)) != 0) {
		json_decref(from);
		return NULL;
	}
	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:b}", "id", (json_int_t)m.id, "at", m.at,
	                 "from", from, "text", m.text, "read_at",
	                 read_at != NULL ? json_string(read_at) : json_null(), "mine",
	                 message_mine(&m, v->who));
}

/* Marks the other side's unread messages with ids lo..hi of citizen_id's
 * thread read at `at` ("YYYY-MM-DD HH:MM:SS"); *marked is how many. */
static enum kp_err message_mark(struct db *db, const struct kp_actor *who, long long citizen_id,
                                const char *at, long long lo, long long hi,
                                unsigned long long *marked)
{
	if (who->kind == KP_ACTOR_CITIZEN)
		return db_exec(db, DB_MESSAGE_READ_CITIZEN,
		               DB_ARGS(DB_STR(at), DB_I64(citizen_id), DB_I64(lo), DB_I64(hi)), marked,
		               NULL);
	return db_exec(db, DB_MESSAGE_READ_STAFF,
	               DB_ARGS(DB_STR(at), DB_I64(citizen_id), DB_I64(who->id), DB_I64(who->id),
	                       DB_I64(lo), DB_I64(hi)),
	               marked, NULL);
}

enum kp_err message_list(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long citizen_id, time_t now, struct page *pg, json_t **out)
{
	struct message_view view = {.who = who};
	unsigned long long marked = 0;
	struct caseload_citizen c;
	struct db_res r, unread;
	char at[24], iso[24];
	struct tm tm;
	enum kp_err err;
	size_t n = 0;

	*out = NULL;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if (who->kind != KP_ACTOR_CITIZEN)
		err = caseload_open(db, a, who, citizen_id, "read", "messages", &c);
	if (err == KP_OK)
		err = db_query(db, a, DB_MESSAGE_LIST,
		               DB_ARGS(DB_I64(citizen_id), DB_I64(page_before(pg)),
		                       DB_I64(page_fetch(pg))),
		               &r);
	if (err == KP_OK && (n = page_rows(pg, r.nrows)) > 0)
		err = message_mark(db, who, citizen_id, at, db_i64(&r, n - 1, MSG_ID),
		                   db_i64(&r, 0, MSG_ID), &marked);
	if (err == KP_OK)
		err = db_query(db, a, DB_MESSAGE_UNREAD,
		               DB_ARGS(DB_I64(citizen_id),
		                       DB_STR(who->kind == KP_ACTOR_CITIZEN ? "staff" : "citizen")),
		               &unread);
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	view.r = &r;
	view.marked_at = marked > 0 ? iso : NULL;
	*out = json_pack("{s:o, s:I}", "messages", kp_json_list(n, message_json, &view), "unread",
	                 (json_int_t)db_i64(&unread, 0, CNT_N));
	if (*out == NULL)
		return KP_EINTERNAL;
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, MSG_ID);
	return KP_OK;
}

/* The one message of r (DB_MESSAGE_GET or DB_MESSAGE_BY_KEY) as who sees
 * it, into *out. */
static enum kp_err message_one(const struct db_res *r, const struct kp_actor *who, json_t **out)
{
	struct message_view view = {.r = r, .who = who};

	if (r->nrows != 1)
		return KP_EINTERNAL;
	*out = message_json(&view, 0);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* The message stored under key in citizen_id's thread, sent again by who:
 * the first one's answer, or KP_ECONFLICT key_used when another wrote it. */
static enum kp_err message_replay(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long citizen_id, const char *key, json_t **out,
                                  struct kp_fail *f)
{
	struct message_row m;
	struct db_res r;
	enum kp_err err;

	err = db_query(db, a, DB_MESSAGE_BY_KEY, DB_ARGS(DB_I64(citizen_id), DB_STR(key)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows == 1) {
		message_row(&m, &r, 0);
		if (who->kind == KP_ACTOR_CITIZEN ? m.staff_id == 0 : m.staff_id == who->id)
			return message_one(&r, who, out);
	}
	return KP_FAIL(f, KP_ECONFLICT, "key_used",
	               "key: another message in this thread has this key; make a new one");
}

enum kp_err message_send(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long citizen_id, const char *text, const char *key, json_t **out,
                         struct kp_fail *f)
{
	bool staff = who->kind != KP_ACTOR_CITIZEN;
	unsigned long long id = 0;
	struct caseload_citizen c;
	struct db_res r;
	enum kp_err err = KP_OK;

	*out = NULL;
	if (text == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field", "text: write the message");
	if (key != NULL && !message_key_ok(key, strlen(key)))
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "key: 1 to 64 letters, digits, - or _ (a new one for each message)");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if (staff) {
		err = caseload_open_change(db, a, who, citizen_id, "message_sent", "messages", &c, f);
		if (err == KP_ENOTFOUND)
			KP_FAIL(f, err, "not_found", "there is no such citizen");
	}
	if (err == KP_OK)
		err = db_exec(db, DB_MESSAGE_INSERT,
		              DB_ARGS(DB_I64(citizen_id), DB_STR(staff ? "staff" : "citizen"),
		                      staff ? DB_I64(who->id) : DB_NULL, DB_STR(text), DB_OPTSTR(key)),
		              NULL, &id);
	/* The citizen hears of a staff message through the outbox; the staff
	 * see the citizen's in their caseload. */
	if (err == KP_OK && staff)
		err = outbox_add(db, citizen_id, "message", (long long)id);
	if (err == KP_OK)
		err = db_query(db, a, DB_MESSAGE_GET, DB_ARGS(DB_I64((long long)id)), &r);
	/* A key already stored: this send is a retry, and writes nothing (its
	 * audit row goes with the rollback). */
	if ((err = db_tx_end(db, err)) == KP_ECONFLICT && key != NULL &&
	    (f == NULL || f->code == NULL))
		return message_replay(db, a, who, citizen_id, key, out, f);
	if (err != KP_OK)
		return err;
	return message_one(&r, who, out);
}

enum kp_err message_unread(struct db *db, struct arena *a, long long citizen_id, json_t **out)
{
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	err = db_query(db, a, DB_MESSAGE_UNREAD, DB_ARGS(DB_I64(citizen_id), DB_STR("staff")), &r);
	if (err != KP_OK)
		return err;
	*out = json_pack("{s:I}", "unread", (json_int_t)db_i64(&r, 0, CNT_N));
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
