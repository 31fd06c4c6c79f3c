/*
 * osvmap.c — the functions of osvmap.h; the names are its macros. No
 * state.
 */
#include "osvmap.h"

#include <stdio.h>
#include <string.h>

static const char *const event_names[OSV_EV_COUNT] = {
	[OSV_EV_INTRODUCED] = "introduced",
	[OSV_EV_FIXED] = "fixed",
	[OSV_EV_LAST_AFFECTED] = "last_affected",
	[OSV_EV_LIMIT] = "limit",
};

int osvmap_event(const char *name)
{
	for (int i = 0; i < OSV_EV_COUNT; i++)
		if (strcmp(name, event_names[i]) == 0)
			return i;
	return -1;
}

const char *osvmap_event_name(osv_event e)
{
	return e < OSV_EV_COUNT ? event_names[e] : "";
}

const char *osvmap_severity_type(const char *vector)
{
	return strncmp(vector, "CVSS:4", 6) == 0 ? "CVSS_V4" : "CVSS_V3";
}

int osvmap_severity_is_cvss(const char *type)
{
	return strcmp(type, "CVSS_V3") == 0 || strcmp(type, "CVSS_V4") == 0;
}

const char *osvmap_reference_type(const char *u)
{
	if ((strstr(u, "://github.com/") || strstr(u, "://gitlab.")) &&
	    strstr(u, "/issues/"))
		return "REPORT";
	if (strstr(u, "/advisories/") || strstr(u, "://www.cve.org/") ||
	    strstr(u, "://cve.mitre.org/"))
		return OSV_REF_ADVISORY;
	if (strstr(u, "://crates.io/crates/"))
		return OSV_REF_PACKAGE;
	return "WEB";
}

static int link(char *buf, size_t cap, const char *fmt, const char *s)
{
	int n = snprintf(buf, cap, fmt, s ? s : "");

	return n >= 0 && (size_t)n < cap ? 0 : -1;
}

int osvmap_package_link(char *buf, size_t cap, const char *package)
{
	return link(buf, cap, "https://crates.io/crates/%s", package);
}

int osvmap_advisory_link(char *buf, size_t cap, const char *id)
{
	return link(buf, cap, "https://rustsec.org/advisories/%s.html", id);
}

int osvmap_purl(char *buf, size_t cap, const char *package)
{
	return link(buf, cap, "pkg:cargo/%s", package);
}

int osvmap_date_time(char *buf, size_t cap, const char *date)
{
	if (!date || strlen(date) != 10) {
		if (cap)
			buf[0] = '\0';
		return -1;
	}
	return link(buf, cap, "%sT12:00:00Z", date);
}

int osvmap_id_ok(const char *id)
{
	if (!id[0] || id[0] == '.')
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.'))
			return 0;
	return 1;
}
