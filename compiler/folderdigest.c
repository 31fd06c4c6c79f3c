/*
 * folderdigest.c — a plain folder's content digest (folderdigest.h).
 */
#include <stdlib.h>
#include <string.h>

#include "folderdigest.h"

void folder_digest_init(folder_digest *d)
{
	memset(d, 0, sizeof(*d));
}

int folder_digest_add(folder_digest *d, const char *path, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t pl = strlen(path), need = pl + 1 + GIT_OID_HEXSZ + 1;

	if (d->oom)
		return -1;
	if (d->used + need > d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 4096;
		while (d->used + need > nc)
			nc *= 2;
		char *nl = realloc(d->list, nc);
		if (!nl) {
			d->oom = 1;
			return -1;
		}
		d->list = nl;
		d->cap = nc;
	}
	git_oid_tostr(hex, sizeof(hex), id);
	memcpy(d->list + d->used, path, pl + 1);    /* with its NUL */
	d->used += pl + 1;
	memcpy(d->list + d->used, hex, GIT_OID_HEXSZ);
	d->used += GIT_OID_HEXSZ;
	d->list[d->used++] = '\n';
	return 0;
}

void folder_digest_free(folder_digest *d)
{
	free(d->list);
	folder_digest_init(d);
}

int folder_digest_end(folder_digest *d, char hex[41])
{
	git_oid oid;
	int rc = -1;

	if (!d->oom && git_odb_hash(&oid, d->list ? d->list : "", d->used,
	                            GIT_OBJECT_BLOB) == 0) {
		git_oid_tostr(hex, 41, &oid);
		rc = 0;
	}
	folder_digest_free(d);
	return rc;
}
