/* test_appeal_rules.c — the 民事直说 state machine and its vocabulary
** (src/modules/appeal/appeal_rules.c): every state × every action against an
** explicit table written from the design, what each transition does, the
** 不满意 reopen-then-escalate rule, deadlines, tracking codes, intake text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/appeal/appeal.h"
#include "platform/assets.h"
#include "platform/buf.h"
#include "platform/err.h"
#include "platform/i18n.h"

/* ---------------------------------------------------------------------------
** The expected table, from the design:
**   received    → register
**   registered  → assign, escalate, note
**   assigned    → start, escalate, note
**   in_progress → escalate, resolve, note
**   escalated   → assign, resolve, escalate (below county only), note
**   resolved    → answer, note
**   answered    → rate, close, note
**   rated       → close, note
**   reopened    → assign, escalate, note
**   closed      → nothing
** ESCALATE below is "escalate if below county". */
enum { NO = 0, YES = 1, ESC = 2 };
static const int expected[AS_COUNT][AA_COUNT] = {
  /*                 register assign start escalate resolve answer rate close note */
  [AS_RECEIVED]    = {YES,    NO,    NO,   NO,      NO,     NO,    NO,  NO,   NO},
  [AS_REGISTERED]  = {NO,     YES,   NO,   ESC,     NO,     NO,    NO,  NO,   YES},
  [AS_ASSIGNED]    = {NO,     NO,    YES,  ESC,     NO,     NO,    NO,  NO,   YES},
  [AS_IN_PROGRESS] = {NO,     NO,    NO,   ESC,     YES,    NO,    NO,  NO,   YES},
  [AS_ESCALATED]   = {NO,     YES,   NO,   ESC,     YES,    NO,    NO,  NO,   YES},
  [AS_RESOLVED]    = {NO,     NO,    NO,   NO,      NO,     YES,   NO,  NO,   YES},
  [AS_ANSWERED]    = {NO,     NO,    NO,   NO,      NO,     NO,    YES, YES,  YES},
  [AS_RATED]       = {NO,     NO,    NO,   NO,      NO,     NO,    NO,  YES,  YES},
  [AS_CLOSED]      = {NO,     NO,    NO,   NO,      NO,     NO,    NO,  NO,   NO},
  [AS_REOPENED]    = {NO,     YES,   NO,   ESC,     NO,     NO,    NO,  NO,   YES},
};

static int expect_allowed(appeal_state s, appeal_action a, int escalation) {
  int e = expected[s][a];
  return e == ESC ? escalation < ESC_COUNTY : e == YES;
}

/* The state each allowed action leads to (rate: with "satisfied"). */
static appeal_state expected_next(appeal_state s, appeal_action a) {
  switch (a) {
    case AA_REGISTER: return AS_REGISTERED;
    case AA_ASSIGN: return AS_ASSIGNED;
    case AA_START: return AS_IN_PROGRESS;
    case AA_ESCALATE: return AS_ESCALATED;
    case AA_RESOLVE: return AS_RESOLVED;
    case AA_ANSWER: return AS_ANSWERED;
    case AA_RATE: return AS_RATED;
    case AA_CLOSE: return AS_CLOSED;
    case AA_NOTE: return s;
    default: return AS_COUNT;
  }
}

/* A step with every field filled in, so only "allowed now?" decides. */
static appeal_step full_step(appeal_action a) {
  appeal_step st;
  memset(&st, 0, sizeof st);
  st.action = a;
  st.mode = AM_CADRE_LED;
  st.rating = AR_SATISFIED;
  st.has_owner = 1;
  st.has_text = 1;
  return st;
}

static appeal_fsm fsm(appeal_state s, int escalation, int reopens, appeal_rating rating) {
  appeal_fsm f;
  memset(&f, 0, sizeof f);
  f.state = s;
  f.escalation = escalation;
  f.reopens = reopens;
  f.rating = rating;
  return f;
}

/* Check one state's row at every escalation level and with other fields varied
** (appeal_allowed ignores reopens and rating). */
static void check_row(appeal_state s) {
  int bad = 0;
  for (int esc = ESC_VILLAGE; esc <= ESC_COUNTY; esc++)
    for (int reopens = 0; reopens <= 2; reopens++)
      for (int a = 0; a < AA_COUNT; a++) {
        appeal_fsm f = fsm(s, esc, reopens, reopens ? AR_UNSATISFIED : AR_NONE);
        int want = expect_allowed(s, (appeal_action)a, esc);
        int got = appeal_allowed(&f, (appeal_action)a) != 0;
        if (got != want) {
          print_error("state %s, escalation %d, reopens %d: action %s is %s, expected %s\n", appeal_state_key(s), esc,
                      reopens, appeal_action_key((appeal_action)a), got ? "allowed" : "refused",
                      want ? "allowed" : "refused");
          bad++;
        }
      }
  if (bad) fail_msg("%d cell(s) of the row of state %s differ from the design", bad, appeal_state_key(s));
}

static void received_allows_register_only(void **state) { (void)state; check_row(AS_RECEIVED); }
static void registered_allows_assign_escalate_note(void **state) { (void)state; check_row(AS_REGISTERED); }
static void assigned_allows_start_escalate_note(void **state) { (void)state; check_row(AS_ASSIGNED); }
static void in_progress_allows_escalate_resolve_note(void **state) { (void)state; check_row(AS_IN_PROGRESS); }
static void escalated_allows_assign_resolve_escalate_note(void **state) { (void)state; check_row(AS_ESCALATED); }
static void resolved_allows_answer_note(void **state) { (void)state; check_row(AS_RESOLVED); }
static void answered_allows_rate_close_note(void **state) { (void)state; check_row(AS_ANSWERED); }
static void rated_allows_close_note(void **state) { (void)state; check_row(AS_RATED); }
static void reopened_allows_assign_escalate_note(void **state) { (void)state; check_row(AS_REOPENED); }
static void closed_allows_nothing(void **state) { (void)state; check_row(AS_CLOSED); }

static void unknown_action_is_never_allowed(void **state) {
  (void)state;
  for (int s = 0; s < AS_COUNT; s++) {
    appeal_fsm f = fsm((appeal_state)s, 0, 0, AR_NONE);
    assert_false(appeal_allowed(&f, AA_COUNT));
    assert_false(appeal_allowed(&f, (appeal_action)-1));
  }
}

/* ---------------------------------------------------------------------------
** appeal_apply on every cell agrees with appeal_allowed (checked against the
** table above, row by row): allowed cells go to the right state, the others are
** a conflict that leaves the case as it was. */
static void apply_every_cell(void **state) {
  (void)state;
  int bad = 0;
  for (int s = 0; s < AS_COUNT; s++)
    for (int esc = ESC_VILLAGE; esc <= ESC_COUNTY; esc++)
      for (int a = 0; a < AA_COUNT; a++) {
        appeal_fsm f = fsm((appeal_state)s, esc, 0, AR_NONE), next;
        memset(&next, 0x55, sizeof next);
        appeal_step st = full_step((appeal_action)a);
        const char *why = "unset";
        int rc = appeal_apply(&f, &st, &next, &why);
        const char *sk = appeal_state_key((appeal_state)s), *ak = appeal_action_key((appeal_action)a);
        if (appeal_allowed(&f, (appeal_action)a)) {
          if (rc != ZD_OK) { print_error("%s/%d + %s: rc %d (%s)\n", sk, esc, ak, rc, why ? why : "-"); bad++; continue; }
          if (why != NULL) { print_error("%s + %s: why set on success: %s\n", sk, ak, why); bad++; }
          if (next.state != expected_next((appeal_state)s, (appeal_action)a)) {
            print_error("%s + %s -> %s, expected %s\n", sk, ak, appeal_state_key(next.state),
                        appeal_state_key(expected_next((appeal_state)s, (appeal_action)a)));
            bad++;
          }
          int want_esc = a == AA_ESCALATE ? esc + 1 : esc;
          if (next.escalation != want_esc) { print_error("%s + %s: escalation %d, expected %d\n", sk, ak, next.escalation, want_esc); bad++; }
          if (next.reopens != 0) { print_error("%s + %s: reopens %d\n", sk, ak, next.reopens); bad++; }
          appeal_rating want_rating = a == AA_RATE ? AR_SATISFIED : AR_NONE;
          if (next.rating != want_rating) { print_error("%s + %s: rating %d\n", sk, ak, next.rating); bad++; }
        } else {
          if (rc != ZD_ECONFLICT) { print_error("%s/%d + %s: rc %d, expected ZD_ECONFLICT\n", sk, esc, ak, rc); bad++; continue; }
          if (!why || !*why) { print_error("%s + %s: conflict without a reason\n", sk, ak); bad++; }
          if (memcmp(&next, &f, sizeof f) != 0) { print_error("%s + %s: refused but *next changed\n", sk, ak); bad++; }
          const char *want_why = s == AS_CLOSED ? "The case is closed."
                                                : "This action is not allowed in the case's present state.";
          if (why && strcmp(why, want_why) != 0) { print_error("%s + %s: why \"%s\"\n", sk, ak, why); bad++; }
        }
      }
  if (bad) fail_msg("%d problem(s) applying the table", bad);
}

static void apply_with(appeal_state s, appeal_step st, int want_rc, appeal_state want_state) {
  appeal_fsm f = fsm(s, 0, 0, AR_NONE), next;
  const char *why = NULL;
  int rc = appeal_apply(&f, &st, &next, &why);
  if (rc != want_rc)
    fail_msg("%s + %s: rc %d, expected %d (%s)", appeal_state_key(s), appeal_action_key(st.action), rc, want_rc,
             why ? why : "-");
  if (rc == ZD_OK) assert_int_equal(next.state, want_state);
  else {
    assert_non_null(why);
    assert_true(strlen(why) > 0);
  }
}

static void missing_fields_are_invalid(void **state) {
  (void)state;
  appeal_step st;
  /* assign: a way of handling and an owner */
  st = full_step(AA_ASSIGN); st.has_owner = 0;
  apply_with(AS_REGISTERED, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_ASSIGN); st.mode = AM_COUNT;
  apply_with(AS_REGISTERED, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_ASSIGN); st.mode = (appeal_mode)-1;
  apply_with(AS_REOPENED, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_ASSIGN); st.has_text = 0; /* text is not needed to assign */
  apply_with(AS_ESCALATED, st, ZD_OK, AS_ASSIGNED);
  /* escalate, resolve, answer, note: a text */
  st = full_step(AA_ESCALATE); st.has_text = 0;
  apply_with(AS_IN_PROGRESS, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_RESOLVE); st.has_text = 0;
  apply_with(AS_IN_PROGRESS, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_ANSWER); st.has_text = 0;
  apply_with(AS_RESOLVED, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_NOTE); st.has_text = 0;
  apply_with(AS_ASSIGNED, st, ZD_EINVAL, AS_COUNT);
  /* rate: one of the three ratings */
  st = full_step(AA_RATE); st.rating = AR_NONE;
  apply_with(AS_ANSWERED, st, ZD_EINVAL, AS_COUNT);
  st = full_step(AA_RATE); st.rating = AR_COUNT;
  apply_with(AS_ANSWERED, st, ZD_EINVAL, AS_COUNT);
  /* register, start, close need nothing */
  st = full_step(AA_REGISTER); st.has_owner = st.has_text = 0; st.mode = AM_COUNT; st.rating = AR_NONE;
  apply_with(AS_RECEIVED, st, ZD_OK, AS_REGISTERED);
  st = full_step(AA_START); st.has_owner = st.has_text = 0; st.mode = AM_COUNT; st.rating = AR_NONE;
  apply_with(AS_ASSIGNED, st, ZD_OK, AS_IN_PROGRESS);
  st = full_step(AA_CLOSE); st.has_owner = st.has_text = 0; st.mode = AM_COUNT; st.rating = AR_NONE;
  apply_with(AS_RATED, st, ZD_OK, AS_CLOSED);
  /* not allowed now wins over a missing field: the caller learns what is allowed */
  st = full_step(AA_ANSWER); st.has_text = 0;
  apply_with(AS_ASSIGNED, st, ZD_ECONFLICT, AS_COUNT);
  st = full_step(AA_ASSIGN); st.has_owner = 0;
  apply_with(AS_CLOSED, st, ZD_ECONFLICT, AS_COUNT);
  /* an unknown action */
  st = full_step(AA_NOTE); st.action = AA_COUNT;
  apply_with(AS_REGISTERED, st, ZD_EINVAL, AS_COUNT);
}

static void every_mode_can_be_assigned(void **state) {
  (void)state;
  for (int m = 0; m < AM_COUNT; m++) {
    appeal_step st = full_step(AA_ASSIGN);
    st.mode = (appeal_mode)m;
    apply_with(AS_REGISTERED, st, ZD_OK, AS_ASSIGNED);
  }
}

/* ---------------------------------------------------------------------------
** Rating: 满意/基本满意 → rated; the first 不满意 reopens, the second escalates. */
static appeal_fsm rate(appeal_fsm f, appeal_rating r, int want_rc) {
  appeal_step st = full_step(AA_RATE);
  st.rating = r;
  appeal_fsm next;
  const char *why = NULL;
  int rc = appeal_apply(&f, &st, &next, &why);
  if (rc != want_rc) fail_msg("rating %s in %s: rc %d, expected %d (%s)", appeal_rating_key(r), appeal_state_key(f.state), rc, want_rc, why ? why : "-");
  return next;
}

static void satisfied_and_basic_are_rated(void **state) {
  (void)state;
  appeal_rating ok[] = {AR_SATISFIED, AR_BASIC};
  for (size_t i = 0; i < 2; i++)
    for (int reopens = 0; reopens <= 2; reopens++) {
      appeal_fsm n = rate(fsm(AS_ANSWERED, reopens ? 1 : 0, reopens, AR_NONE), ok[i], ZD_OK);
      assert_int_equal(n.state, AS_RATED);
      assert_int_equal(n.rating, ok[i]);
      assert_int_equal(n.reopens, reopens);
      assert_int_equal(n.escalation, reopens ? 1 : 0);
    }
}

static void first_unsatisfied_reopens(void **state) {
  (void)state;
  appeal_fsm n = rate(fsm(AS_ANSWERED, ESC_VILLAGE, 0, AR_NONE), AR_UNSATISFIED, ZD_OK);
  assert_int_equal(n.state, AS_REOPENED);
  assert_int_equal(n.reopens, 1);
  assert_int_equal(n.escalation, ESC_VILLAGE);
  assert_int_equal(n.rating, AR_UNSATISFIED);
  /* reopened at township level: stays there */
  n = rate(fsm(AS_ANSWERED, ESC_TOWNSHIP, 0, AR_NONE), AR_UNSATISFIED, ZD_OK);
  assert_int_equal(n.state, AS_REOPENED);
  assert_int_equal(n.escalation, ESC_TOWNSHIP);
}

static void second_unsatisfied_escalates_one_level(void **state) {
  (void)state;
  appeal_fsm n = rate(fsm(AS_ANSWERED, ESC_VILLAGE, 1, AR_UNSATISFIED), AR_UNSATISFIED, ZD_OK);
  assert_int_equal(n.state, AS_ESCALATED);
  assert_int_equal(n.reopens, 2);
  assert_int_equal(n.escalation, ESC_TOWNSHIP);
  n = rate(fsm(AS_ANSWERED, ESC_TOWNSHIP, 2, AR_UNSATISFIED), AR_UNSATISFIED, ZD_OK);
  assert_int_equal(n.state, AS_ESCALATED);
  assert_int_equal(n.reopens, 3);
  assert_int_equal(n.escalation, ESC_COUNTY);
  /* at the county it stays at the county */
  n = rate(fsm(AS_ANSWERED, ESC_COUNTY, 3, AR_UNSATISFIED), AR_UNSATISFIED, ZD_OK);
  assert_int_equal(n.state, AS_ESCALATED);
  assert_int_equal(n.reopens, 4);
  assert_int_equal(n.escalation, ESC_COUNTY);
  assert_false(appeal_allowed(&n, AA_ESCALATE));
  assert_true(appeal_allowed(&n, AA_ASSIGN));
  assert_true(appeal_allowed(&n, AA_RESOLVE));
}

static void rating_only_when_answered(void **state) {
  (void)state;
  for (int s = 0; s < AS_COUNT; s++) {
    if (s == AS_ANSWERED) continue;
    appeal_fsm n = rate(fsm((appeal_state)s, 0, 0, AR_NONE), AR_SATISFIED, ZD_ECONFLICT);
    assert_int_equal(n.state, s);
  }
}

/* Walk a case the way it goes: village, reopened once, escalated twice, up to the county. */
static appeal_fsm step(appeal_fsm f, appeal_action a, appeal_rating r) {
  appeal_step st = full_step(a);
  if (a == AA_RATE) st.rating = r;
  appeal_fsm next;
  const char *why = NULL;
  int rc = appeal_apply(&f, &st, &next, &why);
  if (rc != ZD_OK) fail_msg("%s in %s refused: %s", appeal_action_key(a), appeal_state_key(f.state), why ? why : "-");
  return next;
}

static void walk_to_the_county(void **state) {
  (void)state;
  appeal_fsm f = fsm(AS_RECEIVED, 0, 0, AR_NONE);
  const appeal_action round[] = {AA_ASSIGN, AA_START, AA_NOTE, AA_RESOLVE, AA_ANSWER};
  f = step(f, AA_REGISTER, AR_NONE);
  for (size_t i = 0; i < 5; i++) f = step(f, round[i], AR_NONE);
  assert_int_equal(f.state, AS_ANSWERED);
  f = step(f, AA_RATE, AR_UNSATISFIED);
  assert_int_equal(f.state, AS_REOPENED);
  assert_int_equal(f.reopens, 1);
  assert_int_equal(f.escalation, ESC_VILLAGE);
  for (size_t i = 0; i < 5; i++) f = step(f, round[i], AR_NONE);
  f = step(f, AA_RATE, AR_UNSATISFIED);
  assert_int_equal(f.state, AS_ESCALATED);
  assert_int_equal(f.escalation, ESC_TOWNSHIP);
  assert_int_equal(f.reopens, 2);
  /* the township escalates by hand to the county */
  f = step(f, AA_ESCALATE, AR_NONE);
  assert_int_equal(f.state, AS_ESCALATED);
  assert_int_equal(f.escalation, ESC_COUNTY);
  assert_false(appeal_allowed(&f, AA_ESCALATE));
  appeal_step st = full_step(AA_ESCALATE);
  appeal_fsm next;
  const char *why = NULL;
  assert_int_equal(appeal_apply(&f, &st, &next, &why), ZD_ECONFLICT);
  f = step(f, AA_RESOLVE, AR_NONE);
  f = step(f, AA_ANSWER, AR_NONE);
  f = step(f, AA_RATE, AR_BASIC);
  assert_int_equal(f.state, AS_RATED);
  assert_int_equal(f.rating, AR_BASIC);
  f = step(f, AA_CLOSE, AR_NONE);
  assert_int_equal(f.state, AS_CLOSED);
  assert_false(appeal_open(f.state));
  for (int a = 0; a < AA_COUNT; a++) assert_false(appeal_allowed(&f, (appeal_action)a));
}

static void escalation_stops_at_county(void **state) {
  (void)state;
  appeal_state from[] = {AS_REGISTERED, AS_ASSIGNED, AS_IN_PROGRESS, AS_ESCALATED, AS_REOPENED};
  for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
    appeal_fsm f = fsm(from[i], ESC_VILLAGE, 0, AR_NONE);
    f = step(f, AA_ESCALATE, AR_NONE);
    assert_int_equal(f.escalation, ESC_TOWNSHIP);
    f = step(f, AA_ESCALATE, AR_NONE);
    assert_int_equal(f.escalation, ESC_COUNTY);
    assert_false(appeal_allowed(&f, AA_ESCALATE));
    appeal_fsm c = fsm(from[i], ESC_COUNTY, 0, AR_NONE);
    assert_false(appeal_allowed(&c, AA_ESCALATE));
  }
}

/* ---------------------------------------------------------------------------
** The list of allowed actions (the 409 message). */
static void allowed_list_text(void **state) {
  (void)state;
  char out[200];
  /* (received is left to received_allows_register_only: one failure per cause) */
  struct { appeal_state s; int esc; const char *want; } cases[] = {
    {AS_REGISTERED, 0, "assign, escalate, note"},
    {AS_REGISTERED, ESC_COUNTY, "assign, note"},
    {AS_ASSIGNED, 0, "start, escalate, note"},
    {AS_IN_PROGRESS, 1, "escalate, resolve, note"},
    {AS_ESCALATED, 1, "assign, escalate, resolve, note"},
    {AS_ESCALATED, ESC_COUNTY, "assign, resolve, note"},
    {AS_RESOLVED, 0, "answer, note"},
    {AS_ANSWERED, 0, "rate, close, note"},
    {AS_RATED, 0, "close, note"},
    {AS_REOPENED, 0, "assign, escalate, note"},
    {AS_CLOSED, 0, ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    appeal_fsm f = fsm(cases[i].s, cases[i].esc, 0, AR_NONE);
    memset(out, 'x', sizeof out);
    appeal_allowed_list(&f, out, sizeof out);
    if (strcmp(out, cases[i].want) != 0)
      fail_msg("%s/%d: \"%s\", expected \"%s\"", appeal_state_key(cases[i].s), cases[i].esc, out, cases[i].want);
  }
}

static void allowed_list_fits_small_buffers(void **state) {
  (void)state;
  appeal_fsm f = fsm(AS_ESCALATED, 0, 0, AR_NONE);
  char full[200];
  appeal_allowed_list(&f, full, sizeof full);
  assert_string_equal(full, "assign, escalate, resolve, note");
  for (size_t n = 1; n <= strlen(full) + 1; n++) {
    char out[64];
    memset(out, 'x', sizeof out);
    appeal_allowed_list(&f, out, n);
    if (!memchr(out, 0, n)) fail_msg("n=%zu: not terminated", n);
    if (strncmp(full, out, strlen(out)) != 0) fail_msg("n=%zu: \"%s\" is not a prefix of the list", n, out);
    for (size_t k = n; k < sizeof out; k++)
      if (out[k] != 'x') fail_msg("n=%zu: wrote past the buffer at %zu", n, k);
  }
  char untouched = 'x';
  appeal_allowed_list(&f, &untouched, 0);
  assert_int_equal(untouched, 'x');
}

/* ---------------------------------------------------------------------------
** Deadlines. */
static void mode_days(void **state) {
  (void)state;
  assert_int_equal(appeal_mode_days(AM_ON_SITE), 1);
  assert_int_equal(appeal_mode_days(AM_CADRE_LED), 7);
  assert_int_equal(appeal_mode_days(AM_JOINT_TOWNSHIP), 30);
  assert_int_equal(appeal_mode_days(AM_JOINT_DEPARTMENT), 30);
}

static void overdue_rules(void **state) {
  (void)state;
  const long long dl = 1700000000;
  for (int s = 0; s < AS_COUNT; s++) {
    int done = s == AS_RESOLVED || s == AS_ANSWERED || s == AS_RATED || s == AS_CLOSED;
    const char *k = appeal_state_key((appeal_state)s);
    if (appeal_overdue((appeal_state)s, 0, dl)) fail_msg("%s: no deadline yet overdue", k);
    if (appeal_overdue((appeal_state)s, 0, 0)) fail_msg("%s: deadline 0 at 0 overdue", k);
    if (appeal_overdue((appeal_state)s, dl, dl - 1)) fail_msg("%s: overdue before the deadline", k);
    if (appeal_overdue((appeal_state)s, dl, dl)) fail_msg("%s: overdue at the deadline itself", k);
    if (appeal_overdue((appeal_state)s, dl, dl + 1) != !done)
      fail_msg("%s: one second late is %s", k, done ? "overdue although handled" : "not overdue");
    if (appeal_overdue((appeal_state)s, dl, dl + 86400 * 365) != !done) fail_msg("%s: a year late", k);
  }
}

static void open_is_everything_but_closed(void **state) {
  (void)state;
  for (int s = 0; s < AS_COUNT; s++) assert_int_equal(appeal_open((appeal_state)s) != 0, s != AS_CLOSED);
}

/* ---------------------------------------------------------------------------
** Tracking codes. */
static const char ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

static void new_code_format(void **state) {
  (void)state;
  int seen[256] = {0};
  char first[10] = "";
  int differ = 0;
  const int codes = 20000;
  for (int i = 0; i < codes; i++) {
    char code[10];
    memset(code, '?', sizeof code);
    appeal_new_code(code);
    assert_int_equal(strlen(code), 9);
    assert_int_equal(code[4], '-');
    for (int j = 0; j < 9; j++) {
      if (j == 4) continue;
      if (!strchr(ALPHABET, code[j]) || code[j] == 0) fail_msg("code %s holds '%c'", code, code[j]);
      seen[(unsigned char)code[j]]++;
    }
    char norm[9];
    if (!appeal_code_normalise(code, norm)) fail_msg("a new code %s does not normalise", code);
    char back[10];
    snprintf(back, sizeof back, "%.4s-%.4s", norm, norm + 4);
    assert_string_equal(back, code);
    if (i == 0) memcpy(first, code, 10);
    else if (strcmp(first, code) != 0) differ = 1;
  }
  assert_true(differ);
  /* 160,000 draws from 31 symbols: each symbol about 5,161 times (standard
  ** deviation 71). A modulo bias would give eight symbols 12.5 % more. */
  const double expect = codes * 8.0 / 31;
  for (const char *p = ALPHABET; *p; p++) {
    int k = seen[(unsigned char)*p];
    if (k < expect * 0.94 || k > expect * 1.06) fail_msg("'%c' drawn %d times, expected about %.0f", *p, k, expect);
  }
  const char *never = "01ILOilo-";
  for (const char *p = never; *p; p++)
    if (seen[(unsigned char)*p]) fail_msg("'%c' drawn", *p);
}

static void code_normalise_accepts(void **state) {
  (void)state;
  struct { const char *in, *out; } ok[] = {
    {"ABCD-EFGH", "ABCDEFGH"}, {"abcd-efgh", "ABCDEFGH"}, {"AbCd-eFgH", "ABCDEFGH"}, {"ABCDEFGH", "ABCDEFGH"},
    {" ABCD EFGH ", "ABCDEFGH"}, {"AB CD-EF GH", "ABCDEFGH"}, {"--2345-6789--", "23456789"},
    {"XYZW-UVTS", "XYZWUVTS"}, {"k7m9-p2q3", "K7M9P2Q3"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char out[9];
    memset(out, 'x', sizeof out);
    if (!appeal_code_normalise(ok[i].in, out)) fail_msg("\"%s\" refused", ok[i].in);
    assert_string_equal(out, ok[i].out);
  }
}

static void code_normalise_refuses(void **state) {
  (void)state;
  const char *bad[] = {
    "", "-", "    ", "ABCD-EFG", "ABCDEFG", "ABCD-EFGHJ", "ABCDEFGHJ", "ABCD-EFGH-2",
    "ABCD-EFG0", "ABCD-EFGO", "ABCD-EFG1", "ABCD-EFGI", "ABCD-EFGL", "abcd-efgo", "abcd-efgi", "abcd-efgl",
    "0000-0000", "OOOO-OOOO", "1111-1111", "IIII-IIII",
    "ABCD_EFGH", "ABCD.EFGH", "ABCD\tEFGH", "ABCD\nEFGH", "ABCD-EFG!", "ABCD-EFG\xc3\xa9", "\xef\xbc\xa1" "BCD-EFGH",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char out[9];
    if (appeal_code_normalise(bad[i], out)) fail_msg("\"%s\" accepted as \"%s\"", bad[i], out);
  }
  char out[9];
  assert_false(appeal_code_normalise(NULL, out));
  /* a long input never writes past out[8] */
  char guard[16];
  memset(guard, 'x', sizeof guard);
  assert_false(appeal_code_normalise("ABCDEFGHJKMNPQRS", guard));
  for (size_t k = 9; k < sizeof guard; k++) assert_int_equal(guard[k], 'x');
}

/* ---------------------------------------------------------------------------
** Intake text. */
static char *repeat(const char *unit, size_t times, const char *tail) {
  size_t u = strlen(unit), t = tail ? strlen(tail) : 0;
  char *s = malloc(u * times + t + 1);
  assert_non_null(s);
  for (size_t i = 0; i < times; i++) memcpy(s + i * u, unit, u);
  if (t) memcpy(s + u * times, tail, t);
  s[u * times + t] = 0;
  return s;
}

static void content_empty_and_blank(void **state) {
  (void)state;
  const char *blank[] = {"", " ", "   ", "\n", "\r\n", "\t", " \t\r\n "};
  assert_string_equal(appeal_content_problem(NULL), "Say what the matter is.");
  for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
    const char *p = appeal_content_problem(blank[i]);
    if (!p || strcmp(p, "Say what the matter is.") != 0) fail_msg("blank #%zu: %s", i, p ? p : "accepted");
  }
  assert_null(appeal_content_problem("路灯坏了"));
  assert_null(appeal_content_problem("  路灯坏了  "));
  assert_null(appeal_content_problem("x"));
  assert_null(appeal_content_problem("一"));
}

/* A Chinese keyboard types U+3000 for a space: a matter of only those says nothing. */
static void content_of_ideographic_spaces_is_blank(void **state) {
  (void)state;
  const char *p = appeal_content_problem("\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80");
  if (!p) fail_msg("a matter of three ideographic spaces (U+3000) is accepted");
  assert_string_equal(p, "Say what the matter is.");
}

static void content_length_limit(void **state) {
  (void)state;
  char *s = repeat("路", 2000, NULL);
  assert_int_equal(strlen(s), 6000);
  assert_null(appeal_content_problem(s));
  free(s);
  s = repeat("路", 2001, NULL);
  assert_string_equal(appeal_content_problem(s), "The matter is longer than 2000 characters; please shorten it.");
  free(s);
  s = repeat("a", 2000, NULL);
  assert_null(appeal_content_problem(s));
  free(s);
  s = repeat("a", 2001, NULL);
  assert_non_null(appeal_content_problem(s));
  free(s);
  s = repeat("灯", 1999, "\xf0\x9f\x98\x80"); /* an emoji is one character, four bytes */
  assert_null(appeal_content_problem(s));
  free(s);
  s = repeat("灯", 2000, "\n");
  assert_non_null(appeal_content_problem(s));
  free(s);
}

static void content_invalid_utf8(void **state) {
  (void)state;
  const char *bad[] = {
    "\xff", "路\xff", "\xe8\xb7", "abc\xe8", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "\x80", "路灯\xc3",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *p = appeal_content_problem(bad[i]);
    if (!p || strcmp(p, "The text is not valid UTF-8.") != 0) fail_msg("bad UTF-8 #%zu: %s", i, p ? p : "accepted");
  }
}

static void like_pattern_escapes(void **state) {
  (void)state;
  struct { const char *q, *want; } cases[] = {
    {"路灯", "%路灯%"}, {"灯", "%灯%"}, {"", "%%"}, {"50%", "%50\\%%"}, {"a_b", "%a\\_b%"},
    {"a\\b", "%a\\\\b%"}, {"%_\\", "%\\%\\_\\\\%"}, {"it's", "%it's%"}, {"[x]*?", "%[x]*?%"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    buf b = BUF_INIT;
    appeal_like_pattern(cases[i].q, &b);
    if (strcmp(buf_str(&b), cases[i].want) != 0) fail_msg("\"%s\" -> \"%s\", expected \"%s\"", cases[i].q, buf_str(&b), cases[i].want);
    buf_free(&b);
  }
  buf b = BUF_INIT;
  appeal_like_pattern(NULL, &b);
  assert_string_equal(buf_str(&b), "%%");
  buf_free(&b);
}

/* ---------------------------------------------------------------------------
** Vocabulary: keys, labels, parsing. */
typedef struct vocab {
  const char *name;
  int count;
  const char *const *keys;
  const char *(*key)(int);
  const char *(*label)(int);
  int (*parse)(const char *);
} vocab;

static const char *const STATE_KEYS[] = {"received", "registered", "assigned", "in_progress", "escalated",
                                         "resolved", "answered", "rated", "closed", "reopened"};
static const char *const ACTION_KEYS[] = {"register", "assign", "start", "escalate", "resolve",
                                          "answer", "rate", "close", "note"};
static const char *const KIND_KEYS[] = {"village", "neighbour", "family"};
static const char *const MODE_KEYS[] = {"on_site", "cadre_led", "joint_township", "joint_department"};
static const char *const CHANNEL_KEYS[] = {"online", "room", "day", "visit", "phone", "wechat"};
static const char *const RATING_KEYS[] = {"none", "satisfied", "basic", "unsatisfied"};

static const char *sk(int i) { return appeal_state_key((appeal_state)i); }
static const char *sl(int i) { return appeal_state_label((appeal_state)i); }
static const char *ak(int i) { return appeal_action_key((appeal_action)i); }
static const char *al(int i) { return appeal_action_label((appeal_action)i); }
static const char *kk(int i) { return appeal_kind_key((appeal_kind)i); }
static const char *kl(int i) { return appeal_kind_label((appeal_kind)i); }
static const char *mk(int i) { return appeal_mode_key((appeal_mode)i); }
static const char *ml(int i) { return appeal_mode_label((appeal_mode)i); }
static const char *ck(int i) { return appeal_channel_key((appeal_channel)i); }
static const char *cl(int i) { return appeal_channel_label((appeal_channel)i); }
static const char *rk(int i) { return appeal_rating_key((appeal_rating)i); }
static const char *rl(int i) { return appeal_rating_label((appeal_rating)i); }

static const vocab VOCABS[] = {
  {"state", AS_COUNT, STATE_KEYS, sk, sl, appeal_state_parse},
  {"action", AA_COUNT, ACTION_KEYS, ak, al, appeal_action_parse},
  {"kind", AK_COUNT, KIND_KEYS, kk, kl, appeal_kind_parse},
  {"mode", AM_COUNT, MODE_KEYS, mk, ml, appeal_mode_parse},
  {"channel", AC_COUNT, CHANNEL_KEYS, ck, cl, appeal_channel_parse},
  {"rating", AR_COUNT, RATING_KEYS, rk, rl, appeal_rating_parse},
};

static void vocabulary_round_trips(void **state) {
  (void)state;
  assert_int_equal(AS_COUNT, 10);
  assert_int_equal(AA_COUNT, 9);
  assert_int_equal(AK_COUNT, 3);
  assert_int_equal(AM_COUNT, 4);
  assert_int_equal(AC_COUNT, 6);
  assert_int_equal(AR_COUNT, 4);
  for (size_t v = 0; v < sizeof VOCABS / sizeof VOCABS[0]; v++) {
    const vocab *w = &VOCABS[v];
    for (int i = 0; i < w->count; i++) {
      if (strcmp(w->key(i), w->keys[i]) != 0) fail_msg("%s %d: key \"%s\", expected \"%s\"", w->name, i, w->key(i), w->keys[i]);
      if (w->parse(w->keys[i]) != i) fail_msg("%s \"%s\" parses to %d", w->name, w->keys[i], w->parse(w->keys[i]));
      const char *l = w->label(i);
      if (!l || !*l || strcmp(l, "?") == 0) fail_msg("%s %s has no label", w->name, w->keys[i]);
      for (int j = i + 1; j < w->count; j++) {
        if (strcmp(w->label(i), w->label(j)) == 0) fail_msg("%s labels %d and %d are the same", w->name, i, j);
        if (strcmp(w->key(i), w->key(j)) == 0) fail_msg("%s keys %d and %d are the same", w->name, i, j);
      }
    }
    assert_string_equal(w->key(w->count), "?");
    assert_string_equal(w->label(w->count), "?");
    assert_string_equal(w->key(-1), "?");
    assert_int_equal(w->parse(NULL), -1);
    const char *bad[] = {"", "?", " ", "unknown", "RECEIVED", "Village", "on-site", "in progress", "村里事"};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
      if (w->parse(bad[b]) != -1) fail_msg("%s parses \"%s\"", w->name, bad[b]);
    /* a key with a trailing space or changed case is not the key */
    for (int i = 0; i < w->count; i++) {
      char t[64];
      snprintf(t, sizeof t, "%s ", w->keys[i]);
      assert_int_equal(w->parse(t), -1);
      snprintf(t, sizeof t, "%s", w->keys[i]);
      t[0] = (char)(t[0] - 'a' + 'A');
      assert_int_equal(w->parse(t), -1);
    }
  }
}

static void the_labels_the_pages_show(void **state) {
  (void)state;
  assert_string_equal(appeal_kind_label(AK_VILLAGE), "Village matter");
  assert_string_equal(appeal_kind_label(AK_NEIGHBOUR), "Neighbours' matter");
  assert_string_equal(appeal_kind_label(AK_FAMILY), "Family matter");
  assert_string_equal(appeal_state_label(AS_RECEIVED), "Received");
  assert_string_equal(appeal_state_label(AS_IN_PROGRESS), "In progress");
  assert_string_equal(appeal_rating_label(AR_UNSATISFIED), "Unsatisfied");
  assert_string_equal(appeal_escalation_label(ESC_VILLAGE), "Village");
  assert_string_equal(appeal_escalation_label(ESC_TOWNSHIP), "Township");
  assert_string_equal(appeal_escalation_label(ESC_COUNTY), "County");
  assert_string_equal(appeal_escalation_label(-1), "Village");
  assert_string_equal(appeal_escalation_label(7), "County");
}

/* The schema's CHECKs allow every kind and channel the code knows. */
static void schema_allows_every_kind_and_channel(void **state) {
  (void)state;
  const zd_asset *a = asset_find("sql/0004_appeal.sql");
  assert_non_null(a);
  for (int k = 0; k < AK_COUNT; k++) {
    char q[40];
    snprintf(q, sizeof q, "'%s'", appeal_kind_key((appeal_kind)k));
    if (!strstr(a->data, q)) fail_msg("kind %s missing from sql/0004_appeal.sql", q);
  }
  for (int c = 0; c < AC_COUNT; c++) {
    char q[40];
    snprintf(q, sizeof q, "'%s'", appeal_channel_key((appeal_channel)c));
    if (!strstr(a->data, q)) fail_msg("channel %s missing from sql/0004_appeal.sql", q);
  }
}

/* Every label a page shows has a Chinese translation. */
static void every_label_is_translated(void **state) {
  (void)state;
  const zd_asset *a = asset_find("po/zh_CN.po");
  assert_non_null(a);
  i18n *c = i18n_parse(a->data, a->len, NULL);
  assert_non_null(c);
  int missing = 0;
  for (size_t v = 0; v < sizeof VOCABS / sizeof VOCABS[0]; v++)
    for (int i = 0; i < VOCABS[v].count; i++)
      if (!i18n_has(c, VOCABS[v].label(i))) {
        print_error("%s label \"%s\" has no translation\n", VOCABS[v].name, VOCABS[v].label(i));
        missing++;
      }
  for (int l = ESC_VILLAGE; l <= ESC_COUNTY; l++)
    if (!i18n_has(c, appeal_escalation_label(l))) {
      print_error("escalation label \"%s\" has no translation\n", appeal_escalation_label(l));
      missing++;
    }
  i18n_free(c);
  if (missing) fail_msg("%d appeal label(s) untranslated in po/zh_CN.po", missing);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(received_allows_register_only),
    cmocka_unit_test(registered_allows_assign_escalate_note),
    cmocka_unit_test(assigned_allows_start_escalate_note),
    cmocka_unit_test(in_progress_allows_escalate_resolve_note),
    cmocka_unit_test(escalated_allows_assign_resolve_escalate_note),
    cmocka_unit_test(resolved_allows_answer_note),
    cmocka_unit_test(answered_allows_rate_close_note),
    cmocka_unit_test(rated_allows_close_note),
    cmocka_unit_test(reopened_allows_assign_escalate_note),
    cmocka_unit_test(closed_allows_nothing),
    cmocka_unit_test(unknown_action_is_never_allowed),
    cmocka_unit_test(apply_every_cell),
    cmocka_unit_test(missing_fields_are_invalid),
    cmocka_unit_test(every_mode_can_be_assigned),
    cmocka_unit_test(satisfied_and_basic_are_rated),
    cmocka_unit_test(first_unsatisfied_reopens),
    cmocka_unit_test(second_unsatisfied_escalates_one_level),
    cmocka_unit_test(rating_only_when_answered),
    cmocka_unit_test(walk_to_the_county),
    cmocka_unit_test(escalation_stops_at_county),
    cmocka_unit_test(allowed_list_text),
    cmocka_unit_test(allowed_list_fits_small_buffers),
    cmocka_unit_test(mode_days),
    cmocka_unit_test(overdue_rules),
    cmocka_unit_test(open_is_everything_but_closed),
    cmocka_unit_test(new_code_format),
    cmocka_unit_test(code_normalise_accepts),
    cmocka_unit_test(code_normalise_refuses),
    cmocka_unit_test(content_empty_and_blank),
    cmocka_unit_test(content_of_ideographic_spaces_is_blank),
    cmocka_unit_test(content_length_limit),
    cmocka_unit_test(content_invalid_utf8),
    cmocka_unit_test(like_pattern_escapes),
    cmocka_unit_test(vocabulary_round_trips),
    cmocka_unit_test(the_labels_the_pages_show),
    cmocka_unit_test(schema_allows_every_kind_and_channel),
    cmocka_unit_test(every_label_is_translated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
