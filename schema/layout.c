/*
 * layout.c — the table of sub-databases (layout.h), as data.
 */
#include "layout.h"

const db_spec db_specs[DBI_COUNT] = {
#define DB_SPEC_(id, name, need, key_max, filled_by) \
	[id] = { name, need, key_max, filled_by },
	ADVDB_SUBDBS(DB_SPEC_)
#undef DB_SPEC_
};
