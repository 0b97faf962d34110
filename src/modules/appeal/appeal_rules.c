/* appeal_rules.c — the 民事直说 state machine and its vocabulary: pure functions. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "appeal.h"
#include "platform/text.h"

typedef struct named { const char *key, *label; } named;

static const named states[AS_COUNT] = {
  {"received", "Received"}, {"registered", "Registered"}, {"assigned", "Assigned"},
  {"in_progress", "In progress"}, {"escalated", "Escalated"}, {"resolved", "Resolved"},
  {"answered", "Answered"}, {"rated", "Rated"}, {"closed", "Closed"}, {"reopened", "Reopened"},
};
static const named actions[AA_COUNT] = {
  {"register", "Register"}, {"assign", "Assign"}, {"start", "Start work"}, {"escalate", "Escalate"},
  {"resolve", "Mark resolved"}, {"answer", "Answer the raiser"}, {"rate", "Rate"}, {"close", "Close"},
  {"note", "Add an internal note"},
};
static const named kinds[AK_COUNT] = {
  {"village", "Village matter"}, {"neighbour", "Neighbours' matter"}, {"family", "Family matter"},
};
static const named modes[AM_COUNT] = {
  {"on_site", "Handled on the spot"}, {"cadre_led", "Led by a cadre"},
  {"joint_township", "Joint with the township"}, {"joint_department", "Joint with departments"},
};
static const named channels[AC_COUNT] = {
  {"online", "Online (QR code / web)"}, {"room", "Talk room"}, {"day", "Monthly talk day"},
  {"visit", "Home visit"}, {"phone", "Phone"}, {"wechat", "Village WeChat group"},
};
static const named ratings[AR_COUNT] = {
  {"none", "Not rated"}, {"satisfied", "Satisfied"}, {"basic", "Basically satisfied"}, {"unsatisfied", "Unsatisfied"},
};

static int parse(const named *t, int n, const char *s) {
  if (!s) return -1;
  for (int i = 0; i < n; i++)
    if (strcmp(t[i].key, s) == 0) return i;
  return -1;
}
#define KEY(t, n, i) ((unsigned)(i) < (unsigned)(n) ? t[i].key : "?")
#define LABEL(t, n, i) ((unsigned)(i) < (unsigned)(n) ? t[i].label : "?")

const char *appeal_state_key(appeal_state s) { return KEY(states, AS_COUNT, s); }
const char *appeal_state_label(appeal_state s) { return LABEL(states, AS_COUNT, s); }
int appeal_state_parse(const char *s) { return parse(states, AS_COUNT, s); }
const char *appeal_action_key(appeal_action a) { return KEY(actions, AA_COUNT, a); }
const char *appeal_action_label(appeal_action a) { return LABEL(actions, AA_COUNT, a); }
int appeal_action_parse(const char *s) { return parse(actions, AA_COUNT, s); }
const char *appeal_kind_key(appeal_kind k) { return KEY(kinds, AK_COUNT, k); }
const char *appeal_kind_label(appeal_kind k) { return LABEL(kinds, AK_COUNT, k); }
int appeal_kind_parse(const char *s) { return parse(kinds, AK_COUNT, s); }
const char *appeal_mode_key(appeal_mode m) { return KEY(modes, AM_COUNT, m); }
const char *appeal_mode_label(appeal_mode m) { return LABEL(modes, AM_COUNT, m); }
int appeal_mode_parse(const char *s) { return parse(modes, AM_COUNT, s); }
const char *appeal_channel_key(appeal_channel c) { return KEY(channels, AC_COUNT, c); }
const char *appeal_channel_label(appeal_channel c) { return LABEL(channels, AC_COUNT, c); }
int appeal_channel_parse(const char *s) { return parse(channels, AC_COUNT, s); }
const char *appeal_rating_key(appeal_rating r) { return KEY(ratings, AR_COUNT, r); }
const char *appeal_rating_label(appeal_rating r) { return LABEL(ratings, AR_COUNT, r); }
int appeal_rating_parse(const char *s) { return parse(ratings, AR_COUNT, s); }

const char *appeal_escalation_label(int level) {
  return level <= ESC_VILLAGE ? "Village" : level == ESC_TOWNSHIP ? "Township" : "County";
}

int appeal_mode_days(appeal_mode m) {
  switch (m) {
    case AM_ON_SITE: return 1;
    case AM_CADRE_LED: return 7;
    case AM_JOINT_TOWNSHIP:
    case AM_JOINT_DEPARTMENT: return 30;
    default: return 7;
  }
}

int appeal_open(appeal_state s) { return s != AS_CLOSED; }

int appeal_allowed(const appeal_fsm *f, appeal_action a) {
  appeal_state s = f->state;
  switch (a) {
    case AA_REGISTER: return s == AS_RECEIVED;
    case AA_ASSIGN: return s == AS_REGISTERED || s == AS_REOPENED || s == AS_ESCALATED;
    case AA_START: return s == AS_ASSIGNED;
    case AA_ESCALATE:
      return (s == AS_REGISTERED || s == AS_ASSIGNED || s == AS_IN_PROGRESS || s == AS_ESCALATED ||
              s == AS_REOPENED) && f->escalation < ESC_COUNTY;
    case AA_RESOLVE: return s == AS_IN_PROGRESS || s == AS_ESCALATED;
    case AA_ANSWER: return s == AS_RESOLVED;
    case AA_RATE: return s == AS_ANSWERED;
    case AA_CLOSE: return s == AS_ANSWERED || s == AS_RATED;
    case AA_NOTE: return s != AS_CLOSED && s != AS_RECEIVED; /* register it first */
    default: return 0;
  }
}

void appeal_allowed_list(const appeal_fsm *f, char *out, size_t n) {
  size_t len = 0;
  if (n) out[0] = 0;
  for (int a = 0; a < AA_COUNT; a++) {
    if (!appeal_allowed(f, (appeal_action)a)) continue;
    int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", actions[a].key);
    if (w < 0 || (size_t)w >= n - len) break;
    len += (size_t)w;
  }
}

void appeal_cadre_actions(const appeal_fsm *f, char *out, size_t n) {
  appeal_fsm g = *f;
  appeal_allowed_list(&g, out, n);
  /* the rating is the raiser's: take "rate" out of the list */
  char *p = strstr(out, "rate");
  if (!p) return;
  size_t len = strlen(out), at = (size_t)(p - out), cut = 4;
  if (at + cut < len && out[at + cut] == ',') cut += 2;      /* "rate, " */
  else if (at >= 2) { at -= 2; cut += 2; }                   /* ", rate" at the end */
  memmove(out + at, out + at + cut, len - at - cut + 1);
}

int appeal_apply(const appeal_fsm *f, const appeal_step *st, appeal_fsm *next, const char **why) {
  *next = *f;
  *why = NULL;
  if ((unsigned)st->action >= AA_COUNT) { *why = "Unknown action."; return ZD_EINVAL; }
  if (!appeal_allowed(f, st->action)) {
    *why = f->state == AS_CLOSED ? "The case is closed." : "This action is not allowed in the case's present state.";
    return ZD_ECONFLICT;
  }
  switch (st->action) {
    case AA_REGISTER: next->state = AS_REGISTERED; break;
    case AA_ASSIGN:
      if ((unsigned)st->mode >= AM_COUNT) { *why = "Choose a way of handling."; return ZD_EINVAL; }
      if (!st->has_owner) { *why = "Name the cadre who owns the case."; return ZD_EINVAL; }
      next->state = AS_ASSIGNED;
      break;
    case AA_START: next->state = AS_IN_PROGRESS; break;
    case AA_ESCALATE:
      if (!st->has_text) { *why = "Name the unit the case goes to."; return ZD_EINVAL; }
      next->state = AS_ESCALATED;
      next->escalation = f->escalation + 1;
      break;
    case AA_RESOLVE:
      if (!st->has_text) { *why = "Say how it was resolved."; return ZD_EINVAL; }
      next->state = AS_RESOLVED;
      break;
    case AA_ANSWER:
      if (!st->has_text) { *why = "Write the answer the raiser will read."; return ZD_EINVAL; }
      next->state = AS_ANSWERED;
      break;
    case AA_RATE:
      if (st->rating != AR_SATISFIED && st->rating != AR_BASIC && st->rating != AR_UNSATISFIED) {
        *why = "Choose satisfied, basically satisfied or unsatisfied.";
        return ZD_EINVAL;
      }
      next->rating = st->rating;
      if (st->rating != AR_UNSATISFIED) {
        next->state = AS_RATED;
      } else if (f->reopens == 0) {      /* 不满意 the first time: reopened once */
        next->state = AS_REOPENED;
        next->reopens = 1;
      } else {                           /* again: it goes up a level */
        next->state = AS_ESCALATED;
        next->reopens = f->reopens + 1;
        next->escalation = f->escalation < ESC_COUNTY ? f->escalation + 1 : ESC_COUNTY;
      }
      break;
    case AA_CLOSE: next->state = AS_CLOSED; break;
    case AA_NOTE:
      if (!st->has_text) { *why = "The note is empty."; return ZD_EINVAL; }
      break;
    default: return ZD_EINVAL;
  }
  return ZD_OK;
}

int appeal_overdue(appeal_state s, long long deadline, long long now) {
  if (!deadline) return 0;
  if (s == AS_RESOLVED || s == AS_ANSWERED || s == AS_RATED || s == AS_CLOSED) return 0;
  return now > deadline;
}

/* No 0/O, 1/I/L: easy to read aloud and to copy from paper. */
static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/* Eight characters, each uniform over the alphabet: random bytes below 248
** (8 × 31) taken modulo 31, the rest dropped. One call to the system's random
** source for the whole code instead of one per character. */
void appeal_new_code(char out[10]) {
  const unsigned n = sizeof alphabet - 1, limit = 256 / n * n;
  unsigned char raw[16];
  size_t used = sizeof raw;
  for (int i = 0; i < 9; i++) {
    if (i == 4) { out[i] = '-'; continue; }
    unsigned char b;
    do {
      if (used == sizeof raw) { randombytes_buf(raw, sizeof raw); used = 0; }
      b = raw[used++];
    } while (b >= limit);
    out[i] = alphabet[b % n];
  }
  out[9] = 0;
  sodium_memzero(raw, sizeof raw);
}

int appeal_code_normalise(const char *in, char out[9]) {
  int n = 0;
  if (!in) return 0;
  for (; *in; in++) {
    char c = *in;
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (!strchr(alphabet, c) || c == 0) return 0;
    if (n >= 8) return 0;
    out[n++] = c;
  }
  out[n] = 0;
  return n == 8;
}

const char *appeal_content_problem(const char *s) {
  if (!s || !*s) return "Say what the matter is.";
  size_t len = strlen(s);
  if (!utf8_valid(s, len)) return "The text is not valid UTF-8.";
  size_t chars = utf8_len(s);
  int visible = 0;
  for (const char *p = s; *p; p++) {
    if (strncmp(p, "\xE3\x80\x80", 3) == 0) { p += 2; continue; } /* U+3000 ideographic space */
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') visible = 1;
  }
  if (!visible) return "Say what the matter is.";
  if (chars > 2000) return "The matter is longer than 2000 characters; please shorten it.";
  return NULL;
}

void appeal_like_pattern(const char *q, buf *out) {
  buf_putc(out, '%');
  for (; q && *q; q++) {
    if (*q == '%' || *q == '_' || *q == '\\') buf_putc(out, '\\');
    buf_putc(out, *q);
  }
  buf_putc(out, '%');
}
