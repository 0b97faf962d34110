/*
** i18n.h — the message catalogue. UI strings are written in English in the
** code (gettext msgid) and translated by po/zh_CN.po, embedded in the binary.
** Simplified Chinese is the default language; English shows the msgid.
*/
#ifndef ZD_I18N_H
#define ZD_I18N_H
#include <stddef.h>

enum { LANG_ZH = 0, LANG_EN = 1 };

typedef struct i18n i18n;

/* Parse a .po text. Returns NULL on out-of-memory; malformed entries are skipped
** and counted in *bad (may be NULL). */
i18n *i18n_parse(const char *po, size_t len, int *bad);
void i18n_free(i18n *c);
size_t i18n_count(const i18n *c);
/* Translation of msgid into lang; msgid itself when English or untranslated. */
const char *i18n_get(const i18n *c, int lang, const char *msgid);
/* 1 if msgid has a non-empty translation. */
int i18n_has(const i18n *c, const char *msgid);
/* "zh", "zh-CN", "en", "en-US" ... -> LANG_*, or -1. */
int i18n_lang_parse(const char *s);
const char *i18n_lang_tag(int lang); /* "zh-CN" / "en" */

#endif
