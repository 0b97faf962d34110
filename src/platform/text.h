/*
** text.h — pure text helpers: UTF-8 validation, percent-decoding,
** urlencoded-form parsing, and small string checks shared by modules.
** No I/O, no allocation beyond what the caller is handed back.
*/
#ifndef ZD_TEXT_H
#define ZD_TEXT_H
#include <stddef.h>

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);

/* Decode %XX and '+' (when plus_is_space) in place. Returns the new length,
** or (size_t)-1 on a malformed escape. */
size_t url_decode(char *s, int plus_is_space);

/* One name=value pair. */
typedef struct kv {
  char *key;
  char *val;
} kv;

typedef struct kvlist {
  kv *v;
  size_t n;
} kvlist;

/* Parse an application/x-www-form-urlencoded body (or query string) into list.
** Fails (returns nonzero) on a malformed escape, invalid UTF-8, or more than
** max_pairs pairs; list is then empty. err receives a short reason. */
int form_parse(const char *body, size_t len, size_t max_pairs, kvlist *list, const char **err);
void kvlist_free(kvlist *list);
int kvlist_add(kvlist *list, const char *key, const char *val);
const char *kvlist_get(const kvlist *list, const char *key);

/* "YYYY-MM-DD" of t seconds after 1970-01-01 00:00 UTC, as the proleptic
** Gregorian calendar counts it (what gmtime_r gives, without its lock). Add
** the UTC offset first for a local date. Years outside 0..9999 give "". */
void civil_date(long long t, char out[11]);

/* An organisation code: 1..32 chars of [a-z0-9-], starting with a letter. */
int code_valid(const char *s);

/* Is path a local redirect target ("/..." but not "//" or "/\")? */
int local_path_valid(const char *s);

#endif
