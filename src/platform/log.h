/* log.h — one-line logs to stderr with a UTC timestamp. */
#ifndef ZD_LOG_H
#define ZD_LOG_H
enum { LOG_INFO, LOG_WARN, LOG_ERROR };
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
