/* seed.c: the demo people and plans, and the benchmark's many citizens.
 * CPR numbers here are made up. */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "consent.h"
#include "kpjson.h"
#include "seed.h"

struct seed_staff {
	const char *sub, *name, *role, *title, *phone, *email;
};

static const struct seed_staff staff[] = {
	{"mette", "Mette Sørensen", "caseworker", "Koordinerende sagsbehandler", "+45 72 34 10 01",
	 "mette.sorensen@kommune.example"},
	{"peter", "Peter Nielsen", "caseworker", "Koordinerende sagsbehandler", "+45 72 34 10 02",
	 "peter.nielsen@kommune.example"},
	{"jonas", "Jonas Madsen", "contact", "Mentor", "+45 72 34 20 11",
	 "jonas.madsen@kommune.example"},
	{"karin", "Karin Holm", "contact", "Bostøtte", "+45 72 34 20 12",
	 "karin.holm@kommune.example"},
	{"birgitte", "Birgitte Lund", "contact", "Virksomhedskonsulent", "+45 72 34 20 13",
	 "birgitte.lund@kommune.example"},
	{"helle", "Helle Friis", "contact", "Hjemmesygeplejerske", "+45 72 34 20 14",
	 "helle.friis@kommune.example"},
	{"lise", "Lise Berg", "leader", "Teamleder", "+45 72 34 10 00", "lise.berg@kommune.example"},
};

struct seed_goal {
	int parent;  /* index+1 of the parent goal in the same plan, 0 for none */
	const char *title, *description, *area, *legal_basis, *status;
	double hours; /* < 0: none */
	int child_related;
};

struct seed_dream {
	int author; /* index into the plan's citizens */
	const char *text;
};

/* consent: NULL for consent given (on paper, recorded by the caseworker),
 * "none" for none yet, "withdrawn" for given and then withdrawn by the
 * citizen (which freezes the plan). */
struct seed_citizen {
	const char *sub, *name, *cpr, *caseworker, *contact, *consent;
};

struct seed_plan {
	const char *household; /* NULL for one citizen */
	struct seed_citizen citizens[2];
	struct seed_dream dreams[4];
	struct seed_goal goals[8];
	int fresh; /* just enrolled: never logged in, no consent yet, plan empty */
	const char *ended; /* how the course ended DEMO_ENDED_DAYS ago; NULL: it runs */
};

/* How long ago an ended demo course ended: within the period it can be
 * reopened in (course_reopen_days, default 90). */
#define DEMO_ENDED_DAYS 40

/* The demo household's child (no CPR number: children do not log in),
 * named by the household's child-related goals. */
#define DEMO_CHILD_NAME "Emil Hansen"
#define DEMO_CHILD_BORN "2015-05-04"


static const struct seed_plan plans[] = {
	{NULL,
	 {{"anna", "Anna Jensen", "0703921234", "mette", "jonas", NULL}},
	 {{0, "Jeg vil gerne arbejde med dyr – måske i en dyrehandel eller på et internat."},
	  {0, "Jeg drømmer om at tage kørekort, så jeg kan komme rundt selv."}},
	 {{0, "Praktik i en dyrehandel", "Virksomhedspraktik med fast mentor, op til 12 timer om ugen.",
	   "job", "LAB §91", "active", 12, 0},
	  {1, "Skrive CV sammen med mentor", "Et kort CV med det, du har lavet indtil nu.", "job",
	   "LAB §175", "completed", 1, 0},
	  {1, "Besøge to dyrehandler", "Sammen med Jonas, så du kan se, hvad arbejdet er.", "job",
	   "LAB §91", "active", 2, 0},
	  {0, "Faste rutiner og bedre søvn", "Støtte til at få en hverdag, der hænger sammen.",
	   "health", "SEL §85", "active", 2, 0},
	  {0, "Styr på økonomien", "Overblik over regninger og en budgetplan.", "economy",
	   "LAS §11", "on-hold", -1, 0}}, 0, NULL},
	{"Familien Hansen",
	 {{"lars", "Lars Hansen", "1208851235", "peter", "karin", NULL},
	  {"sofie", "Sofie Hansen", "2304881236", "peter", "karin", NULL}},
	 {{0, "Jeg vil gerne tilbage til lagerarbejde, helst på fuld tid."},
	  {1, "Jeg vil tage en uddannelse som social- og sundhedshjælper."},
	  {1, "Vi drømmer om en større lejlighed tæt på børnenes skole."}},
	 {{0, "Stabil bolig for familien", "Hjælp til at søge en større lejlighed.", "housing",
	   "SEL §85", "active", 3, 0},
	  {0, "Uddannelse som social- og sundhedshjælper", "Sofie starter på SOSU-uddannelsen.",
	   "education", "LAB §30 a", "active", -1, 0},
	  {2, "Forberede optagelsesprøven", "Dansk og matematik to gange om ugen.", "education",
	   "LAB §30 a", "active", 4, 0},
	  {0, "Lagerjob på fuld tid", "Lars søger job med støtte fra jobcentret.", "job",
	   "LAB §30 a", "active", 6, 0},
	  {0, "Støtte til børnene i hverdagen", "Familiebehandling hver anden uge.", "family",
	   "BL §32", "active", 2, 1}}, 0, NULL},
	{NULL,
	 {{"mohammed", "Mohammed Ali", "0101901237", "mette", "birgitte", NULL}},
	 {{0, "Jeg vil gerne være buschauffør og have faste arbejdstider."}},
	 {{0, "Job som buschauffør", "Med virksomhedskonsulent og et busselskab.", "job",
	   "LAB §30 a", "active", -1, 0},
	  {1, "Tage erhvervskørekort (D)", "Kurset betales som en del af planen.", "education",
	   "LAB §30 a", "active", 10, 0},
	  {1, "Ugentlige møder med virksomhedskonsulent", "Hver tirsdag kl. 10.", "job",
	   "LAB §175", "active", 1, 0},
	  {0, "Behandling for rygsmerter", "Genoptræning to gange om ugen.", "health",
	   "SUL §138", "active", 2, 0}}, 0, NULL},
	/* Enrolled by Mette, not logged in yet: plan version 1, empty. */
	{NULL, {{"ida", "Ida Berg", "1402952238", "mette", "jonas", "none"}}, {{0, NULL}},
	 {{0, NULL, NULL, NULL, NULL, NULL, -1, 0}}, 1, NULL},
	/* Has withdrawn consent: the plan has content, and is frozen. */
	{NULL,
	 {{"ole", "Ole Kristensen", "1505931238", "mette", "jonas", "withdrawn"}},
	 {{0, "Jeg vil gerne arbejde i en gartner, gerne udendørs."}},
	 {{0, "Praktik i et gartneri", "Fire uger med en fast kontaktperson.", "job", "LAB §91",
	   "active", 15, 0},
	  {0, "Støtte til at komme op om morgenen", "Hjemmebesøg to gange om ugen.", "health",
	   "SEL §85", "active", 2, 0}}, 0, NULL},
	/* Logged in once, has not yet said yes to the joint plan. */
	{NULL,
	 {{"nanna", "Nanna Berg", "0912871239", "mette", "jonas", "none"}},
	 {{0, NULL}},
	 {{0, NULL, NULL, NULL, NULL, NULL, 0, 0}}, 0, NULL},
	/* Got a job: the course ended, the plan can only be read. */
	{NULL,
	 {{"karl", "Karl Nørgaard", "2011781240", "peter", "karin", NULL}},
	 {{0, "Jeg vil gerne tilbage som lagermedarbejder."}},
	 {{0, "Job som lagermedarbejder", "Med virksomhedskonsulent og en praktik først.", "job",
	   "LAB §30 a", "completed", -1, 0}}, 0, "job"},
};

/* How long ago the demo plans began, in hours. */
#define DEMO_PLAN_AGE 720

static long long staff_id(struct db *db, struct arena *a, const char *issuer, const char *sub)
{
	struct db_res r;

	if (db_query(db, a, DB_STAFF_BY_SUB, DB_ARGS(DB_STR(issuer), DB_STR(sub)), &r) != KP_OK ||
	    r.nrows != 1)
		return 0;
	return db_i64(&r, 0, LST_ID);
}

/* Inserts a citizen with a sealed CPR bound to the row's id. */
static enum kp_err citizen_insert(struct db *db, const struct kp_keys *keys, struct rng *rng,
                                  long long plan_id, long long household_id, const char *name,
                                  const char *cpr, long long caseworker, long long contact,
                                  long long *id)
{
	uint8_t sealed[KP_CPR_SEALED_LEN], lookup[KP_SHA256_LEN];
	unsigned long long cid;
	char aad[32];
	enum kp_err err;

	err = seed_exec(db, SEED_CITIZEN,
	                DB_ARGS(DB_I64(plan_id), household_id ? DB_I64(household_id) : DB_NULL,
	                        DB_STR(name), caseworker ? DB_I64(caseworker) : DB_NULL,
	                        contact ? DB_I64(contact) : DB_NULL),
	                NULL, &cid);
	if (err != KP_OK)
		return err;
	snprintf(aad, sizeof(aad), "citizen:%llu", cid);
	if (kp_cpr_seal(keys, rng, cpr, aad, strlen(aad), sealed) != 0)
		return KP_EINTERNAL;
	kp_cpr_lookup(keys, cpr, lookup);
	*id = (long long)cid;
	return seed_exec(db, SEED_CITIZEN_CPR,
	                 DB_ARGS(DB_BLOB(sealed, sizeof(sealed)), DB_BLOB(lookup, sizeof(lookup)),
	                         DB_STR(keys->key[0].id), DB_I64(cid)),
	                 NULL, NULL);
}

/* The consent facts of a seeded citizen (consent as in struct
 * seed_citizen), the newest kept with the citizen and the plan. */
static enum kp_err consent_seed(struct db *db, long long plan_id, long long citizen_id,
                                long long caseworker, const char *consent)
{
	unsigned long long fact = 0;
	enum kp_err err;

	if (consent != NULL && strcmp(consent, "none") == 0)
		return KP_OK;
	err = seed_exec(db, SEED_CONSENT,
	                DB_ARGS(DB_I64(citizen_id), DB_I64(plan_id), DB_STR("given"),
	                        caseworker ? DB_I64(caseworker) : DB_NULL,
	                        DB_STR(CONSENT_TEXT_VERSION), DB_I64(1)),
	                NULL, &fact);
	if (err == KP_OK && consent != NULL && strcmp(consent, "withdrawn") == 0) {
		err = seed_exec(db, SEED_CONSENT,
		                DB_ARGS(DB_I64(citizen_id), DB_I64(plan_id), DB_STR("withdrawn"), DB_NULL,
		                        DB_STR(CONSENT_TEXT_VERSION), DB_I64(0)),
		                NULL, &fact);
		if (err == KP_OK)
			err = seed_exec(db, SEED_PLAN_FROZEN, DB_ARGS(DB_I64(plan_id)), NULL, NULL);
	}
	if (err == KP_OK)
		err = seed_exec(db, SEED_CITIZEN_CONSENT,
		                DB_ARGS(DB_I64((long long)fact), DB_I64(citizen_id)), NULL, NULL);
	return err;
}

/* The rows a seeded plan got, for the demo's history that refers to them. */
struct seeded {
	long long plan, citizens[2], goals[8];
};

/* Seeds p; its row ids go to *out (may be NULL). */
static enum kp_err plan_seed(struct db *db, struct arena *a, const struct kp_keys *keys,
                             struct rng *rng, const char *issuer, const struct seed_plan *p,
                             struct seeded *out)
{
	long long household = 0, cids[2] = {0, 0}, gids[8] = {0};
	unsigned long long id, cid = 0;
	enum kp_err err;
	size_t i;

	if (p->household != NULL) {
		if ((err = seed_exec(db, SEED_HOUSEHOLD, DB_ARGS(DB_STR(p->household)), NULL, &id)) !=
		    KP_OK)
			return err;
		household = (long long)id;
	}
	err = seed_exec(db, SEED_PLAN, DB_ARGS(household ? DB_I64(household) : DB_NULL), NULL, &id);
	if (err != KP_OK)
		return err;
	for (i = 0; i < 2 && p->citizens[i].sub != NULL; i++) {
		const struct seed_citizen *c = &p->citizens[i];
		long long cw = staff_id(db, a, issuer, c->caseworker);

		err = citizen_insert(db, keys, rng, (long long)id, household, c->name, c->cpr, cw,
		                     staff_id(db, a, issuer, c->contact), &cids[i]);
		if (err != KP_OK)
			return err;
		if ((err = consent_seed(db, (long long)id, cids[i], cw, c->consent)) != KP_OK)
			return err;
		if (p->fresh)
			continue;
		if ((err = seed_exec(db, SEED_CITIZEN_LOGIN,
		                     DB_ARGS(DB_I64(DEMO_PLAN_AGE), DB_I64(cids[i])), NULL, NULL)) != KP_OK)
			return err;
		if (p->ended != NULL &&
		    (err = seed_exec(db, SEED_COURSE_END,
		                     DB_ARGS(DB_STR(p->ended), DB_I64(DEMO_ENDED_DAYS), DB_I64(cw),
		                             DB_I64(cids[i])),
		                     NULL, NULL)) != KP_OK)
			return err;
	}
	for (i = 0; i < 4 && p->dreams[i].text != NULL; i++)
		if ((err = seed_exec(db, SEED_DREAM,
		                     DB_ARGS(DB_I64(id), DB_I64(cids[p->dreams[i].author]),
		                             DB_STR(p->dreams[i].text)),
		                     NULL, NULL)) != KP_OK)
			return err;
	for (i = 0; i < 8 && p->goals[i].title != NULL; i++) {
		const struct seed_goal *g = &p->goals[i];
		char hours[16];
		unsigned long long gid;

		snprintf(hours, sizeof(hours), "%.1f", g->hours);
		err = seed_exec(db, SEED_GOAL,
		                DB_ARGS(DB_I64(id), g->parent ? DB_I64(gids[g->parent - 1]) : DB_NULL,
		                        DB_STR(g->title), DB_STR(g->description), DB_STR(g->area),
		                        DB_STR(g->legal_basis), DB_STR(g->status),
		                        g->hours >= 0 ? DB_STR(hours) : DB_NULL, DB_I64(g->child_related),
		                        DB_I64(staff_id(db, a, issuer, p->citizens[0].caseworker))),
		                NULL, &gid);
		if (err != KP_OK)
			return err;
		gids[i] = (long long)gid;
	}
	if (household != 0 &&
	    ((err = seed_exec(db, SEED_CHILD,
	                      DB_ARGS(DB_I64(household), DB_STR(DEMO_CHILD_NAME),
	                              DB_STR(DEMO_CHILD_BORN)),
	                      NULL, &cid)) != KP_OK ||
	     (err = seed_exec(db, SEED_GOAL_CHILD, DB_ARGS(DB_I64(cid), DB_I64(id)), NULL, NULL)) !=
	             KP_OK))
		return err;
	if (out != NULL) {
		out->plan = (long long)id;
		memcpy(out->citizens, cids, sizeof(cids));
		memcpy(out->goals, gids, sizeof(gids));
	}
	return db_exec(db, DB_HISTORY_INSERT,
	               DB_ARGS(DB_I64(id), DB_I64(1), DB_STR("system"), DB_NULL, DB_NULL,
	                       DB_STR("Planen er oprettet"), DB_STR("seed")),
	               NULL, NULL);
}

/*
 * What happened in the demo plans before today, so the caseworker's side is
 * alive on first start: proposals waiting and decided, a contact person's
 * comment, plan versions after the first (one history row each), a yes to
 * an older version, meetings. Indexes refer to plans[] above; times are
 * hours before now.
 */

struct seed_proposal {
	int plan, citizen;
	const char *kind;
	int goal;                       /* index+1 of the goal in the plan, 0 for none */
	const char *title, *description, *reason;
	int hours_ago;
	const char *status;             /* pending, approved or rejected */
	const char *decided_by, *decision_reason;
	int closed_hours_ago;
	const char *comment_by, *comment;
	int comment_hours_ago;
};

/* Oldest first, so ids follow created_at as they do in life. */
static const struct seed_proposal demo_proposals[] = {
	{0, 0, "add_goal", 0, "Besøge to dyrehandler",
	 "Sammen med Jonas, så du kan se, hvad arbejdet er.",
	 "Jeg vil gerne se, hvordan det er at arbejde i en dyrehandel, før praktikken starter.",
	 168, "approved", "mette", "God idé. Jonas tager med, så I kan snakke om det bagefter.", 120,
	 NULL, NULL, 0},
	{1, 1, "change_goal", 3, NULL, "Kun én gang om ugen.",
	 "Det er svært at nå to gange om ugen, når jeg også skal hente børnene.",
	 100, "rejected", "peter",
	 "Prøven er om seks uger, og to gange om ugen giver dig den bedste chance. Karin hjælper"
	 " med at finde pasning til børnene. Vi tager det op igen efter prøven.", 76,
	 NULL, NULL, 0},
	{1, 0, "retire_goal", 1, NULL, NULL,
	 "Vi har fået en større lejlighed gennem boligforeningen og flytter ind 1. december. Så det"
	 " mål er nået.",
	 48, "pending", NULL, NULL, 0, NULL, NULL, 0},
	{2, 0, "change_goal", 2, NULL, "Kurset om aftenen, så jeg kan gå til genoptræning om dagen.",
	 "Genoptræningen ligger om formiddagen, og den vil jeg ikke springe over. Aftenholdet"
	 " starter i januar.",
	 30, "pending", NULL, NULL, 0, NULL, NULL, 0},
	{0, 0, "add_goal", 0, "Tage kørekort", "Køreskole og teoriprøve, så jeg kan komme rundt selv.",
	 "Bussen ud til dyrehandlen går kun én gang i timen. Med kørekort kan jeg selv komme til"
	 " praktikken og måske få flere timer.",
	 20, "pending", NULL, NULL, 0, "jonas",
	 "Jeg støtter det. Anna kommer altid til tiden, og kørekort vil gøre praktikken meget"
	 " lettere for hende.", 6},
	{1, 1, "add_goal", 0, "Weekendjob på et plejehjem",
	 "Et par timer om ugen ved siden af uddannelsen.",
	 "Jeg vil gerne prøve arbejdet af, før jeg starter på SOSU, og vi kan godt bruge pengene.",
	 8, "pending", NULL, NULL, 0, NULL, NULL, 0},
};

/* A plan version after the first, made by a citizen (citizen >= 0) or by
 * staff; in version order within each plan. */
struct seed_change {
	int plan, citizen;
	const char *staff, *summary;
	int hours_ago;
};

static const struct seed_change demo_changes[] = {
	{0, 0, NULL, "Drøm tilføjet", 600},
	{0, -1, "mette", "Forslag godkendt: Besøge to dyrehandler", 120},
	{0, -1, "mette", "Mål sat på pause: Styr på økonomien", 72},
	{1, 1, NULL, "Drøm tilføjet", 400},
	{1, -1, "peter", "Mål tilføjet: Støtte til børnene i hverdagen", 200},
	{2, -1, "mette", "Delmål tilføjet: Ugentlige møder med virksomhedskonsulent", 300},
};

struct seed_acceptance {
	int plan, citizen, version, hours_ago;
};

/* Anna said yes to version 2 and has not seen the two changes since. */
static const struct seed_acceptance demo_acceptances[] = {
	{0, 0, 2, 500},
	{1, 0, 3, 150},
	{2, 0, 2, 250},
};

struct seed_meeting {
	int plan, citizen;
	const char *kind, *by;
	int days_from_today, hour_utc;  /* starts then */
	int held;                       /* held an hour after it started */
	const char *place, *agenda, *participants;
};

static const struct seed_meeting demo_meetings[] = {
	{1, 0, "network", "peter", 9, 9, 0, "Jobcentret, Vestergade 12, mødelokale 2",
	 "1. Den nye lejlighed og flytningen 1. december\n"
	 "2. Sofies optagelsesprøve og pasning af børnene\n"
	 "3. Lars' jobsøgning: lagerjob på fuld tid\n"
	 "4. Hvem gør hvad til næste gang",
	 "[{\"name\":\"Lars Hansen\",\"role\":\"Borger\",\"professional\":false},"
	 "{\"name\":\"Sofie Hansen\",\"role\":\"Borger\",\"professional\":false},"
	 "{\"name\":\"Inge Hansen\",\"role\":\"Farmor, henter børnene tirsdag og torsdag\","
	 "\"professional\":false},"
	 "{\"name\":\"Peter Nielsen\",\"role\":\"Koordinerende sagsbehandler\",\"professional\":true},"
	 "{\"name\":\"Karin Holm\",\"role\":\"Bostøtte\",\"professional\":true}]"},
	{2, 0, "follow_up", "mette", -30, 9, 1, "Telefon",
	 "Første opfølgning: hvordan går det med ryggen og kurset?",
	 "[{\"name\":\"Mohammed Ali\",\"role\":\"Borger\",\"professional\":false},"
	 "{\"name\":\"Mette Sørensen\",\"role\":\"Koordinerende sagsbehandler\","
	 "\"professional\":true}]"},
	{2, 0, "follow_up", "mette", -2, 9, 0, "Jobcentret, Vestergade 12, mødelokale 4",
	 "Opfølgning på erhvervskørekortet og genoptræningen.",
	 "[{\"name\":\"Mohammed Ali\",\"role\":\"Borger\",\"professional\":false},"
	 "{\"name\":\"Mette Sørensen\",\"role\":\"Koordinerende sagsbehandler\",\"professional\":true},"
	 "{\"name\":\"Birgitte Lund\",\"role\":\"Virksomhedskonsulent\",\"professional\":true}]"},
	{0, 0, "follow_up", "mette", 14, 11, 0, "Jobcentret, Vestergade 12, mødelokale 4",
	 "Hvordan gik besøgene i dyrehandlerne? Næste skridt mod praktikken.",
	 "[{\"name\":\"Anna Jensen\",\"role\":\"Borger\",\"professional\":false},"
	 "{\"name\":\"Mette Sørensen\",\"role\":\"Koordinerende sagsbehandler\",\"professional\":true},"
	 "{\"name\":\"Jonas Madsen\",\"role\":\"Mentor\",\"professional\":true}]"},
};

#define NPLANS (sizeof(plans) / sizeof(plans[0]))
#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static enum kp_err demo_proposals_seed(struct db *db, struct arena *a, const char *issuer,
                                       const struct seeded *s)
{
	enum kp_err err = KP_OK;
	size_t i;

	for (i = 0; i < COUNT(demo_proposals) && err == KP_OK; i++) {
		const struct seed_proposal *p = &demo_proposals[i];
		const struct seeded *sp = &s[p->plan];
		bool closed = p->decided_by != NULL;
		unsigned long long id;

		err = seed_exec(db, SEED_PROPOSAL,
		                DB_ARGS(DB_I64(sp->plan), DB_I64(sp->citizens[p->citizen]),
		                        DB_STR(p->kind), p->goal ? DB_I64(sp->goals[p->goal - 1]) : DB_NULL,
		                        DB_OPTSTR(p->title), DB_OPTSTR(p->description), DB_STR(p->reason),
		                        DB_STR(p->status), DB_I64(p->hours_ago),
		                        closed ? DB_I64(p->closed_hours_ago) : DB_NULL,
		                        closed ? DB_I64(staff_id(db, a, issuer, p->decided_by)) : DB_NULL,
		                        DB_OPTSTR(p->decision_reason)),
		                NULL, &id);
		if (err == KP_OK && p->comment_by != NULL)
			err = seed_exec(db, SEED_COMMENT,
			                DB_ARGS(DB_I64((long long)id), DB_I64(staff_id(db, a, issuer, p->comment_by)),
			                        DB_STR(p->comment), DB_I64(p->comment_hours_ago)),
			                NULL, NULL);
	}
	return err;
}

/* Versions stay gap-free: each change takes the plan's next version and
 * writes its history row; the plan row ends at the last one. */
static enum kp_err demo_versions_seed(struct db *db, struct arena *a, const char *issuer,
                                      const struct seeded *s)
{
	long long version[NPLANS];
	enum kp_err err = KP_OK;
	size_t i;

	for (i = 0; i < NPLANS && err == KP_OK; i++) {
		version[i] = 1;
		err = seed_exec(db, SEED_HISTORY_AT,
		                DB_ARGS(DB_I64(DEMO_PLAN_AGE), DB_I64(s[i].plan), DB_I64(1)), NULL, NULL);
	}
	for (i = 0; i < COUNT(demo_changes) && err == KP_OK; i++) {
		const struct seed_change *c = &demo_changes[i];

		err = seed_exec(db, SEED_HISTORY,
		                DB_ARGS(DB_I64(s[c->plan].plan), DB_I64(++version[c->plan]),
		                        DB_I64(c->hours_ago), DB_STR(c->citizen >= 0 ? "citizen" : "staff"),
		                        c->citizen >= 0 ? DB_I64(s[c->plan].citizens[c->citizen]) : DB_NULL,
		                        c->staff != NULL ? DB_I64(staff_id(db, a, issuer, c->staff)) : DB_NULL,
		                        DB_STR(c->summary)),
		                NULL, NULL);
	}
	for (i = 0; i < NPLANS && err == KP_OK; i++)
		err = seed_exec(db, SEED_PLAN_VERSION, DB_ARGS(DB_I64(version[i]), DB_I64(s[i].plan)),
		                NULL, NULL);
	for (i = 0; i < COUNT(demo_acceptances) && err == KP_OK; i++) {
		const struct seed_acceptance *y = &demo_acceptances[i];

		err = seed_exec(db, SEED_ACCEPTANCE,
		                DB_ARGS(DB_I64(s[y->plan].plan), DB_I64(s[y->plan].citizens[y->citizen]),
		                        DB_I64(y->version), DB_I64(y->hours_ago)),
		                NULL, NULL);
		if (err == KP_OK)
			err = db_exec(db, DB_CITIZEN_ACCEPTED_SET,
			              DB_ARGS(DB_I64(y->version),
			                      DB_I64(s[y->plan].citizens[y->citizen])),
			              NULL, NULL);
	}
	return err;
}

static enum kp_err demo_meetings_seed(struct db *db, struct arena *a, const char *issuer,
                                      const struct seeded *s)
{
	time_t today = time(NULL) / 86400 * 86400;
	enum kp_err err = KP_OK;
	size_t i;

	for (i = 0; i < COUNT(demo_meetings) && err == KP_OK; i++) {
		const struct seed_meeting *m = &demo_meetings[i];
		time_t starts = today + (time_t)m->days_from_today * 86400 + m->hour_utc * 3600;
		char at[32], held[32];
		unsigned long long id;
		struct tm tm;

		strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", gmtime_r(&starts, &tm));
		starts += 3600;
		strftime(held, sizeof(held), "%Y-%m-%d %H:%M:%S", gmtime_r(&starts, &tm));
		err = db_exec(db, DB_MEETING_INSERT,
		              DB_ARGS(DB_I64(s[m->plan].plan), DB_I64(s[m->plan].citizens[m->citizen]),
		                      DB_STR(m->kind), DB_STR(at), DB_STR(m->place), DB_STR(m->agenda),
		                      DB_STR(m->participants), DB_I64(staff_id(db, a, issuer, m->by))),
		              NULL, &id);
		if (err == KP_OK && m->held)
			err = db_exec(db, DB_MEETING_HELD, DB_ARGS(DB_STR(held), DB_I64((long long)id)),
			              NULL, NULL);
	}
	return err;
}

/* Everything above, in the seed's transaction. */
static enum kp_err demo_history(struct db *db, struct arena *a, const char *issuer,
                                const struct seeded *s)
{
	enum kp_err err;

	if ((err = demo_proposals_seed(db, a, issuer, s)) != KP_OK ||
	    (err = demo_versions_seed(db, a, issuer, s)) != KP_OK)
		return err;
	return demo_meetings_seed(db, a, issuer, s);
}

static enum kp_err staff_seed(struct db *db, const char *issuer, const struct seed_staff *st)
{
	return seed_exec(db, SEED_STAFF,
	                 DB_ARGS(DB_STR(issuer), DB_STR(st->sub), DB_STR(st->name), DB_STR(st->role),
	                         DB_STR(st->title), DB_STR(st->phone), DB_STR(st->email)),
	                 NULL, NULL);
}

/* Adds the demo members that are not there yet, in one transaction. */
static enum kp_err staff_missing_seed(struct db *db, struct arena *a, const char *issuer)
{
	enum kp_err err;
	size_t i;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	for (i = 0; i < sizeof(staff) / sizeof(staff[0]) && err == KP_OK; i++)
		if (staff_id(db, a, issuer, staff[i].sub) == 0)
			err = staff_seed(db, issuer, &staff[i]);
	return db_tx_end(db, err);
}

static int users_write(const char *path, FILE *log)
{
	json_t *users = json_array(), *doc;
	char tmp[4096];
	size_t i, j;
	int rc = users != NULL ? 0 : -1;

	/* The dev IdP's list of demo people: a short one would hide some. */
	for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++)
		for (j = 0; rc == 0 && j < 2 && plans[i].citizens[j].sub != NULL; j++)
			rc = kp_json_push(users, json_pack("{s:s, s:s, s:s, s:s}", "sub",
			                                   plans[i].citizens[j].sub, "name",
			                                   plans[i].citizens[j].name, "kind",
			                                   "citizen", "cpr", plans[i].citizens[j].cpr));
	for (i = 0; rc == 0 && i < sizeof(staff) / sizeof(staff[0]); i++)
		rc = kp_json_push(users, json_pack("{s:s, s:s, s:s, s:s, s:s}", "sub", staff[i].sub,
		                                   "name", staff[i].name, "kind", "staff", "role",
		                                   staff[i].role, "title", staff[i].title));
	if (rc != 0) {
		json_decref(users);
		fprintf(log, "seed: out of memory listing the demo people\n");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	doc = json_pack("{s:o}", "users", users);
	rc = json_dump_file(doc, tmp, JSON_INDENT(2));
	json_decref(doc);
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc != 0)
		fprintf(log, "seed: cannot write %s\n", path);
	return rc == 0 ? 0 : -1;
}

int seed_demo(struct db *db, const struct kp_keys *keys, struct rng *rng, const char *issuer,
              const char *users_path, FILE *log)
{
	struct seeded done[sizeof(plans) / sizeof(plans[0])];
	struct arena *a = arena_new();
	enum kp_err err = KP_OK;
	size_t i;
	int rc = -1;

	if (a == NULL)
		return -1;
	if (staff_id(db, a, issuer, staff[0].sub) != 0) {
		/* A demo member added since the data was seeded (the leader)
		 * joins it; the plans stay as they are. */
		if (staff_missing_seed(db, a, issuer) != KP_OK) {
			fprintf(log, "seed: cannot add the demo staff\n");
			goto out;
		}
		fprintf(log, "seed: demo data is there already\n");
		rc = 0;
		goto users;
	}
	if ((err = db_tx_begin(db)) != KP_OK)
		goto out;
	for (i = 0; i < sizeof(staff) / sizeof(staff[0]) && err == KP_OK; i++)
		err = staff_seed(db, issuer, &staff[i]);
	for (i = 0; i < sizeof(plans) / sizeof(plans[0]) && err == KP_OK; i++)
		err = plan_seed(db, a, keys, rng, issuer, &plans[i], &done[i]);
	if (err == KP_OK)
		err = demo_history(db, a, issuer, done);
	if ((err = db_tx_end(db, err)) != KP_OK) {
		fprintf(log, "seed: failed: %s\n", kp_strerror(err));
		goto out;
	}
	fprintf(log, "seed: demo people and plans created\n");
	rc = 0;
users:
	if (users_path != NULL && *users_path != '\0' && users_write(users_path, log) != 0)
		rc = -1;
out:
	arena_free(a);
	return rc;
}

void seed_bench_cpr(long n, char out[KP_CPR_LEN + 1])
{
	/* From 1 January 2001, clear of the demo numbers. */
	time_t day = (time_t)(n / 10000) * 86400 + 978307200;
	char buf[64];
	struct tm tm;

	gmtime_r(&day, &tm);
	snprintf(buf, sizeof(buf), "%02d%02d%02d%04ld", tm.tm_mday % 100, (tm.tm_mon + 1) % 100,
	         tm.tm_year % 100, n % 10000);
	memcpy(out, buf, KP_CPR_LEN);
	out[KP_CPR_LEN] = '\0';
}

int seed_bench(struct db *db, const struct kp_keys *keys, struct rng *rng, const char *issuer,
               long count, FILE *log)
{
	static const struct seed_plan bench = {
		NULL,
		{{"bench", "Bench", "", "mette", "jonas", NULL}},
		{{0, "Jeg vil gerne have et arbejde, hvor jeg kan bruge mine hænder."},
		 {0, "Jeg drømmer om en lille lejlighed med altan."}},
		{{0, "Job inden for håndværk", "Praktik hos en lokal tømrer.", "job", "LAB §91",
		  "active", 10, 0},
		 {1, "Skrive CV", "Med mentor.", "job", "LAB §175", "completed", 1, 0},
		 {0, "Bedre søvn", "Faste rutiner.", "health", "SEL §85", "active", 2, 0}}, 0, NULL};
	struct arena *a = arena_new();
	enum kp_err err = KP_OK;
	long n;
	int rc = -1;

	if (a == NULL)
		return -1;
	/* A thousand citizens a transaction. */
	for (n = 1; n <= count; n++) {
		struct seed_plan p = bench;
		char cpr[KP_CPR_LEN + 1], name[64];

		if ((n - 1) % 1000 == 0 && (err = db_tx_begin(db)) != KP_OK)
			goto out;
		seed_bench_cpr(n, cpr);
		snprintf(name, sizeof(name), "Bench Borger %ld", n);
		p.citizens[0].cpr = cpr;
		p.citizens[0].name = name;
		/* Both caseworkers get a caseload, so that load tests have
		 * decisions for each of them to make. */
		p.citizens[0].caseworker = n % 2 == 1 ? "mette" : "peter";
		err = plan_seed(db, a, keys, rng, issuer, &p, NULL);
		if ((err != KP_OK || n % 1000 == 0 || n == count) &&
		    (err = db_tx_end(db, err)) != KP_OK)
			goto out;
		if (n % 10000 == 0)
			fprintf(log, "seed-bench: %ld citizens\n", n);
		arena_reset(a);
	}
	rc = 0;
out:
	if (rc != 0)
		fprintf(log, "seed-bench: failed at %ld: %s\n", n, kp_strerror(err));
	arena_free(a);
	return rc;
}
