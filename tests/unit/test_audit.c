/* test_audit.c — the hash-chained audit trail: canonical form and hash
** (src/modules/audit/audit_rules.c) and its storage and verification
** (src/modules/audit/audit.c) on a temporary, migrated SQLite file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules/audit/audit.h"
#include "platform/buf.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tmpdb.h"

/* ------------------------------------------------------------- helpers */

/* SHA-256 of a||b as lowercase hex, computed here without audit_hash. */
static void sha256_hex_concat(const char *a, const char *b, size_t blen, char out[65]) {
  static const char hex[] = "0123456789abcdef";
  size_t alen = strlen(a);
  unsigned char *all = malloc(alen + blen + 1);
  assert_non_null(all);
  memcpy(all, a, alen);
  memcpy(all + alen, b, blen);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, all, alen + blen);
  free(all);
  for (size_t i = 0; i < sizeof h; i++) {
    out[2 * i] = hex[h[i] >> 4];
    out[2 * i + 1] = hex[h[i] & 15];
  }
  out[64] = 0;
}

static char *canonical(const audit_entry *en) {
  buf b = BUF_INIT;
  audit_canonical(en, &b);
  assert_true(buf_ok(&b));
  size_t n;
  char *s = buf_take(&b, &n);
  assert_non_null(s);
  assert_int_equal(strlen(s), n);
  return s;
}

static void hash_of(const char *prev, const audit_entry *en, char out[AUDIT_HASH_LEN + 1]) {
  char *c = canonical(en);
  audit_hash(prev, c, strlen(c), out);
  free(c);
}

static const audit_entry sample = {
  7, 1700000000LL, "user:renhe-admin", "org.update", "org:renhe", 12, "{\"name\":\"a\"}", "{\"name\":\"b\"}",
};

/* ------------------------------------------------------- canonical form */

static void canonical_is_pinned(void **state) {
  (void)state;
  char *c = canonical(&sample);
  assert_string_equal(c, "{\"seq\":7,\"at\":1700000000,\"actor\":\"user:renhe-admin\",\"action\":\"org.update\","
                         "\"object\":\"org:renhe\",\"org\":12,\"before\":\"{\\\"name\\\":\\\"a\\\"}\","
                         "\"after\":\"{\\\"name\\\":\\\"b\\\"}\"}");
  free(c);
}

static void canonical_null_and_empty_fields(void **state) {
  (void)state;
  audit_entry en = {1, 0, NULL, NULL, NULL, 0, NULL, NULL};
  char *c = canonical(&en);
  assert_string_equal(c, "{\"seq\":1,\"at\":0,\"actor\":\"\",\"action\":\"\",\"object\":\"\",\"org\":0,"
                         "\"before\":\"\",\"after\":\"\"}");
  free(c);
  /* NULL and "" are the same entry (storage keeps "" for NULL before/after) */
  audit_entry e2 = {1, 0, "", "", "", 0, "", ""};
  char *c2 = canonical(&e2);
  assert_string_equal(c2, "{\"seq\":1,\"at\":0,\"actor\":\"\",\"action\":\"\",\"object\":\"\",\"org\":0,"
                          "\"before\":\"\",\"after\":\"\"}");
  free(c2);
  /* large and negative numbers */
  audit_entry e3 = {9223372036854775807LL, -5, "a", "b", "c", -1, "", ""};
  char *c3 = canonical(&e3);
  assert_string_equal(c3, "{\"seq\":9223372036854775807,\"at\":-5,\"actor\":\"a\",\"action\":\"b\",\"object\":\"c\","
                          "\"org\":-1,\"before\":\"\",\"after\":\"\"}");
  free(c3);
}

static void canonical_escapes_fields(void **state) {
  (void)state;
  audit_entry en = {2, 3, "a\"b", "x\ny", "<script>", 4, "back\\slash\ttab\r", "\x01</x>"};
  char *c = canonical(&en);
  assert_string_equal(c, "{\"seq\":2,\"at\":3,\"actor\":\"a\\\"b\",\"action\":\"x\\ny\","
                         "\"object\":\"\\u003cscript>\",\"org\":4,"
                         "\"before\":\"back\\\\slash\\ttab\\r\",\"after\":\"\\u0001\\u003c/x>\"}");
  /* nothing raw survives */
  assert_null(strchr(c, '\n'));
  assert_null(strchr(c, '<'));
  assert_null(strchr(c, '\t'));
  free(c);
  /* UTF-8 passes through unchanged */
  audit_entry zh = {1, 1, "user:张三", "org.create", "org:仁和村", 0, "", "{\"name\":\"仁和村\"}"};
  c = canonical(&zh);
  assert_string_equal(c, "{\"seq\":1,\"at\":1,\"actor\":\"user:张三\",\"action\":\"org.create\","
                         "\"object\":\"org:仁和村\",\"org\":0,\"before\":\"\","
                         "\"after\":\"{\\\"name\\\":\\\"仁和村\\\"}\"}");
  free(c);
}

static void canonical_fields_cannot_be_shifted(void **state) {
  (void)state;
  /* moving text from one field to the next, or smuggling a field
  ** separator into a value, gives a different canonical text */
  audit_entry a = {1, 1, "ab", "c", "o", 0, "", ""};
  audit_entry b = {1, 1, "a", "bc", "o", 0, "", ""};
  audit_entry c = {1, 1, "a\",\"action\":\"b", "c", "o", 0, "", ""};
  audit_entry d = {1, 1, "a", "b\",\"object\":\"c", "o", 0, "", ""};
  char *ca = canonical(&a), *cb = canonical(&b), *cc = canonical(&c), *cd = canonical(&d);
  assert_string_not_equal(ca, cb);
  assert_string_not_equal(cc, cd);
  assert_string_not_equal(ca, cc);
  char ha[65], hb[65], hc[65], hd[65];
  audit_hash(AUDIT_GENESIS, ca, strlen(ca), ha);
  audit_hash(AUDIT_GENESIS, cb, strlen(cb), hb);
  audit_hash(AUDIT_GENESIS, cc, strlen(cc), hc);
  audit_hash(AUDIT_GENESIS, cd, strlen(cd), hd);
  assert_string_not_equal(ha, hb);
  assert_string_not_equal(hc, hd);
  free(ca);
  free(cb);
  free(cc);
  free(cd);
}

/* ----------------------------------------------------------------- hash */

static void hash_matches_independent_sha256(void **state) {
  (void)state;
  char *c = canonical(&sample);
  char got[AUDIT_HASH_LEN + 1], want[65];
  memset(got, 'X', sizeof got);
  audit_hash(AUDIT_GENESIS, c, strlen(c), got);
  sha256_hex_concat(AUDIT_GENESIS, c, strlen(c), want);
  assert_int_equal(strlen(got), AUDIT_HASH_LEN);
  assert_string_equal(got, want);
  /* the next link hashes over the previous hash */
  char got2[AUDIT_HASH_LEN + 1], want2[65];
  audit_hash(got, c, strlen(c), got2);
  sha256_hex_concat(want, c, strlen(c), want2);
  assert_string_equal(got2, want2);
  assert_string_not_equal(got2, got);
  /* only `len` bytes of the canonical text count */
  char got3[AUDIT_HASH_LEN + 1], want3[65];
  audit_hash(AUDIT_GENESIS, c, 10, got3);
  sha256_hex_concat(AUDIT_GENESIS, c, 10, want3);
  assert_string_equal(got3, want3);
  free(c);
  /* a known vector: SHA-256("abc") with an empty prev */
  audit_hash("", "abc", 3, got);
  assert_string_equal(got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  audit_hash("a", "bc", 2, got);
  assert_string_equal(got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void every_field_changes_the_hash(void **state) {
  (void)state;
  char base[AUDIT_HASH_LEN + 1], h[AUDIT_HASH_LEN + 1];
  hash_of(AUDIT_GENESIS, &sample, base);
  audit_entry v[9];
  for (int i = 0; i < 9; i++) v[i] = sample;
  v[0].seq = 8;
  v[1].at = 1700000001LL;
  v[2].actor = "user:renhe-admiN";
  v[3].action = "org.updatf";
  v[4].object = "org:renhf";
  v[5].org_id = 13;
  v[6].before = "{\"name\":\"A\"}";
  v[7].after = "{\"name\":\"c\"}";
  v[8].org_id = 0;
  for (int i = 0; i < 9; i++) {
    hash_of(AUDIT_GENESIS, &v[i], h);
    if (strcmp(h, base) == 0) fail_msg("changing field %d did not change the hash", i);
  }
  /* and so does the previous hash */
  char prev[] = AUDIT_GENESIS;
  prev[63] = '1';
  hash_of(prev, &sample, h);
  assert_string_not_equal(h, base);
  /* same input, same hash */
  hash_of(AUDIT_GENESIS, &sample, h);
  assert_string_equal(h, base);
}

/* -------------------------------------------------------------- storage */

typedef struct fixture {
  char path[64];
  db *d;
} fixture;


static int setup_db(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  snprintf(f->path, sizeof f->path, "/tmp/zhendi-test-audit-XXXXXX");
  int fd = mkstemp(f->path);
  if (fd < 0) { free(f); return -1; }
  close(fd);
  zd_error e = {0, ""};
  db_options o = {2, 0, 0};
  if (db_open(f->path, &o, &f->d, &e) != ZD_OK) {
    fprintf(stderr, "db_open: %s\n", e.msg);
    remove_db_files(f->path);
    free(f);
    return -1;
  }
  int applied = 0;
  if (migrate_up(f->d, &applied, &e) != ZD_OK || applied < 3) {
    fprintf(stderr, "migrate_up: %s (applied %d)\n", e.msg, applied);
    db_close(f->d);
    remove_db_files(f->path);
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown_db(void **state) {
  fixture *f = *state;
  db_close(f->d);
  remove_db_files(f->path);
  free(f);
  return 0;
}

static const struct {
  const char *actor, *action, *object;
  long long org;
  const char *before, *after;
} rows[5] = {
  {"system", "org.create", "org:county", 0, NULL, "{\"name\":\"县\"}"},
  {"user:renhe-admin", "org.update", "org:renhe", 12, "{\"name\":\"a\"}", "{\"name\":\"b\\n<c>\"}"},
  {"user:renhe-admin", "user.create", "user:li\"si", 12, "", "{\"login\":\"lisi\"}"},
  {"user:lisi", "read.member", "member:7", 3, "", ""},
  {"cli", "token.create", "token:1", 0, "", "{\"label\":\"backup\"}"},
};

static void append_five(fixture *f) {
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  for (int i = 0; i < 5; i++) {
    int rc = audit_append(w, rows[i].actor, rows[i].action, rows[i].object, rows[i].org, rows[i].before,
                          rows[i].after, &e);
    if (rc != ZD_OK) fail_msg("audit_append %d: %d %s", i + 1, rc, e.msg);
  }
  assert_int_equal(db_commit(w, &e), ZD_OK);
  db_release(w);
}

static int verify(fixture *f, int on_writer, long long *count, long long *bad, zd_error *e) {
  db_conn *c = on_writer ? db_writer(f->d) : db_reader(f->d);
  int rc = audit_verify(c, count, bad, e);
  db_release(c);
  return rc;
}

static void tamper(fixture *f, const char *sql) {
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  int rc = db_exec(w, sql, &e);
  db_release(w);
  if (rc != ZD_OK) fail_msg("tamper \"%s\": %d %s", sql, rc, e.msg);
}

static void empty_trail(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  long long count = -1, bad = -1, seq = -1;
  char hash[AUDIT_HASH_LEN + 1];
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_OK);
  assert_int_equal(count, 0);
  assert_int_equal(bad, 0);
  db_conn *r = db_reader(f->d);
  assert_int_equal(audit_head(r, &seq, hash, &e), ZD_OK);
  db_release(r);
  assert_int_equal(seq, 0);
  assert_string_equal(hash, AUDIT_GENESIS);
}

static void append_head_and_verify(void **state) {
  fixture *f = *state;
  append_five(f);
  zd_error e = {0, ""};
  long long count = -1, bad = -1, seq = -1;
  char hash[AUDIT_HASH_LEN + 1];

  /* Recompute the chain independently from the stored rows. */
  db_conn *r = db_reader(f->d);
  db_stmt *s = db_query(r, &e,
                        "SELECT seq, at, actor, action, object, COALESCE(org_id, 0), before_json, after_json, "
                        "prev_hash, hash FROM audit ORDER BY seq", "");
  assert_non_null(s);
  char prev[65] = AUDIT_GENESIS, last[65] = "";
  long long n = 0;
  while (db_step(s, &e) == DB_ROW) {
    n++;
    assert_int_equal(db_col_int(s, 0), n);
    assert_string_equal(db_col_text(s, 2), rows[n - 1].actor);
    assert_string_equal(db_col_text(s, 3), rows[n - 1].action);
    assert_string_equal(db_col_text(s, 4), rows[n - 1].object);
    assert_int_equal(db_col_int(s, 5), rows[n - 1].org);
    assert_string_equal(db_col_text(s, 6), rows[n - 1].before ? rows[n - 1].before : "");
    assert_string_equal(db_col_text(s, 7), rows[n - 1].after ? rows[n - 1].after : "");
    assert_string_equal(db_col_text(s, 8), prev);
    audit_entry en = {db_col_int(s, 0), db_col_int(s, 1), db_col_text(s, 2), db_col_text(s, 3),
                      db_col_text(s, 4), db_col_int(s, 5), db_col_text(s, 6), db_col_text(s, 7)};
    char *c = canonical(&en);
    char want[65];
    sha256_hex_concat(prev, c, strlen(c), want);
    free(c);
    assert_string_equal(db_col_text(s, 9), want);
    memcpy(prev, want, sizeof prev);
    memcpy(last, want, sizeof last);
  }
  db_done(s);
  assert_int_equal(n, 5);

  assert_int_equal(audit_head(r, &seq, hash, &e), ZD_OK);
  db_release(r);
  assert_int_equal(seq, 5);
  assert_string_equal(hash, last);

  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_OK);
  assert_int_equal(count, 5);
  assert_int_equal(bad, 0);
  assert_int_equal(verify(f, 1, &count, &bad, &e), ZD_OK);
  assert_int_equal(count, 5);

  /* a second transaction continues the chain */
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(audit_append(w, "cli", "audit.verify", "audit", 0, NULL, NULL, &e), ZD_OK);
  assert_int_equal(db_commit(w, &e), ZD_OK);
  assert_int_equal(audit_head(w, &seq, hash, &e), ZD_OK);
  db_release(w);
  assert_int_equal(seq, 6);
  assert_string_not_equal(hash, last);
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_OK);
  assert_int_equal(count, 6);
}

static void rolled_back_append_leaves_no_trace(void **state) {
  fixture *f = *state;
  append_five(f);
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(audit_append(w, "x", "y", "z", 0, "", "", &e), ZD_OK);
  db_rollback(w);
  db_release(w);
  long long count = -1, bad = -1, seq = -1;
  char hash[AUDIT_HASH_LEN + 1];
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_OK);
  assert_int_equal(count, 5);
  db_conn *r = db_reader(f->d);
  assert_int_equal(audit_head(r, &seq, hash, &e), ZD_OK);
  db_release(r);
  assert_int_equal(seq, 5);
}

static void altered_entry_is_found(void **state) {
  fixture *f = *state;
  append_five(f);
  tamper(f, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'x' WHERE seq = 3");
  zd_error e = {0, ""};
  long long count = -1, bad = -1;
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 3);
  assert_int_equal(count, 2);
  assert_int_equal(e.rc, ZD_ECONFLICT);
  assert_true(strlen(e.msg) > 0);
  /* also on the writer connection */
  assert_int_equal(verify(f, 1, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 3);
}

static void altered_first_and_last_entries_are_found(void **state) {
  fixture *f = *state;
  append_five(f);
  zd_error e = {0, ""};
  long long count = -1, bad = -1;
  tamper(f, "DROP TRIGGER audit_no_update; UPDATE audit SET after_json = after_json || ' ' WHERE seq = 5");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 5);
  tamper(f, "UPDATE audit SET org_id = 99 WHERE seq = 1");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 1);
}

static void rehashed_entry_breaks_the_link(void **state) {
  /* An attacker who rewrites entry 3 and recomputes its hash still breaks
  ** entry 4, whose prev_hash names the old hash. */
  fixture *f = *state;
  append_five(f);
  zd_error e = {0, ""};
  db_conn *r = db_reader(f->d);
  db_stmt *s = db_query(r, &e,
                        "SELECT seq, at, actor, action, object, COALESCE(org_id, 0), before_json, after_json, "
                        "prev_hash FROM audit WHERE seq = 3", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_ROW);
  audit_entry en = {db_col_int(s, 0), db_col_int(s, 1), "mallory", db_col_text(s, 3),
                    db_col_text(s, 4), db_col_int(s, 5), db_col_text(s, 6), db_col_text(s, 7)};
  char prev[65], h[65];
  snprintf(prev, sizeof prev, "%s", db_col_text(s, 8));
  hash_of(prev, &en, h);
  db_done(s);
  db_release(r);
  char sql[256];
  snprintf(sql, sizeof sql, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory', hash = '%s' "
                            "WHERE seq = 3", h);
  tamper(f, sql);
  long long count = -1, bad = -1;
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 4);
  assert_int_equal(count, 3);
}

static void broken_link_is_found(void **state) {
  /* prev_hash is not part of the hashed text: it is checked on its own */
  fixture *f = *state;
  append_five(f);
  tamper(f, "DROP TRIGGER audit_no_update; UPDATE audit SET prev_hash = '" AUDIT_GENESIS "' WHERE seq = 3");
  zd_error e = {0, ""};
  long long count = -1, bad = -1;
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 3);
  assert_int_equal(count, 2);
}

static void deleted_entry_is_found(void **state) {
  fixture *f = *state;
  append_five(f);
  tamper(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2");
  zd_error e = {0, ""};
  long long count = -1, bad = -1;
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 2);
  assert_int_equal(count, 1);
}

static void deleted_tail_is_found(void **state) {
  fixture *f = *state;
  append_five(f);
  tamper(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 5");
  zd_error e = {0, ""};
  long long count = -1, bad = -1;
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(count, 4);
  assert_int_equal(bad, 5); /* the first missing entry */
  /* the whole trail gone, head left behind */
  tamper(f, "DELETE FROM audit");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(count, 0);
  assert_int_equal(bad, 1);
}

static void head_record_tampering_is_found(void **state) {
  fixture *f = *state;
  append_five(f);
  zd_error e = {0, ""};
  long long count = -1, bad = -1;
  /* head rolled back one entry: the chain is longer than the head says */
  tamper(f, "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit WHERE seq = 4)");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(count, 5);
  assert_int_equal(bad, 0);
  /* wrong seq, right hash */
  tamper(f, "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit WHERE seq = 5)");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(count, 5);
  assert_int_equal(bad, 0);
  tamper(f, "UPDATE audit_head SET seq = 6");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 6);
  /* right seq, wrong hash */
  tamper(f, "UPDATE audit_head SET seq = 5, hash = '" AUDIT_GENESIS "'");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 0);
  /* head record removed while entries remain */
  tamper(f, "DELETE FROM audit_head");
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_ECONFLICT);
  assert_int_equal(bad, 0);
}

static void triggers_refuse_update_and_delete(void **state) {
  fixture *f = *state;
  append_five(f);
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  int rc = db_exec(w, "UPDATE audit SET actor = 'x' WHERE seq = 3", &e);
  assert_int_not_equal(rc, ZD_OK);
  assert_non_null(strstr(e.msg, "append-only"));
  e = (zd_error){0, ""};
  rc = db_exec(w, "DELETE FROM audit WHERE seq = 2", &e);
  assert_int_not_equal(rc, ZD_OK);
  assert_non_null(strstr(e.msg, "append-only"));
  rc = db_exec(w, "DELETE FROM audit", &e);
  assert_int_not_equal(rc, ZD_OK);
  rc = db_run(w, &e, "UPDATE audit SET hash = ? WHERE seq = ?", "si", AUDIT_GENESIS, 1LL);
  assert_true(rc < 0);
  db_release(w);
  long long count = -1, bad = -1;
  assert_int_equal(verify(f, 0, &count, &bad, &e), ZD_OK);
  assert_int_equal(count, 5);
  assert_int_equal(bad, 0);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(canonical_is_pinned),
    cmocka_unit_test(canonical_null_and_empty_fields),
    cmocka_unit_test(canonical_escapes_fields),
    cmocka_unit_test(canonical_fields_cannot_be_shifted),
    cmocka_unit_test(hash_matches_independent_sha256),
    cmocka_unit_test(every_field_changes_the_hash),
    cmocka_unit_test_setup_teardown(empty_trail, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(append_head_and_verify, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(rolled_back_append_leaves_no_trace, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(altered_entry_is_found, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(altered_first_and_last_entries_are_found, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(rehashed_entry_breaks_the_link, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(broken_link_is_found, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(deleted_entry_is_found, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(deleted_tail_is_found, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(head_record_tampering_is_found, setup_db, teardown_db),
    cmocka_unit_test_setup_teardown(triggers_refuse_update_and_delete, setup_db, teardown_db),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
