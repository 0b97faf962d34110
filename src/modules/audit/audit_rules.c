/* audit_rules.c — canonical form and hash of an audit entry; see audit.h. */
#include <sodium.h>
#include <string.h>
#include "audit.h"

void audit_canonical(const audit_entry *en, buf *out) {
  buf_printf(out, "{\"seq\":%lld,\"at\":%lld,\"actor\":\"%j\",\"action\":\"%j\",\"object\":\"%j\",\"org\":%lld,"
                  "\"before\":\"%j\",\"after\":\"%j\"}",
             en->seq, en->at, en->actor ? en->actor : "", en->action ? en->action : "",
             en->object ? en->object : "", en->org_id, en->before ? en->before : "", en->after ? en->after : "");
}

void audit_hash(const char *prev_hex, const char *canonical, size_t len, char *out) {
  crypto_hash_sha256_state st;
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, (const unsigned char *)prev_hex, strlen(prev_hex));
  crypto_hash_sha256_update(&st, (const unsigned char *)canonical, len);
  crypto_hash_sha256_final(&st, h);
  sodium_bin2hex(out, AUDIT_HASH_LEN + 1, h, sizeof h);
}
