/*
** sqlite_mem.h — where SQLite's memory comes from.
**
** SQLite empties a reader's page cache whenever another connection has
** written (its rule under WAL), so pages of 4 KiB come and go by the thousand
** every second. Through malloc they fragmented the heap: in a 10-minute soak
** the bytes in use stayed flat while resident memory crept up 13 %. Here every
** page-cache line comes from one region reserved at startup and is reused last
** in, first out; everything else SQLite allocates still comes from malloc.
** The region is reserved, not touched: a line becomes resident when it is
** first used, so an idle server costs nothing, and the resident part is the
** most pages ever cached at once. When the region is full, lines come from
** malloc as before.
*/
#ifndef ZD_SQLITE_MEM_H
#define ZD_SQLITE_MEM_H
#include <stddef.h>

/* Before SQLite is initialised (the first connection): reserve `bytes` for lines
** of pages of `page_size`. 0, or -1 when SQLite keeps its own allocator. */
int sqlite_mem_install(size_t bytes, int page_size);

typedef struct sqlite_mem_stats {
  size_t reserved, touched, in_use; /* bytes of the region: all, ever used, used now */
} sqlite_mem_stats;
sqlite_mem_stats sqlite_mem_get_stats(void);

#endif
