/*
 * osvout.c — see osvout.h. Reads the record's fields as they are (the
 * ranges as versions, formatted here, where they are printed); every
 * name and derived value comes from schema/osvmap.h.
 */
#include "osvout.h"

#include <stdlib.h>
#include <string.h>

#include "osvmap.h"
#include "rfc3339.h"
#include "version.h"

/* A YYYY-MM-DD date as OSV's time (its noon); other text as it is. */
static void date_time(json *j, const char *date)
{
	char t[RFC3339_MAX];

	if (osvmap_date_time(t, sizeof(t), date) < 0)
		json_str(j, date);
	else
		json_str(j, t);
}

static void reference(json *j, const char *type, const char *url)
{
	json_obj_begin(j);
	json_key(j, OSV_TYPE);
	json_str(j, type ? type : osvmap_reference_type(url));
	json_key(j, OSV_URL);
	json_str(j, url);
	json_obj_end(j);
}

static void list(json *j, const strlist *l)
{
	json_arr_begin(j);
	for (uint32_t i = 0; i < l->n; i++)
		json_str(j, l->v[i]);
	json_arr_end(j);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Affected function paths in byte order (rustsec keeps them in a sorted
 * map). Without memory for sorting they keep the index's order. */
static void function_paths(json *j, const adv_record *r)
{
	const char **v = r->nfunctions ? malloc(r->nfunctions * sizeof(*v))
	                               : NULL;

	json_arr_begin(j);
	for (uint32_t i = 0; i < r->nfunctions; i++) {
		if (v)
			v[i] = r->functions[i].path;
		else
			json_str(j, r->functions[i].path);
	}
	if (v) {
		qsort(v, r->nfunctions, sizeof(*v), cmp_str);
		for (uint32_t i = 0; i < r->nfunctions; i++)
			json_str(j, v[i]);
		free(v);
	}
	json_arr_end(j);
}

static void event(json *j, osv_event e, const version *v)
{
	char t[VERSION_TEXT_MAX + 1];

	json_obj_begin(j);
	json_key(j, osvmap_event_name(e));
	if (v) {
		version_format(v, t, sizeof(t));
		json_str(j, t);
	} else {
		json_str(j, OSV_VERSION_ZERO);
	}
	json_obj_end(j);
}

/* The one SEMVER range of the record's vulnerable ranges; none for a
 * record without any (an imported file that affects nothing): OSV wants
 * an `introduced` in every range's events. */
static void ranges(json *j, const adv_record *r)
{
	json_arr_begin(j);
	if (r->nranges == 0) {
		json_arr_end(j);
		return;
	}
	json_obj_begin(j);
	json_key(j, OSV_TYPE);
	json_str(j, OSV_RANGE_SEMVER);
	json_key(j, OSV_EVENTS);
	json_arr_begin(j);
	for (uint32_t i = 0; i < r->nranges; i++) {
		const range *g = &r->ranges[i];
		event(j, OSV_EV_INTRODUCED, g->has_introduced ? &g->introduced
		                                              : NULL);
		if (g->has_fixed)
			event(j, OSV_EV_FIXED, &g->fixed);
	}
	json_arr_end(j);
	json_obj_end(j);
	json_arr_end(j);
}

static void affected(json *j, const adv_record *r)
{
	char purl[OSV_LINK_MAX];

	json_arr_begin(j);
	json_obj_begin(j);
	json_key(j, OSV_PACKAGE);
	json_obj_begin(j);
	json_key(j, OSV_ECOSYSTEM);
	json_str(j, OSV_CRATES_IO);
	json_key(j, OSV_NAME);
	json_str(j, r->package);
	json_key(j, OSV_PURL);
	osvmap_purl(purl, sizeof(purl), r->package);
	json_str(j, purl);
	json_obj_end(j);
	json_key(j, OSV_ECOSYSTEM_SPECIFIC);
	json_obj_begin(j);
	json_key(j, OSV_AFFECTS);
	json_obj_begin(j);
	json_key(j, OSV_ARCH);
	list(j, &r->arch);
	json_key(j, OSV_OS);
	list(j, &r->os);
	json_key(j, OSV_FUNCTIONS);
	function_paths(j, r);
	json_obj_end(j);
	json_key(j, OSV_AFFECTED_FUNCTIONS);
	json_str(j, NULL);
	json_obj_end(j);
	json_key(j, OSV_DATABASE_SPECIFIC);
	json_obj_begin(j);
	json_key(j, OSV_CATEGORIES);
	list(j, &r->categories);
	json_key(j, OSV_CVSS);
	json_str(j, r->cvss);
	json_key(j, OSV_INFORMATIONAL);
	json_str(j, r->informational);
	json_obj_end(j);
	json_key(j, OSV_RANGES);
	ranges(j, r);
	json_key(j, OSV_VERSIONS);
	json_arr_begin(j);
	json_arr_end(j);
	json_obj_end(j);
	json_arr_end(j);
}

int osvout_modified(char out[RFC3339_MAX], const adv_record *r,
                    int64_t modified_fallback)
{
	if (rfc3339_format(out, r->modified ? r->modified : modified_fallback))
		return 0;
	return osvmap_date_time(out, RFC3339_MAX, r->date);
}

void osvout_advisory(json *j, const adv_record *r, int64_t modified_fallback)
{
	char t[RFC3339_MAX], link[OSV_LINK_MAX];

	json_obj_begin(j);
	json_key(j, OSV_ID);
	json_str(j, r->id);
	json_key(j, OSV_MODIFIED);
	if (osvout_modified(t, r, modified_fallback) == 0)
		json_str(j, t);
	else
		json_str(j, r->date);
	json_key(j, OSV_PUBLISHED);
	date_time(j, r->date);
	if (r->withdrawn) {
		json_key(j, OSV_WITHDRAWN);
		date_time(j, r->withdrawn);
	}
	json_key(j, OSV_ALIASES);
	list(j, &r->aliases);
	json_key(j, OSV_RELATED);
	list(j, &r->related);
	json_key(j, OSV_SUMMARY);
	json_str(j, r->title);
	json_key(j, OSV_DETAILS);
	json_str(j, r->description);
	json_key(j, OSV_SEVERITY);
	json_arr_begin(j);
	if (r->cvss) {
		json_obj_begin(j);
		json_key(j, OSV_TYPE);
		json_str(j, osvmap_severity_type(r->cvss));
		json_key(j, OSV_SCORE);
		json_str(j, r->cvss);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, OSV_AFFECTED);
	affected(j, r);
	json_key(j, OSV_REFERENCES);
	json_arr_begin(j);
	osvmap_package_link(link, sizeof(link), r->package);
	reference(j, OSV_REF_PACKAGE, link);
	osvmap_advisory_link(link, sizeof(link), r->id);
	reference(j, OSV_REF_ADVISORY, link);
	if (r->url)
		reference(j, NULL, r->url);
	for (uint32_t i = 0; i < r->references.n; i++)
		reference(j, NULL, r->references.v[i]);
	json_arr_end(j);
	json_key(j, OSV_DATABASE_SPECIFIC);
	json_obj_begin(j);
	json_key(j, OSV_LICENSE);
	json_str(j, r->license ? r->license : OSV_LICENSE_DEFAULT);
	json_obj_end(j);
	json_obj_end(j);
}
