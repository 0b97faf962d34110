/* config.c — defaults of the startup configuration. */
#include "config.h"
#include <unistd.h>

void config_defaults(zd_config *c) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  c->db = ZD_DEFAULT_DB;
  c->listen = ZD_DEFAULT_LISTEN;
  c->data_dir = "zhendi-data";
  c->workers = n > 0 && n < 64 ? (int)n : 2;
  c->max_body = 1024 * 1024;
  c->max_header = 32 * 1024;
  c->max_params = 200;
  c->timeout = 30;
  c->sync_full = 0;
  c->quiet = 0;
  c->public_rate = 20;
  c->trust_proxy = 0;
  c->public_url = NULL;
}
