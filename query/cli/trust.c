/*
 * trust.c — see trust.h. The key is loaded for the one open it serves
 * and freed right after; what stays is the verified signature, for
 * `info`. An unverified signature file is only ever described, labelled
 * so, never taken as an answer.
 */
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minisign.h"
#include "report.h"

void trust_choose(cli_opts *o, const char *option, const char *config)
{
	const char *env = getenv("ADVDB_TRUST_KEY");

	o->trust_key = NULL;
	o->trust_from = NULL;
	if (option) {
		o->trust_key = option;
		o->trust_from = "--trust-key";
	} else if (env) {
		o->trust_key = env;
		o->trust_from = "$ADVDB_TRUST_KEY";
	} else if (config) {
		o->trust_key = config;
		o->trust_from = "the configuration's trust key";
	}
	if (o->trust_key && !*o->trust_key)
		o->trust_key = o->trust_from = NULL;
}

int trust_open(advdb **db, advdb_signature **sig, const cli_opts *o,
               const char *path, char *err, size_t errcap)
{
	advdb_key *key = NULL;
	char msg[1024];
	int rc;

	*db = NULL;
	*sig = NULL;
	if (!o->trust_key)
		return advdb_open(db, path, 0, err, errcap);
	rc = advdb_key_load(&key, o->trust_key, msg, sizeof(msg));
	if (rc != ADVDB_OK) {
		snprintf(err, errcap, "%s: %s", o->trust_from, msg);
		return rc;
	}
	if (!(*sig = malloc(sizeof(**sig)))) {
		advdb_key_free(key);
		snprintf(err, errcap, "%s: out of memory", path);
		return ADVDB_ENOMEM;
	}
	advdb_signature_init(*sig, ADVDB_SIGNATURE_VERSION);
	rc = advdb_open_verified(db, path, key, *sig, err, errcap);
	advdb_key_free(key);
	if (rc != ADVDB_OK) {
		free(*sig);
		*sig = NULL;
	}
	return rc;
}

/* Without a trusted key: what "<path>.minisig" claims, unverified. 1
 * with *s filled, 0 when there is none, -1 with msg when unreadable. */
static int read_claim(ms_sig *s, char **sigpath, const char *path,
                      char *msg, size_t cap)
{
	size_t pl = strlen(path), len = 0;
	char *buf = malloc(MS_FILE_MAX);
	int fd, r, e, rc = -1;

	*sigpath = malloc(pl + sizeof(MS_SUFFIX));
	if (!buf || !*sigpath) {
		snprintf(msg, cap, "out of memory");
		goto done;
	}
	memcpy(*sigpath, path, pl);
	memcpy(*sigpath + pl, MS_SUFFIX, sizeof(MS_SUFFIX));
	fd = open(*sigpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			rc = 0;
		else
			snprintf(msg, cap, "%s", strerror(errno));
		goto done;
	}
	r = ms_read_fd(buf, &len, fd);
	e = errno;
	close(fd);
	if (r != 0)
		snprintf(msg, cap, "%s", r > 0 ? "too large" : e == EINVAL
		         ? "not a regular file" : strerror(e));
	else if (ms_sig_parse(s, buf, len, msg, cap) == 0)
		rc = 1;
done:
	free(buf);
	return rc;
}

void trust_info_human(buf *out, const advdb_signature *sig,
                      const char *path)
{
	char msg[256], id[MS_KEYID_HEX], *sigpath = NULL;
	ms_sig *s;

	if (sig) {
		buf_printf(out, "%-12sverified, key %s (%s)\n", "Signature:",
		           sig->key_id, sig->prehashed ? "prehashed" : "legacy");
		buf_printf(out, "%-12s", "Signed:");
		report_text(out, sig->trusted_comment, 0);
		buf_putc(out, '\n');
		return;
	}
	if (!(s = malloc(sizeof(*s)))) {
		buf_printf(out, "%-12sunknown (out of memory)\n", "Signature:");
		return;
	}
	int r = read_claim(s, &sigpath, path, msg, sizeof(msg));
	buf_printf(out, "%-12s", "Signature:");
	if (r == 0) {
		buf_printf(out, "none\n");
	} else if (r < 0) {
		report_text(out, sigpath ? sigpath : "", 0);
		buf_printf(out, ": unreadable, ");
		report_text(out, msg, 0);
		buf_putc(out, '\n');
	} else {
		ms_keyid(id, s->keynum);
		report_text(out, sigpath, 0);
		buf_printf(out, ", key %s, NOT verified (no --trust-key)\n", id);
		buf_printf(out, "%-12s", "Claims:");
		report_text(out, s->trusted, 0);
		buf_putc(out, '\n');
	}
	free(sigpath);
	free(s);
}

void trust_info_json(json *j, const advdb_signature *sig, const char *path)
{
	char msg[256], id[MS_KEYID_HEX], *sigpath = NULL;
	ms_sig *s = NULL;
	int r;

	json_key(j, "signature");
	if (sig) {
		json_obj_begin(j);
		json_key(j, "verified");
		json_bool(j, 1);
		json_key(j, "key_id");
		json_str(j, sig->key_id);
		json_key(j, "prehashed");
		json_bool(j, sig->prehashed);
		json_key(j, "trusted_comment");
		json_str(j, sig->trusted_comment);
		json_obj_end(j);
		return;
	}
	if (!(s = malloc(sizeof(*s)))) {
		json_str(j, NULL);
		return;
	}
	r = read_claim(s, &sigpath, path, msg, sizeof(msg));
	if (r == 0) {
		json_str(j, NULL);
	} else {
		json_obj_begin(j);
		json_key(j, "verified");
		json_bool(j, 0);
		json_key(j, "file");
		json_str(j, sigpath ? sigpath : "");
		if (r < 0) {
			json_key(j, "error");
			json_str(j, msg);
		} else {
			ms_keyid(id, s->keynum);
			json_key(j, "key_id");
			json_str(j, id);
			json_key(j, "prehashed");
			json_bool(j, s->prehashed);
			json_key(j, "trusted_comment");
			json_str(j, s->trusted);
		}
		json_obj_end(j);
	}
	free(sigpath);
	free(s);
}
