/*
** sqlite_mem.c — SQLite's allocator (see sqlite_mem.h): page-cache lines from
** a reserved region, everything else from malloc.
**
** The state below is process-wide by nature, like malloc's own: SQLite's
** allocator interface has no context argument. It is set up once at startup,
** before SQLite is initialised; afterwards only the free list and the bump
** pointer move, under the mutex.
*/
#include "sqlite_mem.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static struct {
  pthread_mutex_t mu;
  char *base, *end, *bump; /* [base, bump) has been handed out at least once */
  void *free;              /* lines given back, last in first out */
  int line, least;         /* a line's size; requests above `least` and up to `line` take one */
  size_t lines_used;
} pool = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL, NULL, 0, 0, 0};

static int in_pool(const void *p) { return pool.base && (const char *)p >= pool.base && (const char *)p < pool.end; }

/* Blocks from malloc carry their size in 8 bytes before them (SQLite asks for it). */
static void *heap_alloc(int n) {
  int64_t *p = malloc((size_t)n + 8);
  if (!p) return NULL;
  p[0] = n;
  return p + 1;
}

static void *line_take(void) {
  void *p = NULL;
  pthread_mutex_lock(&pool.mu);
  if (pool.free) {
    p = pool.free;
    memcpy(&pool.free, p, sizeof pool.free);
  } else if (pool.end - pool.bump >= pool.line) {
    p = pool.bump;
    pool.bump += pool.line;
  }
  if (p) pool.lines_used++;
  pthread_mutex_unlock(&pool.mu);
  return p;
}

static void line_give(void *p) {
  pthread_mutex_lock(&pool.mu);
  memcpy(p, &pool.free, sizeof pool.free);
  pool.free = p;
  pool.lines_used--;
  pthread_mutex_unlock(&pool.mu);
}

static void *m_malloc(int n) {
  if (n > pool.least && n <= pool.line) {
    void *p = line_take();
    if (p) return p;
  }
  return heap_alloc(n);
}

static void m_free(void *p) {
  if (!p) return;
  if (in_pool(p)) line_give(p);
  else free((int64_t *)p - 1);
}

static int m_size(void *p) {
  if (!p) return 0;
  return in_pool(p) ? pool.line : (int)((int64_t *)p)[-1];
}

static void *m_realloc(void *p, int n) {
  if (!p) return m_malloc(n);
  if (in_pool(p)) {
    if (n <= pool.line) return p;
    void *q = heap_alloc(n);
    if (!q) return NULL;
    memcpy(q, p, (size_t)pool.line);
    line_give(p);
    return q;
  }
  int64_t *q = realloc((int64_t *)p - 1, (size_t)n + 8);
  if (!q) return NULL;
  q[0] = n;
  return q + 1;
}

static int m_roundup(int n) { return (n + 7) & ~7; }
static int m_init(void *unused) { (void)unused; return SQLITE_OK; }
static void m_shutdown(void *unused) { (void)unused; }

int sqlite_mem_install(size_t bytes, int page_size) {
  int hdr = 0;
  if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK || hdr <= 0) return -1;
  int line = m_roundup(page_size + hdr);
  size_t n = bytes / (size_t)line;
  if (n == 0) return -1;
  void *region = mmap(NULL, n * (size_t)line, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) return -1;
  static const sqlite3_mem_methods methods = {m_malloc, m_free, m_realloc, m_size, m_roundup, m_init, m_shutdown, NULL};
  pool.base = pool.bump = region;
  pool.end = pool.base + n * (size_t)line;
  pool.line = line;
  pool.least = page_size; /* a page-cache line is the page and its header */
  if (sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK) { /* SQLite already initialised */
    munmap(region, n * (size_t)line);
    pool.base = pool.end = pool.bump = NULL;
    pool.line = pool.least = 0;
    return -1;
  }
  return 0;
}

sqlite_mem_stats sqlite_mem_get_stats(void) {
  sqlite_mem_stats s = {0, 0, 0};
  pthread_mutex_lock(&pool.mu);
  s.reserved = (size_t)(pool.end - pool.base);
  s.touched = (size_t)(pool.bump - pool.base);
  s.in_use = pool.lines_used * (size_t)pool.line;
  pthread_mutex_unlock(&pool.mu);
  return s;
}
