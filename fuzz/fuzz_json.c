/*
** fuzz_json.c — libFuzzer target: JSON input validation of the appeal API, the
** way the handlers do it: json_loadb (duplicate keys refused), json_unpack with
** JSON_STRICT in the shapes of POST /api/v1/public/appeals, POST /api/v1/appeals
** and POST /api/v1/appeals/{n}/transitions, then the module's own checks and
** writes (appeal_create, appeal_transition) on a real SQLite database holding
** the demo township, inside a transaction that is rolled back.
**
** Checked: a request is either refused with ZD_EINVAL / ZD_ECONFLICT /
** ZD_ENOTFOUND or stored with a well-formed number and tracking code; never
** another error, never a crash; the database stays as it was.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>
#include "modules/appeal/appeal.h"
#include "modules/appeal/appeal_store.h"
#include "modules/demo/demo.h"
#include "modules/identity/identity.h"
#include "platform/migrate.h"

static db *D;
static long long cadre_id;
static char case_number[24];
static char dir[] = "/tmp/zhendi-fuzz-json.XXXXXX";

static void cleanup(void) { /* the temporary database goes when the run ends */
  const char *files[] = {"f.db", "f.db-wal", "f.db-shm"};
  char p[96];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    unlink(p);
  }
  rmdir(dir);
}

static void die(const char *what, const zd_error *e) {
  fprintf(stderr, "fuzz_json setup: %s: %s\n", what, e ? e->msg : "");
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  if (sodium_init() < 0) die("sodium", NULL);
  if (!mkdtemp(dir)) die("mkdtemp", NULL);
  atexit(cleanup);
  char path[64];
  snprintf(path, sizeof path, "%s/f.db", dir);
  zd_error e = {0, ""};
  db_options o = {1, 0, 0};
  int applied = 0;
  if (db_open(path, &o, &D, &e)) die("open", &e);
  if (migrate_up(D, &applied, &e)) die("migrate", &e);
  if (demo_load(D, "zhendi-demo", &e)) die("demo", &e);
  db_conn *w = db_writer(D);
  user u;
  if (ident_user_by_login(w, "renhe-cadre", &u, NULL, 0, &e)) die("cadre", &e);
  cadre_id = u.id;
  db_stmt *s = db_query(w, &e, "SELECT number FROM appeal WHERE org_id = (SELECT id FROM org WHERE code = 'renhe') "
                               "AND state NOT IN ('closed') ORDER BY id LIMIT 1", "");
  if (!s || db_step(s, &e) != DB_ROW) die("case", &e);
  snprintf(case_number, sizeof case_number, "%s", db_col_text(s, 0));
  db_done(s);
  db_release(w);
  return 0;
}

static int refused(int rc) { return rc == ZD_EINVAL || rc == ZD_ECONFLICT || rc == ZD_ENOTFOUND; }

static void check_created(const char *number, const char *code, const appeal_new *in) {
  char norm[9];
  if (strlen(number) < 11 || number[6] != '-' || !appeal_code_normalise(code, norm)) abort();
  if (appeal_content_problem(in->content)) abort(); /* stored although the rules refuse it */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t je;
  json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (!j) return 0;
  if (!json_is_object(j)) { json_decref(j); return 0; }
  db_conn *w = db_writer(D);
  zd_error e = {0, ""};
  char number[24], code[10];

  /* public intake */
  appeal_new in = {0};
  if (json_unpack_ex(j, &je, JSON_STRICT, "{s:s, s:s, s:s, s?:s, s?:s, s?:s}", "village", &in.village, "kind", &in.kind,
                     "content", &in.content, "place", &in.place, "name", &in.name, "phone", &in.phone) == 0) {
    if (db_begin(w, &e)) abort();
    int rc = appeal_create(w, "public:fuzz", 0, &in, number, code, &e);
    if (rc == ZD_OK) check_created(number, code, &in);
    else if (!refused(rc)) { fprintf(stderr, "public create: rc %d: %s\n", rc, e.msg); abort(); }
    db_rollback(w);
  }
  /* offline entry by a cadre */
  appeal_new off = {0};
  if (json_unpack_ex(j, &je, JSON_STRICT, "{s:s, s:s, s:s, s:s, s?:s, s?:s, s?:s}", "village", &off.village, "kind",
                     &off.kind, "content", &off.content, "channel", &off.channel, "place", &off.place, "name", &off.name,
                     "phone", &off.phone) == 0) {
    if (db_begin(w, &e)) abort();
    int rc = appeal_create(w, "user:renhe-cadre", cadre_id, &off, number, code, &e);
    if (rc == ZD_OK) check_created(number, code, &off);
    else if (!refused(rc)) { fprintf(stderr, "offline create: rc %d: %s\n", rc, e.msg); abort(); }
    db_rollback(w);
  }
  /* a transition of an open case */
  const char *action = NULL, *mode = NULL, *owner = NULL, *text = NULL, *rating = NULL;
  if (json_unpack_ex(j, &je, JSON_STRICT, "{s:s, s?:s, s?:s, s?:s, s?:s}", "action", &action, "mode", &mode, "owner",
                     &owner, "text", &text, "rating", &rating) == 0) {
    int act = appeal_action_parse(action), m = mode ? appeal_mode_parse(mode) : -1, rt = appeal_rating_parse(rating);
    if (act >= 0) {
      appeal_change ch = {{(appeal_action)act, m < 0 ? AM_COUNT : (appeal_mode)m, rt < 0 ? AR_NONE : (appeal_rating)rt, 0, 0},
                          owner, text, 0};
      appeal out;
      char allowed[200];
      if (db_begin(w, &e)) abort();
      int rc = appeal_transition(w, "user:renhe-cadre", case_number, &ch, &out, allowed, sizeof allowed, &e);
      if (rc == ZD_OK && strcmp(out.number, case_number) != 0) abort();
      if (rc != ZD_OK && !refused(rc)) { fprintf(stderr, "transition: rc %d: %s\n", rc, e.msg); abort(); }
      db_rollback(w);
    }
  }
  db_release(w);
  json_decref(j);
  return 0;
}
