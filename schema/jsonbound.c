/*
 * jsonbound.c — the bounds of a JSON text (see jsonbound.h): one pass,
 * skipping strings (and the character after each backslash in them).
 */
#include "jsonbound.h"

int jsonbound_check(const char *s, size_t n, size_t depth_max,
                    size_t values_max)
{
	size_t depth = 0, values = 1;
	int in_str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			break;
		case '[':
			values++;
			/* fall through */
		case '{':
			if (++depth > depth_max)
				return JSONBOUND_DEEP;
			break;
		case ']':
		case '}':
			if (depth)
				depth--;
			break;
		case ',':
		case ':':
			values++;
			break;
		default:
			break;
		}
		if (values > values_max)
			return JSONBOUND_MANY;
	}
	return JSONBOUND_OK;
}
