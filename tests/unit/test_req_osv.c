/*
 * test_req_osv.c — the real-data check of schema/req.c: for every advisory
 * of RustSec's advisory-db, the vulnerable ranges computed from its
 * `[versions] patched` and `unaffected` requirements must equal the events
 * RustSec itself exported to OSV (branch `osv` of the same bundle).
 *
 * The bundle is cloned (git, no checkout) into a fresh temporary folder and
 * read with libgit2; front matter goes through schema/toml.h, OSV JSON
 * through libyaml (JSON is YAML). Without ../shared/data (or
 * $ADVDB_SHARED) the test prints a TAP skip line with the reason.
 */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <git2.h>
#include <yaml.h>

#include "req.h"
#include "testlib.h"
#include "toml.h"

#define EVENTS_MAX 8192   /* text of one advisory's events */
#define DIFFS_MAX  65536  /* text of all differences reported */

typedef struct run {
	git_repository *repo;
	git_tree *osv;
	size_t common, same, no_osv;
	char diffs[DIFFS_MAX];
	size_t dlen;
} run;

static void add_diff(run *r, const char *fmt, ...)
{
	va_list ap;
	if (r->dlen + 2 >= sizeof r->diffs)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(r->diffs + r->dlen, sizeof r->diffs - r->dlen, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	r->dlen += (size_t)n;
	if (r->dlen >= sizeof r->diffs)
		r->dlen = sizeof r->diffs - 1;
}

/* Append "introduced=V" / "fixed=V" words, as OSV writes them. */
static void put_event(char *buf, size_t cap, size_t *at, const char *kind,
                      const char *v)
{
	if (*at >= cap)
		return;
	int n = snprintf(buf + *at, cap - *at, "%s%s=%s", *at ? " " : "", kind, v);
	if (n > 0)
		*at += (size_t)n;
	if (*at >= cap)
		*at = cap - 1;
}

/* ---- our side: TOML front matter -> req_parse -> req_vulnerable ----- */

static int collect(interval *iv, size_t *n, const toml_value *versions,
                   const char *key, char *err, size_t errcap)
{
	const toml_value *a = toml_table_get(versions, key);
	if (a == NULL)
		return 0;
	if (toml_kind(a) != TOML_ARRAY) {
		snprintf(err, errcap, "%s is not an array", key);
		return -1;
	}
	for (size_t i = 0; i < toml_array_len(a); i++) {
		const toml_value *s = toml_array_at(a, i);
		size_t len;
		if (toml_kind(s) != TOML_STRING || *n >= REQ_RANGES_MAX) {
			snprintf(err, errcap, "%s[%zu] is not a string", key, i);
			return -1;
		}
		const char *t = toml_string(s, &len);
		if (req_parse(&iv[*n], t, len, err, errcap) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static int our_events(char *out, size_t cap, const char *md, size_t len,
                      char *err, size_t errcap)
{
	static const char open[] = "```toml\n";
	const char *b, *e;
	size_t at = 0;

	if (len < sizeof open - 1 || memcmp(md, open, sizeof open - 1) != 0) {
		snprintf(err, errcap, "no ```toml front matter");
		return -1;
	}
	b = md + sizeof open - 1;
	e = NULL;
	for (const char *p = b; p + 3 <= md + len; p++)
		if (p[-1] == '\n' && memcmp(p, "```", 3) == 0) {
			e = p;
			break;
		}
	if (e == NULL) {
		snprintf(err, errcap, "unterminated front matter");
		return -1;
	}

	toml_doc *doc = NULL;
	toml_error terr;
	if (toml_parse(&doc, b, (size_t)(e - b), &terr) < 0) {
		snprintf(err, errcap, "toml %u:%u: %s", terr.line, terr.col, terr.msg);
		return -1;
	}
	static interval iv[REQ_RANGES_MAX];  /* test-only; too big for a stack */
	static range r[REQ_RANGES_MAX + 1];
	size_t n = 0, nr = 0;
	int rc = 0;
	const toml_value *v = toml_table_get(toml_root(doc), "versions");
	if (v != NULL && toml_kind(v) == TOML_TABLE)
		rc = collect(iv, &n, v, "patched", err, errcap) < 0 ||
		     collect(iv, &n, v, "unaffected", err, errcap) < 0 ? -1 : 0;
	toml_free(doc);
	if (rc < 0)
		return -1;
	if (req_vulnerable(r, REQ_RANGES_MAX + 1, &nr, iv, n, err, errcap) < 0)
		return -1;

	out[0] = '\0';
	for (size_t i = 0; i < nr; i++) {
		char vb[VERSION_TEXT_MAX + 1];
		if (r[i].has_introduced)
			version_format(&r[i].introduced, vb, sizeof vb);
		else
			snprintf(vb, sizeof vb, "0.0.0-0");  /* OSV's "from the start" */
		put_event(out, cap, &at, "introduced", vb);
		if (r[i].has_fixed) {
			version_format(&r[i].fixed, vb, sizeof vb);
			put_event(out, cap, &at, "fixed", vb);
		}
	}
	return 0;
}

/* ---- RustSec's side: OSV JSON -> affected[0].ranges[0].events ------- */

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *k)
{
	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(d, p->key);
		if (key && key->type == YAML_SCALAR_NODE &&
		    strlen(k) == key->data.scalar.length &&
		    memcmp(key->data.scalar.value, k, key->data.scalar.length) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static yaml_node_t *seq_first(yaml_document_t *d, yaml_node_t *s)
{
	if (s == NULL || s->type != YAML_SEQUENCE_NODE ||
	    s->data.sequence.items.start == s->data.sequence.items.top)
		return NULL;
	return yaml_document_get_node(d, s->data.sequence.items.start[0]);
}

static int osv_events(char *out, size_t cap, const char *json, size_t len,
                      char *err, size_t errcap)
{
	yaml_parser_t p;
	yaml_document_t d;
	size_t at = 0;
	int rc = -1;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errcap, "yaml init failed");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)json, len);
	if (!yaml_parser_load(&p, &d)) {
		snprintf(err, errcap, "json: %s", p.problem ? p.problem : "?");
		yaml_parser_delete(&p);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&d);
	yaml_node_t *aff = seq_first(&d, map_get(&d, root, "affected"));
	yaml_node_t *rng = seq_first(&d, map_get(&d, aff, "ranges"));
	yaml_node_t *ev = map_get(&d, rng, "events");
	if (ev == NULL || ev->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errcap, "no affected[0].ranges[0].events");
		goto done;
	}
	out[0] = '\0';
	for (yaml_node_item_t *i = ev->data.sequence.items.start;
	     i < ev->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(&d, *i);
		if (e == NULL || e->type != YAML_MAPPING_NODE ||
		    e->data.mapping.pairs.top - e->data.mapping.pairs.start != 1) {
			snprintf(err, errcap, "event is not a one-key object");
			goto done;
		}
		yaml_node_t *k = yaml_document_get_node(&d,
		                     e->data.mapping.pairs.start->key);
		yaml_node_t *v = yaml_document_get_node(&d,
		                     e->data.mapping.pairs.start->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE ||
		    v->type != YAML_SCALAR_NODE) {
			snprintf(err, errcap, "event is not key: string");
			goto done;
		}
		put_event(out, cap, &at, (const char *)k->data.scalar.value,
		          (const char *)v->data.scalar.value);
	}
	rc = 0;
done:
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	return rc;
}

/* ---- walking the two trees ------------------------------------------ */

static void check_advisory(run *r, const char *crate, const char *file,
                           const git_oid *md_oid)
{
	size_t flen = strlen(file);
	char id[256], path[300], err[512];
	static char ours[EVENTS_MAX], theirs[EVENTS_MAX];

	if (flen < 4 || flen - 3 >= sizeof id || strcmp(file + flen - 3, ".md"))
		return;
	memcpy(id, file, flen - 3);
	id[flen - 3] = '\0';
	snprintf(path, sizeof path, "crates/%s.json", id);

	git_tree_entry *oe = NULL;
	if (git_tree_entry_bypath(&oe, r->osv, path) < 0) {
		r->no_osv++;
		return;
	}
	git_blob *mb = NULL, *ob = NULL;
	if (git_blob_lookup(&mb, r->repo, md_oid) < 0 ||
	    git_blob_lookup(&ob, r->repo, git_tree_entry_id(oe)) < 0) {
		add_diff(r, "%s: cannot read blobs\n", id);
		goto done;
	}
	r->common++;
	err[0] = '\0';
	if (our_events(ours, sizeof ours, git_blob_rawcontent(mb),
	               (size_t)git_blob_rawsize(mb), err, sizeof err) < 0) {
		add_diff(r, "%s (%s): ours failed: %s\n", id, crate, err);
		goto done;
	}
	if (osv_events(theirs, sizeof theirs, git_blob_rawcontent(ob),
	               (size_t)git_blob_rawsize(ob), err, sizeof err) < 0) {
		add_diff(r, "%s: OSV unreadable: %s\n", id, err);
		goto done;
	}
	if (strcmp(ours, theirs) == 0)
		r->same++;
	else
		add_diff(r, "%s (%s):\n  ours: %s\n  osv:  %s\n", id, crate, ours,
		         theirs);
done:
	git_blob_free(mb);
	git_blob_free(ob);
	git_tree_entry_free(oe);
}

static int walk_main(run *r, git_tree *main_tree)
{
	git_tree_entry *ce = NULL;
	git_tree *crates = NULL;
	int rc = -1;

	if (git_tree_entry_bypath(&ce, main_tree, "crates") < 0 ||
	    git_tree_lookup(&crates, r->repo, git_tree_entry_id(ce)) < 0)
		goto done;
	for (size_t i = 0; i < git_tree_entrycount(crates); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(crates, i);
		git_tree *dir = NULL;
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
			continue;
		if (git_tree_lookup(&dir, r->repo, git_tree_entry_id(e)) < 0)
			goto done;
		for (size_t j = 0; j < git_tree_entrycount(dir); j++) {
			const git_tree_entry *f = git_tree_entry_byindex(dir, j);
			if (git_tree_entry_type(f) == GIT_OBJECT_BLOB)
				check_advisory(r, git_tree_entry_name(e),
				               git_tree_entry_name(f), git_tree_entry_id(f));
		}
		git_tree_free(dir);
	}
	rc = 0;
done:
	git_tree_free(crates);
	git_tree_entry_free(ce);
	return rc;
}

static void test_req_osv__ranges_match_rustsec_export(void **state)
{
	(void)state;
	char bundle[4096], tmp[4096], repo_dir[4200];
	static run r;

	tl_bundle_or_skip(bundle, sizeof bundle);
	tl_mkdtemp(tmp, sizeof tmp, "advdb-osv");
	snprintf(repo_dir, sizeof repo_dir, "%s/repo", tmp);

	memset(&r, 0, sizeof r);
	int ok = tl_git_clone(bundle, repo_dir, "--no-checkout", NULL) == 0;
	git_object *mt = NULL, *ot = NULL;
	git_libgit2_init();
	if (ok)
		ok = git_repository_open(&r.repo, repo_dir) == 0 &&
		     git_revparse_single(&mt, r.repo, "refs/remotes/origin/main^{tree}") == 0 &&
		     git_revparse_single(&ot, r.repo, "refs/remotes/origin/osv^{tree}") == 0;
	if (ok) {
		r.osv = (git_tree *)ot;
		ok = walk_main(&r, (git_tree *)mt) == 0;
	}
	git_object_free(mt);
	git_object_free(ot);
	git_repository_free(r.repo);
	git_libgit2_shutdown();
	tl_rm_rf(tmp);
	if (!ok)
		fail_msg("could not clone or read %s", bundle);

	print_message("# %zu/%zu advisories: identical ranges (%zu without an "
	              "OSV counterpart)\n", r.same, r.common, r.no_osv);
	/* a near-empty walk would pass vacuously */
	assert_true(r.common > 1000);
	if (r.same != r.common) {
		print_error("%.*s", (int)r.dlen, r.diffs);
		fail_msg("%zu advisories differ from RustSec's OSV export",
		         r.common - r.same);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req_osv__ranges_match_rustsec_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
