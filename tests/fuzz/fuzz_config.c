/*
 * fuzz_config.c — audit.toml (query/cli/config.c) on arbitrary bytes.
 *
 * A rejected file must carry a "FILE:LINE: message" error; warnings too
 * name the file and a line within it. An accepted one keeps config.h's
 * promises: lists within their caps, every target name one target.c
 * accepts, a severity, format and deny words among the known ones, the
 * database path non-empty with its origin. Merged into a command line
 * (config_merge), the derived settings stay within theirs: the
 * informational list within CLI_INFO_MAX, the kinds and deny bits only
 * those defined, a notice never denied.
 */
#include "fuzz.h"
#include "cli.h"
#include "config.h"
#include "target.h"

typedef struct fc_ctx {
	unsigned lines;
	size_t n;
} fc_ctx;

static void fc_line_ok(const char *msg, unsigned lines)
{
	FUZZ_CHECK(!strncmp(msg, "f.toml:", 7), "message \"%s\" does not name "
	           "the file", msg);
	unsigned long l = strtoul(msg + 7, NULL, 10);
	FUZZ_CHECK(l <= lines, "message on line %lu of %u: %s", l, lines, msg);
}

static void fc_warn(void *ctx, const char *msg)
{
	fc_ctx *c = ctx;
	fc_line_ok(msg, c->lines);
	FUZZ_CHECK(strstr(msg, ": warning: unknown key") != NULL,
	           "a warning that is not about a key: %s", msg);
	c->n++;
}

int fuzz_config(const uint8_t *data, size_t size)
{
	static cli_opts o;
	audit_config c;
	char err[512];
	fc_ctx ctx = { 1, 0 };

	for (size_t i = 0; i < size; i++)
		ctx.lines += data[i] == '\n';
	memset(err, 0x55, sizeof err);
	if (config_parse(&c, "f.toml", (const char *)data, size, fc_warn, &ctx,
	                 err, sizeof err) != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL,
		           "error not terminated");
		fc_line_ok(err, ctx.lines);
		config_free(&c);
		return 0;
	}
	FUZZ_CHECK(c.nignore <= CLI_IGNORE_MAX && c.ninfo <= CLI_INFO_MAX &&
	           c.ndeny <= CLI_DENY_MAX && c.nos <= CLI_TARGETS_MAX &&
	           c.narch <= CLI_TARGETS_MAX, "a list past its cap");
	for (size_t i = 0; i < c.nos; i++)
		FUZZ_CHECK(target_known(TARGET_OS, c.os[i]), "os \"%s\"", c.os[i]);
	for (size_t i = 0; i < c.narch; i++)
		FUZZ_CHECK(target_known(TARGET_ARCH, c.arch[i]), "arch \"%s\"",
		           c.arch[i]);
	for (size_t i = 0; i < c.ndeny; i++)
		FUZZ_CHECK(c.denyv[i] <= DENYOPT_YANKED, "deny %u", c.denyv[i]);
	FUZZ_CHECK(!c.has_severity || (c.severity >= 0 && c.severity <= 4),
	           "severity %d", c.severity);
	FUZZ_CHECK(c.format >= FORMAT_UNSET && c.format <= FORMAT_SARIF,
	           "format %d", c.format);
	if (c.db_path)
		FUZZ_CHECK(*c.db_path && !strncmp(c.db_origin, "f.toml:", 7),
		           "database path \"%s\" from \"%s\"", c.db_path,
		           c.db_origin);

	config_cmdline cl = { .format = FORMAT_UNSET, .audits = 1 };
	memset(&o, 0, sizeof o);
	o.max_age_days = -1;
	o.denyv[0] = DENYOPT_UNSOUND;
	o.ndeny = 1;
	if (config_merge(&o, &c, &cl) == 0) {
		FUZZ_CHECK(o.ninfo <= CLI_INFO_MAX, "%zu informational kinds",
		           o.ninfo);
		FUZZ_CHECK(!(o.info_kinds & ~(DENY_UNMAINTAINED | DENY_UNSOUND |
		                              DENY_NOTICE)), "kinds %#x",
		           o.info_kinds);
		FUZZ_CHECK(!(o.deny & ~DENY_WARNINGS), "deny %#x", o.deny);
		FUZZ_CHECK(o.deny & DENY_UNSOUND, "--deny unsound lost");
		FUZZ_CHECK(o.info_kinds & DENY_UNSOUND, "a denied kind not "
		           "reported");
		FUZZ_CHECK(o.nignore == c.nignore, "ignores %zu of %zu",
		           o.nignore, c.nignore);
	}
	config_free(&c);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_config(data, size);
}
#endif
