/* store.c — see store.h. */
#include "store.h"
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int hex64(const char *s) {
  if (!s || strlen(s) != 64) return 0;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
  return 1;
}

int store_path(const char *dir, const char *sha, const char *ext, char *out, size_t n) {
  if (!hex64(sha) || !ext || (strcmp(ext, "jpg") && strcmp(ext, "png") && strcmp(ext, "webp"))) return 0;
  return snprintf(out, n, "%s/uploads/%.2s/%s.%s", dir, sha, sha, ext) < (int)n;
}

static int mkdirs(const char *path) {
  char tmp[512];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(tmp, 0750) && errno != EEXIST) return -1;
    *p = '/';
  }
  return mkdir(tmp, 0750) && errno != EEXIST ? -1 : 0;
}

int store_put(const char *dir, const void *data, size_t len, const char *ext, char sha[65], zd_error *e) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, data, len);
  sodium_bin2hex(sha, 65, h, sizeof h);
  char path[512], sub[512], tmp[540];
  if (!store_path(dir, sha, ext, path, sizeof path)) return zd_fail(e, ZD_EINTERNAL, "bad upload path");
  if (access(path, F_OK) == 0) return ZD_OK; /* same content already stored */
  snprintf(sub, sizeof sub, "%s/uploads/%.2s", dir, sha);
  if (mkdirs(sub)) return zd_fail(e, ZD_EINTERNAL, "cannot create %s: %s", sub, strerror(errno));
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return zd_fail(e, ZD_EINTERNAL, "cannot write %s: %s", tmp, strerror(errno));
  const char *p = data;
  size_t left = len;
  while (left) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) { close(fd); unlink(tmp); return zd_fail(e, ZD_EINTERNAL, "cannot write %s", tmp); }
    p += w;
    left -= (size_t)w;
  }
  if (fsync(fd) || close(fd)) { unlink(tmp); return zd_fail(e, ZD_EINTERNAL, "cannot sync %s", tmp); }
  if (rename(tmp, path)) { unlink(tmp); return zd_fail(e, ZD_EINTERNAL, "cannot rename %s", tmp); }
  return ZD_OK;
}
