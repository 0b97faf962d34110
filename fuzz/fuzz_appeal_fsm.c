/*
** fuzz_appeal_fsm.c — libFuzzer target: the 民事直说 state machine
** (appeal_apply, appeal_allowed, appeal_allowed_list) driven by a sequence of
** steps, and the small rules beside it (tracking-code normalisation, content
** checks, LIKE patterns, overdue).
**
** Input: 3 bytes per step (action, mode/rating, flags). Checked, after every
** step: the state is one of the states; escalation stays 0..2; reopens never
** decreases; a closed case allows no action; an action is applied exactly when
** appeal_allowed says so and its required fields are there; the list of allowed
** actions names exactly the allowed ones. The rest of the input feeds the text rules.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "modules/appeal/appeal.h"
#include "platform/text.h"

static void check_invariants(const appeal_fsm *f) {
  if ((unsigned)f->state >= AS_COUNT) abort();
  if (f->escalation < ESC_VILLAGE || f->escalation > ESC_COUNTY) abort();
  if ((unsigned)f->rating >= AR_COUNT) abort();
  if (f->state == AS_CLOSED)
    for (int a = 0; a < AA_COUNT; a++)
      if (appeal_allowed(f, (appeal_action)a)) abort();
  char list[200];
  appeal_allowed_list(f, list, sizeof list);
  for (int a = 0; a < AA_COUNT; a++) {
    const char *k = appeal_action_key((appeal_action)a);
    int listed = 0;
    for (const char *p = list; (p = strstr(p, k)) != NULL; p += strlen(k))
      if ((p == list || p[-1] == ' ') && (p[strlen(k)] == ',' || p[strlen(k)] == 0)) listed = 1;
    if (listed != appeal_allowed(f, (appeal_action)a)) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  appeal_fsm f = {AS_RECEIVED, ESC_VILLAGE, 0, AR_NONE};
  if (size && data[0] & 1) f.state = AS_REGISTERED; /* entered by a cadre */
  size_t i = 1;
  for (; i + 3 <= size && i < 3 * 64; i += 3) {
    appeal_step st = {(appeal_action)(data[i] % (AA_COUNT + 1)), (appeal_mode)(data[i + 1] % (AM_COUNT + 1)),
                      (appeal_rating)(data[i + 1] % (AR_COUNT + 1)), data[i + 2] & 1, (data[i + 2] >> 1) & 1};
    appeal_fsm next;
    const char *why = (const char *)1;
    int rc = appeal_apply(&f, &st, &next, &why);
    if (rc == ZD_OK) {
      if (why) abort();
      if ((unsigned)st.action >= AA_COUNT || !appeal_allowed(&f, st.action)) abort();
      if (next.reopens < f.reopens) abort();
      if (st.action == AA_RATE && next.rating != st.rating) abort();
      f = next;
    } else {
      if (!why || (rc != ZD_EINVAL && rc != ZD_ECONFLICT)) abort();
      if (rc == ZD_ECONFLICT && appeal_allowed(&f, st.action)) abort();
      if (memcmp(&next, &f, sizeof f) != 0 && rc == ZD_ECONFLICT) abort();
    }
    check_invariants(&f);
    (void)appeal_overdue(f.state, (long long)data[i] * 86400, 100 * 86400);
  }
  /* the rest of the input: the text rules */
  char *text = malloc(size - (i < size ? i : size) + 1);
  if (!text) return 0;
  size_t tl = i < size ? size - i : 0;
  memcpy(text, data + (i < size ? i : 0), tl);
  text[tl] = 0;
  char norm[9];
  if (appeal_code_normalise(text, norm)) {
    if (strlen(norm) != 8) abort();
    char again[9];
    if (!appeal_code_normalise(norm, again) || strcmp(again, norm) != 0) abort();
  }
  const char *why = appeal_content_problem(text);
  if (!why && (!utf8_valid(text, strlen(text)) || utf8_len(text) > 2000)) abort();
  buf pat = BUF_INIT;
  appeal_like_pattern(text, &pat);
  const char *p = buf_str(&pat);
  if (pat.len < 2 || p[0] != '%' || p[pat.len - 1] != '%') abort();
  for (size_t k = 1; k + 1 < pat.len; k++) { /* every % _ \ of the text is escaped */
    if (p[k] == '\\') { k++; continue; }
    if (p[k] == '%' || p[k] == '_') abort();
  }
  buf_free(&pat);
  (void)appeal_state_parse(text);
  (void)appeal_kind_parse(text);
  free(text);
  return 0;
}
