/* upgrade_rules.c — 改: vocabulary, money in fen, the project status machine,
** plaque compliance, task deadlines, dates and EXIF: pure functions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade.h"
#include "platform/err.h"
#include "platform/text.h"

/* The label tables (the catalogue test reads the labels from them). */
static const struct { const char *key, *label; } fns[UF_COUNT] = {
  {"party_room", "Party members' activity room"},
  {"service_hall", "Convenience service hall"},
  {"civilization", "New-era civilization practice station"},
  {"library", "Farmers' library"},
  {"talk", "Talk corridor / villagers' talk room"},
  {"bulletin", "Party and village affairs bulletin board"},
  {"meeting", "Meeting room"},
  {"other", "Other use"},
};
static const struct { const char *key, *label; } checks[CK_COUNT] = {
  {"walls", "Walls inside and outside"},
  {"doors_windows", "Doors and windows"},
  {"tables_chairs", "Tables and chairs"},
  {"bulletin_board", "Bulletin board"},
  {"signage", "Signs and plaques"},
  {"flags", "National and Party flags"},
  {"lighting", "Lighting and power"},
  {"hygiene", "Hygiene and surroundings"},
  {"toilet", "Toilet"},
  {"fire_safety", "Fire safety"},
  {"access", "Step-free access"},
  {"equipment", "Computer, projector and loudspeaker"},
};
static const struct { const char *key, *label; } cstates[CS_COUNT] = {
  {"unchecked", "Not checked"},
  {"ok", "Good"},
  {"needs_repair", "Needs repair"},
  {"missing", "Missing or too few"},
};
static const struct { const char *key, *label; } decisions[UD_COUNT] = {
  {"renovate", "Renovate"},
  {"reuse", "Reuse as it is"},
};
static const struct { const char *key, *label; } statuses[UPS_COUNT] = {
  {"planned", "Planned"},
  {"in_progress", "Under way"},
  {"completed", "Completed"},
  {"in_use", "In use"},
};
static const struct { const char *key, *label; } phases[UPH_COUNT] = {
  {"before", "Before"},
  {"during", "During"},
  {"after", "After"},
};
static const struct { const char *key, *label; } locations[PL_COUNT] = {
  {"exterior", "Outside the door"},
  {"interior", "Inside"},
  {"room_sign", "Room sign"},
};
static const struct { const char *key, *label; } pdecisions[PD_COUNT] = {
  {"pending", "Not decided"},
  {"keep", "Keep"},
  {"merge", "Merge"},
  {"remove", "Remove"},
};
static const struct { const char *key, *label; } tstates[UTS_COUNT] = {
  {"open", "Open"},
  {"reported", "Reported done"},
  {"closed", "Closed after re-inspection"},
};

#define VOCAB(prefix, type, table, count)                                                           \
  const char *prefix##_key(type v) { return (unsigned)v < (unsigned)(count) ? table[v].key : "?"; }   \
  const char *prefix##_label(type v) { return (unsigned)v < (unsigned)(count) ? table[v].label : "?"; } \
  int prefix##_parse(const char *s) {                                                               \
    if (!s) return -1;                                                                              \
    for (int i = 0; i < (int)(count); i++)                                                          \
      if (strcmp(table[i].key, s) == 0) return i;                                                   \
    return -1;                                                                                      \
  }
VOCAB(upg_fn, upg_fn, fns, UF_COUNT)
VOCAB(upg_check, upg_check_item, checks, CK_COUNT)
VOCAB(upg_cstate, upg_check_state, cstates, CS_COUNT)
VOCAB(upg_decision, upg_decision, decisions, UD_COUNT)
VOCAB(upg_status, upg_status, statuses, UPS_COUNT)
VOCAB(upg_phase, upg_phase, phases, UPH_COUNT)
VOCAB(upg_location, upg_location, locations, PL_COUNT)
VOCAB(upg_pdecision, upg_plaque_decision, pdecisions, PD_COUNT)
VOCAB(upg_task, upg_task_state, tstates, UTS_COUNT)
#undef VOCAB

int upg_cstate_problem(upg_check_state s) { return s == CS_NEEDS_REPAIR || s == CS_MISSING; }

/* --- money --- */

int upg_money_add(long long a, long long b, long long *out) {
  if (__builtin_add_overflow(a, b, out)) return ZD_ECONFLICT;
  return ZD_OK;
}

int upg_spend_check(const upg_budget *b, long long amount, int *over, const char **why) {
  *over = 0;
  if (amount <= 0) { *why = "The amount must be more than zero."; return ZD_EINVAL; }
  if (amount > UPG_MONEY_MAX) { *why = "The amount is too large."; return ZD_EINVAL; }
  long long cap, total;
  if (b->allocation < 0 || b->approved < 0 || b->spent < 0 || upg_money_add(b->allocation, b->approved, &cap) ||
      upg_money_add(b->spent, amount, &total)) {
    *why = "The amounts are out of range.";
    return ZD_ECONFLICT;
  }
  if (total > cap) {
    *why = b->approved > 0 ? "This spending goes beyond the allocation and the approved overrun; record another over-budget approval first."
                           : "This spending goes beyond the allocation; an over-budget approval must be recorded first.";
    return ZD_ECONFLICT;
  }
  *over = total > b->allocation;
  *why = NULL;
  return ZD_OK;
}

int upg_allocation_check(long long total, long long others, long long amount, long long approved, long long spent,
                         const char **why) {
  if (amount <= 0) { *why = "The allocation must be more than zero."; return ZD_EINVAL; }
  if (amount > UPG_MONEY_MAX) { *why = "The amount is too large."; return ZD_EINVAL; }
  long long sum, cap;
  if (others < 0 || total < 0 || upg_money_add(others, amount, &sum)) { *why = "The amounts are out of range."; return ZD_ECONFLICT; }
  if (sum > total) { *why = "The allocations would exceed the fund's total."; return ZD_ECONFLICT; }
  if (approved < 0 || upg_money_add(amount, approved, &cap)) { *why = "The amounts are out of range."; return ZD_ECONFLICT; }
  if (cap < spent) { *why = "The allocation would be less than what the project has spent."; return ZD_ECONFLICT; }
  *why = NULL;
  return ZD_OK;
}

int upg_fund_total_check(long long total, const char **why) {
  if (total <= 0) { *why = "The fund's total must be more than zero."; return ZD_EINVAL; }
  if (total > UPG_MONEY_MAX) { *why = "The amount is too large."; return ZD_EINVAL; }
  *why = NULL;
  return ZD_OK;
}

int upg_approval_check(long long amount, const char *reason, const char **why) {
  if (amount <= 0) { *why = "The amount must be more than zero."; return ZD_EINVAL; }
  if (amount > UPG_MONEY_MAX) { *why = "The amount is too large."; return ZD_EINVAL; }
  const char *p = upg_text_problem(reason, 500, 1);
  if (p) { *why = "Say why the overrun is approved (at most 500 characters)."; return ZD_EINVAL; }
  *why = NULL;
  return ZD_OK;
}

void upg_money_format(long long fen, char *out, size_t n) {
  unsigned long long v = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
  char digits[32], grouped[48];
  snprintf(digits, sizeof digits, "%llu", v / 100);
  size_t len = strlen(digits), g = 0;
  for (size_t i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) grouped[g++] = ',';
    grouped[g++] = digits[i];
  }
  grouped[g] = 0;
  snprintf(out, n, "%s¥%s.%02llu", fen < 0 ? "-" : "", grouped, v % 100);
}

int upg_money_parse(const char *s, long long *fen) {
  if (!s) return 0;
  while (*s == ' ') s++;
  if (strncmp(s, "¥", strlen("¥")) == 0) s += strlen("¥");
  else if (strncmp(s, "￥", strlen("￥")) == 0) s += strlen("￥");
  long long yuan = 0;
  int digits = 0, last_comma = 0;
  for (; (*s >= '0' && *s <= '9') || *s == ','; s++) {
    if (*s == ',') {
      if (!digits || last_comma) return 0;
      last_comma = 1;
      continue;
    }
    last_comma = 0;
    if (yuan > UPG_MONEY_MAX / 100) return 0;
    yuan = yuan * 10 + (*s - '0');
    digits++;
  }
  if (last_comma) return 0;
  long long cents = 0;
  int decimals = 0;
  if (*s == '.') {
    s++;
    for (; *s >= '0' && *s <= '9'; s++) {
      if (++decimals > 2) return 0;
      cents = cents * 10 + (*s - '0');
    }
    if (!decimals) return 0;
    if (decimals == 1) cents *= 10;
  }
  while (*s == ' ') s++;
  if (*s || (!digits && !decimals)) return 0;
  if (yuan > UPG_MONEY_MAX / 100) return 0;
  long long v = yuan * 100 + cents;
  if (v > UPG_MONEY_MAX) return 0;
  *fen = v;
  return 1;
}

/* --- project status --- */

int upg_status_next(upg_status s) { return s >= UPS_PLANNED && s < UPS_IN_USE ? (int)s + 1 : -1; }

int upg_status_apply(upg_status from, upg_status to, const upg_project_facts *f, const char **why) {
  if ((unsigned)from >= UPS_COUNT || (unsigned)to >= UPS_COUNT) { *why = "Unknown status."; return ZD_EINVAL; }
  if (upg_status_next(from) != (int)to) {
    *why = "A project moves only forward, one step at a time: planned, under way, completed, in use.";
    return ZD_ECONFLICT;
  }
  if (to == UPS_COMPLETED && f && f->open_milestones > 0) {
    *why = "Every milestone must be done before the project is completed.";
    return ZD_ECONFLICT;
  }
  if (to == UPS_IN_USE && (!f || f->photos[UPH_AFTER] < 1)) {
    *why = "A project goes into use only with at least one photo taken after the renovation.";
    return ZD_ECONFLICT;
  }
  *why = NULL;
  return ZD_OK;
}

int upg_spend_allowed(upg_status s) { return s == UPS_PLANNED || s == UPS_IN_PROGRESS || s == UPS_COMPLETED; }

/* --- plaques --- */

static const char *const default_exterior[] = {
  "支部委员会", "党支部", "党总支", "党委", "村民委员会", "居民委员会", "村务监督委员会", "经济合作社", "股份经济合作社", "党群服务中心",
};
static const char *const default_interior[] = {
  "新时代文明实践站", "农家书屋", "综治中心", "矛盾调解", "调解委员会", "退役军人服务站",
};
static const upg_whitelist default_list = {
  default_exterior, (int)(sizeof default_exterior / sizeof default_exterior[0]),
  default_interior, (int)(sizeof default_interior / sizeof default_interior[0]),
};

const upg_whitelist *upg_whitelist_default(void) { return &default_list; }

static int listed(const char *const *list, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (list[i] && list[i][0] && strstr(name, list[i])) return 1;
  return 0;
}

int upg_plaque_compliant(const upg_whitelist *w, upg_location loc, const char *name, int rules_poster,
                         int public_notice, const char **why) {
  *why = NULL;
  if (!name) name = "";
  if (rules_poster) {
    if (public_notice) return 1;
    *why = "Rules and duty posters may not hang on the walls, except notices the public needs.";
    return 0;
  }
  if (loc == PL_ROOM_SIGN) return 1;
  if (!w) w = &default_list;
  if (listed(w->exterior, w->n_exterior, name)) return 1;
  if (loc == PL_INTERIOR && listed(w->interior, w->n_interior, name)) return 1;
  *why = loc == PL_EXTERIOR ? "Not on the township's list of plaques allowed outside."
                            : "Not on the township's list of plaques allowed inside.";
  return 0;
}

int upg_plaque_decision_check(int compliant, upg_plaque_decision d, int has_reason, int has_merge_target,
                              const char **why) {
  *why = NULL;
  if ((unsigned)d >= PD_COUNT || d == PD_PENDING) { *why = "Choose keep, merge or remove."; return ZD_EINVAL; }
  if (d == PD_KEEP && !compliant && !has_reason) {
    *why = "Keeping a plaque that is not on the list needs its legal basis.";
    return ZD_EINVAL;
  }
  if (d == PD_MERGE && !has_merge_target) { *why = "Say which plaque it is merged into."; return ZD_EINVAL; }
  return ZD_OK;
}

upg_plaque_left upg_plaque_pending(int compliant, upg_plaque_decision d, int has_proof) {
  if (d == PD_PENDING) return compliant ? UPL_NONE : UPL_DECIDE;
  if ((d == PD_MERGE || d == PD_REMOVE) && !has_proof) return UPL_CARRY_OUT;
  return UPL_NONE;
}

int upg_plaque_complies(const upg_whitelist *w, upg_location loc, const char *name, int rules_poster,
                        int public_notice, int has_real_function, const char **why) {
  if (!has_real_function) {
    *why = "A plaque without a real function should come down.";
    return 0;
  }
  return upg_plaque_compliant(w, loc, name, rules_poster, public_notice, why);
}

int upg_names_check(const char *const *names, int n, int *bad, const char **why) {
  *bad = -1;
  *why = NULL;
  if (n < 0 || n > UPG_NAMES_MAX) {
    *why = "At most 40 names per list.";
    return ZD_EINVAL;
  }
  for (int i = 0; i < n; i++) {
    const char *p = upg_text_problem(names[i], 50, 1);
    if (p) {
      *bad = i;
      *why = strcmp(p, "The text is too long.") == 0 ? "A name is longer than 50 characters." : p;
      return ZD_EINVAL;
    }
    for (int j = 0; j < i; j++)
      if (strcmp(names[i], names[j]) == 0) {
        *bad = i;
        *why = "A name is listed twice.";
        return ZD_EINVAL;
      }
  }
  return ZD_OK;
}

int upg_limit_check(int n, const char **why) {
  if (n < 0 || n > UPG_LIMIT_MAX) {
    *why = "A limit is a whole number from 0 to 20.";
    return ZD_EINVAL;
  }
  *why = NULL;
  return ZD_OK;
}

int upg_plaque_counts(upg_location loc, upg_plaque_decision d, int rules_poster) {
  return (loc == PL_EXTERIOR || loc == PL_INTERIOR) && !rules_poster && (d == PD_KEEP || d == PD_PENDING);
}

int upg_plaque_excess(const upg_plaque_limits *l, upg_location loc, int count) {
  int max = loc == PL_EXTERIOR ? l->exterior : loc == PL_INTERIOR ? l->interior : -1;
  if (max < 0 || count <= max) return 0;
  return count - max;
}

/* --- tasks --- */

int upg_task_overdue(upg_task_state s, long long deadline, long long now) {
  return s == UTS_OPEN && deadline > 0 && now > deadline;
}
int upg_task_can_report(upg_task_state s) { return s == UTS_OPEN || s == UTS_REPORTED; }
int upg_task_can_reinspect(upg_task_state s) { return s == UTS_OPEN || s == UTS_REPORTED; }

/* --- text and dates --- */

static int blank(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') { p++; continue; }
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { p += 3; continue; } /* U+3000 */
    return 0;
  }
  return 1;
}

const char *upg_text_problem(const char *s, size_t max, int required) {
  if (!s || !*s || blank(s)) return required ? "This field is required." : NULL;
  if (!utf8_valid(s, strlen(s))) return "The text is not valid UTF-8.";
  if (utf8_len(s) > max) return "The text is too long.";
  return NULL;
}

int upg_date_parse(const char *s, long long *t) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = atoi(s) - 1900;
  tm.tm_mon = atoi(s + 5) - 1;
  tm.tm_mday = atoi(s + 8);
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  if (tm.tm_year < 70 || tm.tm_year > 200 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return 0;
  int y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday;
  time_t v = mktime(&tm);
  if (v == (time_t)-1 || tm.tm_year != y || tm.tm_mon != m || tm.tm_mday != d) return 0; /* 2023-02-30 */
  *t = (long long)v;
  return 1;
}

void upg_date_format(long long t, char *out, size_t n) {
  if (!t) { snprintf(out, n, "%s", ""); return; }
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(out, n, "%Y-%m-%d", &tm);
}

/* --- EXIF --- */

typedef struct tiff {
  const unsigned char *p;
  size_t len;
  int le;
} tiff;

static int t16(const tiff *t, size_t off, unsigned *v) {
  if (off > t->len || t->len - off < 2) return 0;
  const unsigned char *q = t->p + off;
  *v = t->le ? (unsigned)q[0] | (unsigned)q[1] << 8 : (unsigned)q[0] << 8 | q[1];
  return 1;
}
static int t32(const tiff *t, size_t off, uint32_t *v) {
  if (off > t->len || t->len - off < 4) return 0;
  const unsigned char *q = t->p + off;
  *v = t->le ? (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24
             : (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
  return 1;
}

/* The offset of entry `tag` in the IFD at `ifd`, or 0. */
static size_t ifd_find(const tiff *t, size_t ifd, unsigned tag, unsigned *type, uint32_t *count) {
  unsigned n;
  if (!t16(t, ifd, &n) || n > 1000) return 0;
  for (unsigned i = 0; i < n; i++) {
    size_t e = ifd + 2 + (size_t)i * 12;
    unsigned tg;
    if (!t16(t, e, &tg) || !t16(t, e + 2, type) || !t32(t, e + 4, count)) return 0;
    if (tg == tag) return e;
  }
  return 0;
}

/* Where the value of an entry of `size` bytes is: inline, or at its offset. */
static int value_at(const tiff *t, size_t e, size_t size, size_t *off) {
  if (size <= 4) { *off = e + 8; return e + 8 <= t->len && t->len - (e + 8) >= size; }
  uint32_t o;
  if (!t32(t, e + 8, &o)) return 0;
  if (o > t->len || t->len - o < size) return 0;
  *off = o;
  return 1;
}

static int gps_coord(const tiff *t, size_t gps, unsigned ref_tag, unsigned val_tag, double *out) {
  unsigned type;
  uint32_t count;
  size_t e = ifd_find(t, gps, val_tag, &type, &count), off;
  if (!e || type != 5 || count != 3 || !value_at(t, e, 24, &off)) return 0;
  double v = 0, scale = 1;
  for (int i = 0; i < 3; i++) {
    uint32_t num, den;
    if (!t32(t, off + (size_t)i * 8, &num) || !t32(t, off + (size_t)i * 8 + 4, &den) || den == 0) return 0;
    v += (double)num / (double)den / scale;
    scale *= 60;
  }
  size_t r = ifd_find(t, gps, ref_tag, &type, &count), roff;
  if (r && type == 2 && count >= 1 && value_at(t, r, 1, &roff) && (t->p[roff] == 'S' || t->p[roff] == 'W')) v = -v;
  *out = v;
  return 1;
}

static void exif_tiff(const tiff *t, upg_exif *out) {
  unsigned magic;
  uint32_t ifd0;
  if (!t16(t, 2, &magic) || magic != 42 || !t32(t, 4, &ifd0)) return;
  unsigned type;
  uint32_t count;
  size_t e = ifd_find(t, ifd0, 0x0112, &type, &count);
  unsigned o;
  if (e && type == 3 && count >= 1 && t16(t, e + 8, &o) && o >= 1 && o <= 8) out->orientation = (int)o;
  uint32_t sub;
  e = ifd_find(t, ifd0, 0x8769, &type, &count);
  if (e && (type == 4 || type == 13) && t32(t, e + 8, &sub)) {
    size_t d = ifd_find(t, sub, 0x9003, &type, &count), off;
    if (d && type == 2 && count >= 19 && value_at(t, d, 19, &off)) {
      char s[20];
      memcpy(s, t->p + off, 19);
      s[19] = 0;
      struct tm tm;
      memset(&tm, 0, sizeof tm);
      if (sscanf(s, "%4d:%2d:%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                 &tm.tm_sec) == 6 && tm.tm_year >= 1970 && tm.tm_year <= 2100 && tm.tm_mon >= 1 && tm.tm_mon <= 12) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_isdst = -1;
        time_t v = mktime(&tm);
        if (v != (time_t)-1) out->taken_at = (long long)v;
      }
    }
  }
  e = ifd_find(t, ifd0, 0x8825, &type, &count);
  if (e && (type == 4 || type == 13) && t32(t, e + 8, &sub)) {
    double lat, lng;
    if (gps_coord(t, sub, 1, 2, &lat) && gps_coord(t, sub, 3, 4, &lng) && lat >= -90 && lat <= 90 && lng >= -180 &&
        lng <= 180) {
      out->has_gps = 1;
      out->lat = lat;
      out->lng = lng;
    }
  }
}

int upg_exif_read(const unsigned char *d, size_t len, upg_exif *out) {
  memset(out, 0, sizeof *out);
  out->orientation = 1;
  if (!d || len < 4 || d[0] != 0xFF || d[1] != 0xD8) return 0;
  size_t i = 2;
  while (i + 4 <= len) {
    if (d[i] != 0xFF) return 0;
    while (i < len && d[i] == 0xFF) i++;
    if (i >= len) return 0;
    unsigned m = d[i++];
    if (m == 0xD9 || m == 0xDA) return 0; /* end, or the image data: no metadata after it */
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;
    if (i + 2 > len) return 0;
    size_t seg = (size_t)d[i] << 8 | d[i + 1];
    if (seg < 2 || seg > len - i) return 0;
    const unsigned char *p = d + i + 2;
    size_t plen = seg - 2;
    if (m == 0xE1 && plen >= 14 && memcmp(p, "Exif\0\0", 6) == 0) {
      tiff t = {p + 6, plen - 6, 0};
      if (memcmp(t.p, "II", 2) == 0) t.le = 1;
      else if (memcmp(t.p, "MM", 2) != 0) return 1;
      exif_tiff(&t, out);
      return 1;
    }
    i += seg;
  }
  return 0;
}
