/* identity_rules.c — roles, permissions, sessions, passwords: pure rules. */
#include <string.h>
#include "identity.h"
#include "modules/org/org.h"
#include "platform/text.h"

static const struct {
  const char *key, *label;
  unsigned perms; /* bit per perm */
  unsigned kinds; /* bit per org_kind it may be held at */
} roles[ROLE_COUNT] = {
#define P(x) (1u << (x))
#define K(x) (1u << (x))
  {"county-admin", "County admin",
   P(PERM_LOGIN) | P(PERM_ORG_VIEW) | P(PERM_ORG_EDIT) | P(PERM_USER_MANAGE) | P(PERM_AUDIT_READ) | P(PERM_PERSONAL_READ) |
       P(PERM_APPEAL_VIEW) | P(PERM_APPEAL_HANDLE) | P(PERM_UPGRADE_EDIT) | P(PERM_UPGRADE_RECORD) |
       P(PERM_UPGRADE_MANAGE) | P(PERM_INSPECT) | P(PERM_UPLOAD) | P(PERM_DUTY_SELF) |
       P(PERM_DUTY_MANAGE),
   K(ORG_COUNTY)},
  {"township-admin", "Township admin",
   P(PERM_LOGIN) | P(PERM_ORG_VIEW) | P(PERM_ORG_EDIT) | P(PERM_USER_MANAGE) | P(PERM_AUDIT_READ) | P(PERM_PERSONAL_READ) |
       P(PERM_APPEAL_VIEW) | P(PERM_APPEAL_HANDLE) | P(PERM_UPGRADE_EDIT) | P(PERM_UPGRADE_RECORD) |
       P(PERM_UPGRADE_MANAGE) | P(PERM_INSPECT) | P(PERM_UPLOAD) | P(PERM_DUTY_SELF) |
       P(PERM_DUTY_MANAGE),
   K(ORG_TOWNSHIP)},
  {"area-leader", "Area leader",
   P(PERM_LOGIN) | P(PERM_ORG_VIEW) | P(PERM_APPEAL_VIEW) | P(PERM_INSPECT) | P(PERM_UPLOAD),
   K(ORG_VILLAGE) | K(ORG_COMMUNITY)},
  {"center-admin", "Center admin",
   P(PERM_LOGIN) | P(PERM_ORG_VIEW) | P(PERM_ORG_EDIT) | P(PERM_PERSONAL_READ) | P(PERM_APPEAL_VIEW) | P(PERM_APPEAL_HANDLE) |
       P(PERM_UPGRADE_EDIT) | P(PERM_UPGRADE_RECORD) | P(PERM_UPLOAD) | P(PERM_DUTY_SELF) | P(PERM_DUTY_MANAGE),
   K(ORG_VILLAGE) | K(ORG_COMMUNITY)},
  {"cadre", "Cadre on duty",
   P(PERM_LOGIN) | P(PERM_ORG_VIEW) | P(PERM_APPEAL_VIEW) | P(PERM_APPEAL_HANDLE) | P(PERM_UPGRADE_RECORD) | P(PERM_UPLOAD) |
       P(PERM_DUTY_SELF),
   K(ORG_VILLAGE) | K(ORG_COMMUNITY)},
  {"supervisor", "Supervision committee member",
   P(PERM_LOGIN) | P(PERM_ORG_VIEW) | P(PERM_AUDIT_READ) | P(PERM_PERSONAL_READ) | P(PERM_APPEAL_VIEW),
   K(ORG_VILLAGE) | K(ORG_COMMUNITY)},
  {"member", "Party member", P(PERM_LOGIN), K(ORG_VILLAGE) | K(ORG_COMMUNITY) | K(ORG_PARTY_BRANCH)},
#undef P
#undef K
};

int role_parse(const char *s) {
  if (!s) return -1;
  for (int i = 0; i < ROLE_COUNT; i++)
    if (strcmp(roles[i].key, s) == 0) return i;
  return -1;
}

const char *role_key(role r) { return r < ROLE_COUNT ? roles[r].key : "?"; }
const char *role_label(role r) { return r < ROLE_COUNT ? roles[r].label : "?"; }

int role_grants(role r, perm p) {
  if (r >= ROLE_COUNT || p >= PERM_COUNT) return 0;
  if (p == PERM_PUBLIC) return 1;
  return (roles[r].perms >> p) & 1u;
}

int role_org_kind_ok(role r, int org_kind) {
  if (r >= ROLE_COUNT || org_kind < 0 || org_kind >= ORG_KIND_COUNT) return 0;
  return (roles[r].kinds >> org_kind) & 1u;
}

int role_may_grant(role granter, role r) {
  if (granter == ROLE_COUNTY_ADMIN) return r < ROLE_COUNT;
  if (granter == ROLE_TOWNSHIP_ADMIN) return r > ROLE_COUNTY_ADMIN && r < ROLE_COUNT;
  return 0;
}

int session_valid(long long created, long long seen, long long now) {
  if (now < created) return 0;
  if (now - created > SESSION_MAX_SECONDS) return 0;
  if (now - seen > SESSION_IDLE_SECONDS) return 0;
  return 1;
}

const char *password_problem(const char *pw) {
  if (!pw) return "A password is required.";
  size_t n = strlen(pw);
  if (!utf8_valid(pw, n)) return "The password is not valid UTF-8.";
  if (utf8_len(pw) < 10) return "The password must be at least 10 characters long.";
  if (n > 128) return "The password must be at most 128 bytes long.";
  return NULL;
}

int login_valid(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  size_t n = 0;
  for (; *s; s++, n++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-')) return 0;
  return n >= 3 && n <= 64;
}
