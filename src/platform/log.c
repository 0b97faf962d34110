/* log.c — see log.h. */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void log_msg(int level, const char *fmt, ...) {
  static const char *names[] = {"info", "warn", "error"};
  char ts[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s %s %s\n", ts, names[level], line);
}
