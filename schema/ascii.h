/*
 * ascii.h — ASCII character classes that more than one parser needs (the
 * TOML reader, the advisory reader's URL and date forms). Inline and
 * locale-free: <ctype.h> depends on the locale and takes int with EOF.
 */
#ifndef ADVDB_SCHEMA_ASCII_H
#define ADVDB_SCHEMA_ASCII_H

static inline int ascii_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Value of a hexadecimal digit, or -1. */
static inline int ascii_hexval(int c)
{
	if (ascii_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
