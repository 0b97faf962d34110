/* tmpdb.h — for unit tests that open a database file of their own: remove the
** file with its -wal, -shm and -journal companions. */
#ifndef ZD_TEST_TMPDB_H
#define ZD_TEST_TMPDB_H
#include <stdio.h>
#include <unistd.h>

static inline void remove_db_files(const char *path) {
  const char *suffix[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    char p[96];
    snprintf(p, sizeof p, "%s%s", path, suffix[i]);
    unlink(p);
  }
}

#endif
