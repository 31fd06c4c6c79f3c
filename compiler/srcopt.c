/*
 * srcopt.c — see srcopt.h. Owns the --source syntax and the order in
 * which extra sources are imported (command-line order, after REPO).
 */
#include "srcopt.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "osvimport.h"
#include "osvsrc.h"

#define ERR_MAX 1024

static int good_name(const char *s, size_t n)
{
	if (n == 0 || n > SRCOPT_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* SPEC = osv[:NAME][@REF] into o (name still empty when not given). */
static int parse_spec(srcopt *o, const char *spec, char *err, size_t errcap)
{
	const char *at = strchr(spec, '@');
	size_t head = at ? (size_t)(at - spec) : strlen(spec);

	memset(o, 0, sizeof(*o));
	if (head < 3 || strncmp(spec, "osv", 3) != 0 ||
	    (head > 3 && spec[3] != ':')) {
		errbuf_set(err, errcap, "--source %s: the kind must be osv "
		       "(osv[:NAME][@REF])", spec);
		return -1;
	}
	if (head > 3) {
		if (!good_name(spec + 4, head - 4)) {
			errbuf_set(err, errcap, "--source %s: a name is 1-%d letters, "
			       "digits, '-' or '_'", spec, SRCOPT_NAME_MAX);
			return -1;
		}
		memcpy(o->name, spec + 4, head - 4);
	}
	if (at) {
		size_t rl = strlen(at + 1);
		if (rl == 0 || rl >= sizeof(o->ref)) {
			errbuf_set(err, errcap, "--source %s: bad ref", spec);
			return -1;
		}
		memcpy(o->ref, at + 1, rl + 1);
	}
	return 0;
}

static int name_used(const srcopts *s, const char *name)
{
	if (!strcmp(name, "rustsec"))
		return 1;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return 1;
	return 0;
}

int srcopt_take(srcopts *out, int *argc, char **argv, char *err,
                size_t errcap)
{
	int w = 1;

	memset(out, 0, sizeof(*out));
	for (int i = 1; i < *argc; i++) {
		const char *spec = NULL;
		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[w++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--source")) {
			if (i + 1 >= *argc) {
				errbuf_set(err, errcap, "--source needs SPEC and PATH");
				return -1;
			}
			spec = argv[++i];
		} else if (!strncmp(argv[i], "--source=", 9)) {
			spec = argv[i] + 9;
		} else {
			argv[w++] = argv[i];
			continue;
		}
		if (i + 1 >= *argc || !*argv[i + 1]) {
			errbuf_set(err, errcap, "--source %s: missing PATH", spec);
			return -1;
		}
		if (out->n == SRCOPT_MAX) {
			errbuf_set(err, errcap, "at most %d --source options", SRCOPT_MAX);
			return -1;
		}
		srcopt *o = &out->v[out->n];
		if (parse_spec(o, spec, err, errcap) < 0)
			return -1;
		o->path = argv[++i];
		if (!o->name[0]) {
			for (unsigned k = 1; k <= SRCOPT_MAX + 1; k++) {
				if (k == 1)
					strcpy(o->name, "osv");
				else
					snprintf(o->name, sizeof(o->name), "osv%u", k);
				if (!name_used(out, o->name))
					break;
			}
		}
		if (name_used(out, o->name)) {
			errbuf_set(err, errcap, "--source %s: the name %s is taken", spec,
			       o->name);
			return -1;
		}
		out->n++;
	}
	argv[w] = NULL;
	*argc = w;
	return 0;
}

int srcopt_run(const srcopts *s, writer *w, int keep_going,
               volatile sig_atomic_t *beat, diag_list *d,
               char (*lines)[256])
{
	char err[ERR_MAX];

	for (size_t i = 0; i < s->n; i++) {
		const srcopt *o = &s->v[i];
		osvsrc *src = NULL;
		osvimport_stats st;
		if (osvsrc_open(&src, o->path, o->ref[0] ? o->ref : NULL, beat,
		                err, sizeof(err)) < 0) {
			diag_add(d, DIAG_ERROR, o->path, 0, "%s", err);
			return -1;
		}
		osvimport_opts io = { .source = o->name, .keep_going = keep_going,
		                      .beat = beat };
		int rc = osvimport_run(&io, src, w, d, &st);
		if (rc == 0 && writer_set_source(w, o->name, osvsrc_id(src),
		                                 osvsrc_time(src)) < 0) {
			diag_add(d, DIAG_ERROR, o->path, 0, "cannot record source %s",
			         o->name);
			rc = -1;
		}
		if (lines)
			snprintf(lines[i], 256, "source %s: %s %.12s: %zu files, %zu "
			         "added, %zu merged (%zu conflicting), %zu bad, %zu "
			         "entries of other ecosystems skipped", o->name,
			         osvsrc_is_git(src) ? "commit" : "folder",
			         osvsrc_id(src), st.files, st.added, st.merged,
			         st.conflicts, st.bad, st.other_ecosystems);
		osvsrc_close(src);
		if (rc < 0)
			return -1;
	}
	return 0;
}
