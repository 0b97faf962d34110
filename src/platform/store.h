/*
** store.h — files kept by content hash under DATA/uploads/ab/<sha256>.<ext>,
** written atomically (temporary file, fsync, rename). The name is derived
** from the content, so no user-chosen path ever reaches the file system.
*/
#ifndef ZD_STORE_H
#define ZD_STORE_H
#include <stddef.h>
#include "err.h"

int store_put(const char *data_dir, const void *data, size_t len, const char *ext, char sha[65], zd_error *e);
/* The path of a stored file; 0 if sha is not 64 hex digits or ext is unknown. */
int store_path(const char *data_dir, const char *sha, const char *ext, char *out, size_t n);

#endif
