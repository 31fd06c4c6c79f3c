/*
 * sarif.c — the SARIF 2.1.0 log (see sarif.h). Validated in
 * tests/e2e/audit.sh against the OASIS schema with python3-jsonschema.
 */
#include "sarif.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advdb.h"
#include "cli.h"
#include "rcache.h"

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
	"sarif-schema-2.1.0.json"
/* advdb has no site of its own: the rules point at each advisory's page,
 * the driver at the advisories' home. */
#define SARIF_INFO_URI "https://rustsec.org/"
#define RULES_MAX 1000000       /* ids held (an index holds fewer) */

typedef struct rule {
	char id[ADVDB_ID_MAX];
	advdb_kind kind;
} rule;

typedef struct note {
	char *path, *msg;
} note;

struct sarif_run {
	pthread_mutex_t mu;
	rule *rules;                /* open addressing on id */
	size_t cap, n;
	note notes[SARIF_NOTES_MAX];
	size_t nnotes, nerr;
};

int sarif_run_new(sarif_run **out)
{
	sarif_run *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -1;
	r->cap = 256;
	if (!(r->rules = calloc(r->cap, sizeof(*r->rules)))) {
		free(r);
		return -1;
	}
	pthread_mutex_init(&r->mu, NULL);
	*out = r;
	return 0;
}

void sarif_run_free(sarif_run *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nnotes; i++) {
		free(r->notes[i].path);
		free(r->notes[i].msg);
	}
	pthread_mutex_destroy(&r->mu);
	free(r->rules);
	free(r);
}

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Remember a rule id (under the mutex). -1 out of memory. */
static int add_rule(sarif_run *r, const char *id, advdb_kind kind)
{
	if (r->n * 2 >= r->cap) {
		if (r->cap >= RULES_MAX)
			return -1;
		size_t cap = r->cap * 2;
		rule *v = calloc(cap, sizeof(*v));
		if (!v)
			return -1;
		for (size_t i = 0; i < r->cap; i++)
			if (r->rules[i].id[0]) {
				size_t h = fnv(0xcbf29ce484222325ULL, r->rules[i].id,
				               strlen(r->rules[i].id)) & (cap - 1);
				while (v[h].id[0])
					h = (h + 1) & (cap - 1);
				v[h] = r->rules[i];
			}
		free(r->rules);
		r->rules = v;
		r->cap = cap;
	}
	size_t h = fnv(0xcbf29ce484222325ULL, id, strlen(id)) & (r->cap - 1);
	while (r->rules[h].id[0]) {
		if (!strcmp(r->rules[h].id, id))
			return 0;
		h = (h + 1) & (r->cap - 1);
	}
	snprintf(r->rules[h].id, sizeof r->rules[h].id, "%s", id);
	r->rules[h].kind = kind;
	r->n++;
	return 0;
}

void sarif_error(sarif_run *run, const char *path, const char *msg)
{
	if (!run)
		return;
	pthread_mutex_lock(&run->mu);
	run->nerr++;
	if (run->nnotes < SARIF_NOTES_MAX) {
		note *n = &run->notes[run->nnotes];
		n->path = path ? strdup(path) : NULL;
		n->msg = strdup(msg);
		if (n->msg && (!path || n->path))
			run->nnotes++;
		else {
			free(n->path);
			free(n->msg);
		}
	}
	pthread_mutex_unlock(&run->mu);
}

/* A path as a URI reference: relative paths stay relative (GitHub wants
 * them repository-relative), absolute ones become file:// URIs; bytes
 * outside RFC 3986's unreserved set and '/' are percent-encoded. */
static void uri_json(json *j, const char *path)
{
	buf u = BUF_INIT;
	static const char hex[] = "0123456789ABCDEF";

	if (path[0] == '/')
		buf_puts(&u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			buf_putc(&u, (char)*p);
		} else {
			buf_putc(&u, '%');
			buf_putc(&u, hex[*p >> 4]);
			buf_putc(&u, hex[*p & 15]);
		}
	}
	json_strn(j, u.p ? u.p : "", u.len);
	buf_free(&u);
}

/* physicalLocation of path (NULL or stdin: none), at line (0: none). */
static void location_json(json *j, const char *path, unsigned line)
{
	json_obj_begin(j);
	json_key(j, "physicalLocation");
	json_obj_begin(j);
	json_key(j, "artifactLocation");
	json_obj_begin(j);
	json_key(j, "uri");
	uri_json(j, path);
	json_obj_end(j);
	if (line) {
		json_key(j, "region");
		json_obj_begin(j);
		json_key(j, "startLine");
		json_uint(j, line);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_obj_end(j);
}

static int has_location(const char *path)
{
	return path && *path && strcmp(path, "<stdin>") != 0 &&
	       strcmp(path, "-") != 0;
}

/* The advisory's title, through the session's cache (an advisory is
 * reported on many packages). */
static int title_of(char *out, size_t cap, const session *s, const char *id)
{
	const char *t;
	size_t len = 0;
	advdb_advisory *a = NULL;
	int rc;

	if (s->rcache && (t = rcache_get(s->rcache, id, &len))) {
		snprintf(out, cap, "%.*s", (int)len, t);
		return ADVDB_OK;
	}
	if ((rc = advdb_advisory_get(&a, s->db, id)) != ADVDB_OK)
		return rc;
	t = advdb_advisory_field(a, ADVDB_F_TITLE);
	snprintf(out, cap, "%s", t ? t : "");
	if (s->rcache)
		rcache_put(s->rcache, id, out, strlen(out), &len);
	advdb_advisory_free(a);
	return ADVDB_OK;
}

int sarif_results(buf *out, const session *s, const report_in *r)
{
	const findings *f = r->f;
	int rc = ADVDB_OK;

	for (size_t i = 0; rc == ADVDB_OK && i < f->n; i++) {
		const finding *fd = &f->v[i];
		int vuln = fd->m.kind == ADVDB_KIND_VULNERABILITY;
		char title[512], fp[24], text[1024];
		json j;

		if ((rc = title_of(title, sizeof title, s, fd->m.id)) != ADVDB_OK)
			break;
		if (s->sarif) {
			pthread_mutex_lock(&s->sarif->mu);
			if (add_rule(s->sarif, fd->m.id, fd->m.kind) < 0)
				rc = ADVDB_ENOMEM;
			pthread_mutex_unlock(&s->sarif->mu);
			if (rc != ADVDB_OK)
				break;
		}
		uint64_t h = 0xcbf29ce484222325ULL;
		h = fnv(h, fd->m.id, strlen(fd->m.id) + 1);
		h = fnv(h, fd->pkg->name, strlen(fd->pkg->name) + 1);
		h = fnv(h, fd->pkg->version, strlen(fd->pkg->version) + 1);
		if (r->path)
			h = fnv(h, r->path, strlen(r->path));
		snprintf(fp, sizeof fp, "%016llx", (unsigned long long)h);
		if (vuln)
			snprintf(text, sizeof text, "%s %s is vulnerable to %s (%s)",
			         fd->pkg->name, fd->pkg->version, fd->m.id, title);
		else
			snprintf(text, sizeof text, "%s %s %s: %s (%s)",
			         fd->pkg->name, fd->pkg->version,
			         fd->m.kind == ADVDB_KIND_NOTICE ? "has a notice"
			         : fd->m.kind == ADVDB_KIND_UNSOUND ? "is unsound"
			         : "is unmaintained", fd->m.id, title);

		buf_putc(out, ',');
		json_init(&j, out);
		json_obj_begin(&j);
		json_key(&j, "ruleId");
		json_str(&j, fd->m.id);
		json_key(&j, "level");
		json_str(&j, vuln ? "error" : "warning");
		json_key(&j, "message");
		json_obj_begin(&j);
		json_key(&j, "text");
		json_str(&j, text);
		json_obj_end(&j);
		if (has_location(r->path)) {
			json_key(&j, "locations");
			json_arr_begin(&j);
			location_json(&j, r->path, r->bin ? 0 : fd->pkg->line);
			json_arr_end(&j);
		}
		json_key(&j, "partialFingerprints");
		json_obj_begin(&j);
		json_key(&j, "advdb/v1");
		json_str(&j, fp);
		json_obj_end(&j);
		json_obj_end(&j);
		if (r->tick)
			r->tick(r->tick_ctx);
	}
	for (size_t i = 0; i < f->nerrs; i++)
		sarif_error(s->sarif, r->path, f->errs[i]);
	if (f->nerr > f->nerrs && s->sarif) {
		char m[96];
		snprintf(m, sizeof m, "%zu more errors not shown",
		         f->nerr - f->nerrs);
		sarif_error(s->sarif, r->path, m);
	}
	return rc;
}

void sarif_begin(buf *out)
{
	buf_puts(out, "{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\","
	         "\"runs\":[{\"results\":[");
}

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const rule *)a)->id, ((const rule *)b)->id);
}

static void text_obj(json *j, const char *key, const char *text)
{
	json_key(j, key);
	json_obj_begin(j);
	json_key(j, "text");
	json_str(j, text);
	json_obj_end(j);
}

static int rule_json(json *j, const session *s, const rule *ru)
{
	advdb_advisory *a = NULL;
	char url[256], sev[8];
	int vuln = ru->kind == ADVDB_KIND_VULNERABILITY, rc;

	if ((rc = advdb_advisory_get(&a, s->db, ru->id)) != ADVDB_OK)
		return rc;
	const char *title = advdb_advisory_field(a, ADVDB_F_TITLE);
	const char *desc = advdb_advisory_field(a, ADVDB_F_DESCRIPTION);
	const char *page = report_advisory_url(url, sizeof url, a);
	uint16_t score = advdb_advisory_cvss_score10(a);

	json_obj_begin(j);
	json_key(j, "id");
	json_str(j, ru->id);
	json_key(j, "name");
	json_str(j, ru->id);
	text_obj(j, "shortDescription", title && *title ? title : ru->id);
	if (desc && *desc)
		text_obj(j, "fullDescription", desc);
	if (page) {
		json_key(j, "helpUri");
		json_str(j, page);
		json_key(j, "help");
		json_obj_begin(j);
		json_key(j, "text");
		buf t = BUF_INIT;
		buf_printf(&t, "For more information, see: %s", page);
		json_strn(j, t.p ? t.p : "", t.len);
		json_key(j, "markdown");
		buf_reset(&t);
		buf_printf(&t, "For more information, see: [%s](%s)", ru->id,
		           page);
		json_strn(j, t.p ? t.p : "", t.len);
		buf_free(&t);
		json_obj_end(j);
	}
	json_key(j, "defaultConfiguration");
	json_obj_begin(j);
	json_key(j, "level");
	json_str(j, vuln ? "error" : "warning");
	json_obj_end(j);
	json_key(j, "properties");
	json_obj_begin(j);
	json_key(j, "tags");
	json_arr_begin(j);
	json_str(j, "security");
	json_str(j, vuln ? "vulnerability" : "warning");
	if (!vuln)
		json_str(j, kind_name(ru->kind));
	json_arr_end(j);
	json_key(j, "precision");
	json_str(j, "very-high");
	if (!vuln) {
		json_key(j, "problem.severity");
		json_str(j, "warning");
	}
	if (advdb_advisory_field(a, ADVDB_F_CVSS)) {
		snprintf(sev, sizeof sev, "%u.%u", score / 10, score % 10);
		json_key(j, "security-severity");
		json_str(j, sev);
	}
	json_obj_end(j);
	json_obj_end(j);
	advdb_advisory_free(a);
	return ADVDB_OK;
}

int sarif_end(buf *out, const session *s, sarif_run *run)
{
	json j;
	rule *v = NULL;
	size_t n = 0;
	int rc = ADVDB_OK;

	if (run && run->n && !(v = malloc(run->n * sizeof(*v))))
		rc = ADVDB_ENOMEM;
	for (size_t i = 0; v && i < run->cap; i++)
		if (run->rules[i].id[0])
			v[n++] = run->rules[i];
	if (n)
		qsort(v, n, sizeof(*v), cmp_rule);
	/* the rest of the run object, member by member: each value is a
	 * document of its own to the writer */
	buf_puts(out, "],\"tool\":");
	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "driver");
	json_obj_begin(&j);
	json_key(&j, "name");
	json_str(&j, "advdb");
	json_key(&j, "version");
	json_str(&j, ADVDB_VERSION);
	json_key(&j, "semanticVersion");
	json_str(&j, ADVDB_VERSION);
	json_key(&j, "informationUri");
	json_str(&j, SARIF_INFO_URI);
	json_key(&j, "rules");
	json_arr_begin(&j);
	for (size_t i = 0; rc == ADVDB_OK && i < n; i++)
		rc = rule_json(&j, s, &v[i]);
	json_arr_end(&j);
	json_obj_end(&j);
	json_obj_end(&j);
	free(v);

	size_t nerr = run ? run->nerr : 0;
	if (s && session_incomplete(s))
		sarif_error(run, NULL, "the index is incomplete: advisories were "
		            "skipped at compile time (advdb-compile --keep-going)");
	nerr = run ? run->nerr : nerr;
	buf_puts(out, ",\"invocations\":");
	json_init(&j, out);
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "executionSuccessful");
	json_bool(&j, nerr == 0 && rc == ADVDB_OK);
	if (run && run->nnotes) {
		json_key(&j, "toolExecutionNotifications");
		json_arr_begin(&j);
		for (size_t i = 0; i < run->nnotes; i++) {
			json_obj_begin(&j);
			json_key(&j, "level");
			json_str(&j, "error");
			text_obj(&j, "message", run->notes[i].msg);
			if (run->notes[i].path &&
			    has_location(run->notes[i].path)) {
				json_key(&j, "locations");
				json_arr_begin(&j);
				location_json(&j, run->notes[i].path, 0);
				json_arr_end(&j);
			}
			json_obj_end(&j);
		}
		json_arr_end(&j);
	}
	json_obj_end(&j);
	json_arr_end(&j);
	buf_puts(out, "}]}\n");        /* the run, runs, the log */
	if (rc == ADVDB_OK && out->failed)
		rc = ADVDB_ENOMEM;
	return rc;
}

int sarif_print(const buf *out, FILE *f, int *started)
{
	size_t skip = 0;

	if (!out->len)
		return 0;
	if (!*started && out->p[0] == ',')
		skip = 1;
	*started = 1;
	if (out->len > skip &&
	    fwrite(out->p + skip, 1, out->len - skip, f) != out->len - skip)
		return -1;
	return 0;
}
