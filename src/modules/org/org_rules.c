/* org_rules.c — pure rules of the organisation tree; see org.h. */
#include "org.h"
#include <string.h>

static const struct { const char *key, *label; } kinds[ORG_KIND_COUNT] = {
  {"county", "County"},
  {"township", "Township"},
  {"village", "Village"},
  {"community", "Community"},
  {"party_committee", "Township Party committee"},
  {"party_branch", "Village Party branch"},
  {"party_group", "Party group"},
};

const char *org_kind_key(org_kind k) { return k < ORG_KIND_COUNT ? kinds[k].key : "?"; }
const char *org_kind_label(org_kind k) { return k < ORG_KIND_COUNT ? kinds[k].label : "?"; }

int org_kind_parse(const char *s) {
  if (!s) return -1;
  for (int i = 0; i < ORG_KIND_COUNT; i++)
    if (strcmp(kinds[i].key, s) == 0) return i;
  return -1;
}

int org_parent_allowed(int parent, org_kind child) {
  switch (child) {
    case ORG_COUNTY: return parent == -1;
    case ORG_TOWNSHIP: return parent == ORG_COUNTY;
    case ORG_VILLAGE:
    case ORG_COMMUNITY: return parent == ORG_TOWNSHIP;
    case ORG_PARTY_COMMITTEE: return parent == ORG_TOWNSHIP;
    case ORG_PARTY_BRANCH: return parent == ORG_PARTY_COMMITTEE || parent == ORG_VILLAGE || parent == ORG_COMMUNITY;
    case ORG_PARTY_GROUP: return parent == ORG_PARTY_BRANCH;
    default: return 0;
  }
}

const char *org_display_name(const org *o, int lang) {
  return lang == LANG_EN && o->name_en[0] ? o->name_en : o->name;
}
