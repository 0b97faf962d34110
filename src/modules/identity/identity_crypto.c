/* identity_crypto.c — Argon2id passwords and random tokens (libsodium). */
#include <sodium.h>
#include <string.h>
#include "identity.h"

/* t=2, 19 MiB: the OWASP minimum for Argon2id, ~16 ms here (notes/stack.md). */
#define PW_OPS 2ULL
#define PW_MEM (19ULL * 1024 * 1024)

int ident_hash_password(const char *pw, char *out, size_t outlen) {
  if (outlen < crypto_pwhash_STRBYTES) return -1;
  return crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13);
}

int ident_check_password(const char *hash, const char *pw) {
  return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void ident_random_token(char *out, size_t outlen) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, outlen, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void ident_token_hash(const char *token, char *out65) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
  sodium_bin2hex(out65, 65, h, sizeof h);
}
