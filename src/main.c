/*
** main.c — the zhendi command: a table of subcommands, each with --help.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <semaphore.h>
#include <sodium.h>
#include <termios.h>
#include "modules/audit/audit.h"
#include "modules/demo/bench_data.h"
#include "modules/demo/demo.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
#include "platform/assets.h"
#include "platform/copy.h"
#include "platform/http.h"
#include "platform/pdf.h"
#include "platform/log.h"
#include "platform/migrate.h"
#include "routes.h"

#ifndef ZD_VERSION
#define ZD_VERSION "0.1.0"
#endif

typedef struct cmd {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *usage;
  const char *help;
} cmd;

static const cmd *find_cmd(const char *name);

static int usage_error(const char *name, const char *msg) {
  const cmd *c = find_cmd(name);
  fprintf(stderr, "zhendi %s: %s\nusage: zhendi %s\n", name, msg, c ? c->usage : "");
  return 2;
}

static int want_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
  return 0;
}

static int print_help(const char *name) {
  const cmd *c = find_cmd(name);
  printf("usage: zhendi %s\n\n%s", c->usage, c->help);
  return 0;
}

static int open_db(const zd_config *cfg, int readers, int readonly, db **d) {
  zd_error e = {0, ""};
  db_options o = {readers, cfg->sync_full, readonly};
  if (readonly && strstr(cfg->db, "://") == NULL && access(cfg->db, F_OK) != 0) {
    fprintf(stderr, "zhendi: no database at %s\n", cfg->db);
    return 1;
  }
  if (db_open(cfg->db, &o, d, &e)) {
    fprintf(stderr, "zhendi: %s\n", e.msg);
    return 1;
  }
  return 0;
}

static int migrate_or_fail(db *d) {
  zd_error e = {0, ""};
  int applied = 0;
  if (migrate_up(d, &applied, &e)) {
    fprintf(stderr, "zhendi: %s\n", e.msg);
    return 1;
  }
  if (applied) log_msg(LOG_INFO, "applied %d migration(s); schema version %d", applied, migrate_latest());
  return 0;
}

/* Common options: returns 0, or the exit code of a usage error. */
enum { OPT_DB = 1000, OPT_LISTEN, OPT_DATA, OPT_WORKERS, OPT_DEMO, OPT_DEMO_PW, OPT_SYNC, OPT_QUIET, OPT_MAXBODY,
       OPT_PUBLIC_RATE, OPT_TRUST_PROXY, OPT_PUBLIC_URL, OPT_LOGIN, OPT_ROLE, OPT_SCOPE, OPT_NAME, OPT_LABEL, OPT_FROM, OPT_TO,
       OPT_VILLAGES, OPT_APPEALS, OPT_MEMBERS, OPT_CODES, OPT_SEED };

/* Values of the user/token options (only those subcommands take them). */
typedef struct extra_opts {
  const char *login, *role, *scope, *name, *label, *from, *to;
} extra_opts;

static int parse_opts_x(const char *name, int argc, char **argv, zd_config *cfg, const struct option *allowed,
                        int *demo, const char **demo_pw, int *first_arg, extra_opts *x) {
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, "", allowed, NULL)) != -1) {
    switch (ch) {
      case OPT_DB: cfg->db = optarg; break;
      case OPT_LISTEN: cfg->listen = optarg; break;
      case OPT_DATA: cfg->data_dir = optarg; break;
      case OPT_WORKERS: cfg->workers = atoi(optarg); if (cfg->workers < 1 || cfg->workers > 64) return usage_error(name, "--workers takes 1..64"); break;
      case OPT_MAXBODY: cfg->max_body = (size_t)strtoull(optarg, NULL, 10); if (cfg->max_body < 1024) return usage_error(name, "--max-body must be at least 1024"); break;
      case OPT_DEMO: if (demo) *demo = 1; break;
      case OPT_DEMO_PW: if (demo_pw) *demo_pw = optarg; break;
      case OPT_SYNC:
        if (strcmp(optarg, "full") == 0) cfg->sync_full = 1;
        else if (strcmp(optarg, "normal") == 0) cfg->sync_full = 0;
        else return usage_error(name, "--sync takes normal or full");
        break;
      case OPT_QUIET: cfg->quiet = 1; break;
      case OPT_TRUST_PROXY: cfg->trust_proxy = 1; break;
      case OPT_PUBLIC_URL:
        if (strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8))
          return usage_error(name, "--public-url must start with http:// or https://");
        cfg->public_url = optarg;
        break;
      case OPT_PUBLIC_RATE:
        cfg->public_rate = atoi(optarg);
        if (cfg->public_rate < 1) return usage_error(name, "--public-rate takes a positive number");
        break;
      case OPT_LOGIN: if (x) x->login = optarg; break;
      case OPT_ROLE: if (x) x->role = optarg; break;
      case OPT_SCOPE: if (x) x->scope = optarg; break;
      case OPT_NAME: if (x) x->name = optarg; break;
      case OPT_LABEL: if (x) x->label = optarg; break;
      case OPT_FROM: if (x) x->from = optarg; break;
      case OPT_TO: if (x) x->to = optarg; break;
      default: {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown or incomplete option '%s'", argv[optind - 1]);
        return usage_error(name, msg);
      }
    }
  }
  *first_arg = optind;
  return 0;
}

static int parse_opts(const char *name, int argc, char **argv, zd_config *cfg, const struct option *allowed,
                      int *demo, const char **demo_pw, int *first_arg) {
  return parse_opts_x(name, argc, argv, cfg, allowed, demo, demo_pw, first_arg, NULL);
}

#define O_DB {"db", required_argument, NULL, OPT_DB}
#define O_SYNC {"sync", required_argument, NULL, OPT_SYNC}
#define O_END {NULL, 0, NULL, 0}

static int cmd_serve(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("serve");
  zd_config cfg;
  config_defaults(&cfg);
  static const struct option opts[] = {O_DB, {"listen", required_argument, NULL, OPT_LISTEN},
                                       {"data", required_argument, NULL, OPT_DATA},
                                       {"workers", required_argument, NULL, OPT_WORKERS},
                                       {"max-body", required_argument, NULL, OPT_MAXBODY},
                                       {"quiet", no_argument, NULL, OPT_QUIET},
                                       {"public-rate", required_argument, NULL, OPT_PUBLIC_RATE},
                                       {"trust-proxy", no_argument, NULL, OPT_TRUST_PROXY},
                                       {"public-url", required_argument, NULL, OPT_PUBLIC_URL}, O_SYNC, O_END};
  int first, rc = parse_opts("serve", argc, argv, &cfg, opts, NULL, NULL, &first);
  if (rc) return rc;
  if (first < argc) return usage_error("serve", "unexpected argument");
  db *d = NULL;
  if (open_db(&cfg, cfg.workers, 0, &d)) return 1;
  if (migrate_or_fail(d)) { db_close(d); return 1; }
  const zd_asset *po = asset_find("po/zh_CN.po");
  int bad = 0;
  i18n *cat = po ? i18n_parse(po->data, po->len, &bad) : NULL;
  metrics *m = metrics_new(zd_nroutes);
  const char **names = calloc(zd_nroutes, sizeof *names);
  char *labels = calloc(zd_nroutes, 96);
  if (!cat || !m || !names || !labels) {
    fprintf(stderr, "zhendi: out of memory at startup\n");
    return 1;
  }
  for (size_t i = 0; i < zd_nroutes; i++) {
    char *l = labels + i * 96;
    if (zd_routes[i].name) snprintf(l, 96, "%s", zd_routes[i].name);
    else snprintf(l, 96, "%s %s", zd_routes[i].method, zd_routes[i].pattern);
    names[i] = l;
  }
  if (bad) log_msg(LOG_WARN, "message catalogue: %d malformed entries skipped", bad);
  sem_t hash_slots;
  sem_init(&hash_slots, 0, 2); /* at most two Argon2id hashes at once (19 MiB each) */
  ratelimit *limits = rl_new(4096);
  if (!limits) { fprintf(stderr, "zhendi: out of memory at startup\n"); return 1; }
  group *g = group_start(d); /* group commit of short writes (public intake) */
  if (!g) { fprintf(stderr, "zhendi: cannot start the group-commit thread\n"); return 1; }
  app a = {&cfg, d, cat, m, zd_routes, zd_nroutes, names, limits, &hash_slots, g};
  rc = http_serve(&a);
  group_free(g);
  pdf_shutdown();
  rl_free(limits);
  sem_destroy(&hash_slots);
  db_close(d);
  i18n_free(cat);
  metrics_free(m);
  free(names);
  free(labels);
  return rc;
}

/* With no user yet, print a one-time link that creates the county and its first admin. */
static int first_run_link(db *d) {
  db_conn *w = db_writer(d);
  zd_error e = {0, ""};
  long long n = 0;
  int rc = ident_user_count(w, &n, &e);
  if (!rc && n == 0) {
    char tok[64], h[65];
    ident_random_token(tok, sizeof tok);
    ident_token_hash(tok, h);
    rc = db_begin(w, &e);
    if (!rc) rc = db_run(w, &e, "DELETE FROM setup_token", "");
    if (!rc) rc = db_run(w, &e, "INSERT INTO setup_token(token_hash, created_at) VALUES(?, ?)", "si", h, (long long)time(NULL));
    if (!rc) rc = db_commit(w, &e);
    if (!rc)
      printf("No administrator yet. Start the server (zhendi serve) and open, once, on its address:\n"
             "  http://" ZD_DEFAULT_LISTEN "/setup?token=%s\n"
             "It creates the county and its first administrator; more users then come from\n"
             "the pages or from: zhendi user add --login NAME --role ROLE --scope CODE\n", tok);
  }
  db_release(w);
  if (rc) fprintf(stderr, "zhendi init: %s\n", e.msg);
  return rc ? 1 : 0;
}

static int cmd_init(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("init");
  zd_config cfg;
  config_defaults(&cfg);
  int demo = 0;
  const char *pw = "zhendi-demo";
  static const struct option opts[] = {O_DB, {"demo", no_argument, NULL, OPT_DEMO},
                                       {"demo-password", required_argument, NULL, OPT_DEMO_PW}, O_END};
  int first, rc = parse_opts("init", argc, argv, &cfg, opts, &demo, &pw, &first);
  if (rc) return rc;
  if (first < argc) return usage_error("init", "unexpected argument");
  if (demo && password_problem(pw)) return usage_error("init", "--demo-password must be 10 to 128 characters");
  db *d = NULL;
  if (open_db(&cfg, 1, 0, &d)) return 1;
  if (migrate_or_fail(d)) { db_close(d); return 1; }
  zd_error e = {0, ""};
  if (demo) {
    rc = demo_load(d, pw, &e);
    if (rc == ZD_ECONFLICT) {
      printf("%s already holds data; demo data not loaded again.\n", cfg.db);
      rc = 0;
    } else if (rc) {
      fprintf(stderr, "zhendi init: %s\n", e.msg);
      db_close(d);
      return 1;
    } else {
      char shown[512];
      db_redact(cfg.db, shown, sizeof shown);
      printf("Loaded the demo township 站儿巷镇 (两当县) with 8 villages into %s.\n", shown);
      printf("Demo logins (password: %s):\n", pw);
      for (size_t i = 0; i < demo_user_count; i++)
        printf("  %-18s %-15s at %-14s %s\n", demo_users[i].login, demo_users[i].role, demo_users[i].scope,
               demo_users[i].display);
    }
  } else {
    char shown[512];
    db_redact(cfg.db, shown, sizeof shown);
    printf("Database %s is ready (schema version %d).\n", shown, migrate_latest());
    rc = first_run_link(d);
  }
  db_close(d);
  return rc;
}

static int cmd_migrate(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("migrate");
  zd_config cfg;
  config_defaults(&cfg);
  static const struct option opts[] = {O_DB, O_END};
  int first, rc = parse_opts("migrate", argc, argv, &cfg, opts, NULL, NULL, &first);
  if (rc) return rc;
  if (first < argc) return usage_error("migrate", "unexpected argument");
  db *d = NULL;
  if (open_db(&cfg, 1, 0, &d)) return 1;
  zd_error e = {0, ""};
  int applied = 0;
  rc = migrate_up(d, &applied, &e);
  if (rc) fprintf(stderr, "zhendi migrate: %s\n", e.msg);
  else printf("%d migration(s) applied; schema version %d.\n", applied, migrate_latest());
  db_close(d);
  return rc ? 1 : 0;
}

static int cmd_backup(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("backup");
  zd_config cfg;
  config_defaults(&cfg);
  static const struct option opts[] = {O_DB, O_END};
  int first, rc = parse_opts("backup", argc, argv, &cfg, opts, NULL, NULL, &first);
  if (rc) return rc;
  if (first != argc - 1) return usage_error("backup", "expected one destination file");
  const char *dest = argv[first];
  if (access(dest, F_OK) == 0) {
    fprintf(stderr, "zhendi backup: %s already exists; choose a new file\n", dest);
    return 1;
  }
  db *d = NULL;
  if (open_db(&cfg, 1, 1, &d)) return 1;
  zd_error e = {0, ""};
  rc = db_backup(d, dest, &e);
  db_close(d);
  if (rc) {
    fprintf(stderr, "zhendi backup: %s\n", e.msg);
    unlink(dest);
    return 1;
  }
  printf("Backed up %s to %s.\n", cfg.db, dest);
  return 0;
}

/* Read one line (a password) from stdin; no echo when it is a terminal. */
static int read_secret(const char *prompt, char *out, size_t n) {
  int tty = isatty(STDIN_FILENO);
  struct termios old, quiet;
  if (tty) {
    fprintf(stderr, "%s", prompt);
    tcgetattr(STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  char *got = fgets(out, (int)n, stdin);
  if (tty) { tcsetattr(STDIN_FILENO, TCSANOW, &old); fprintf(stderr, "\n"); }
  if (!got) return -1;
  out[strcspn(out, "\r\n")] = 0;
  return 0;
}

static int cmd_user(int argc, char **argv) {
  if (want_help(argc, argv) || argc < 2 || strcmp(argv[1], "add") != 0) {
    if (!want_help(argc, argv)) return usage_error("user", "expected: user add ...");
    return print_help("user");
  }
  zd_config cfg;
  config_defaults(&cfg);
  extra_opts x = {0};
  static const struct option opts[] = {O_DB, {"login", required_argument, NULL, OPT_LOGIN},
                                       {"role", required_argument, NULL, OPT_ROLE},
                                       {"scope", required_argument, NULL, OPT_SCOPE},
                                       {"name", required_argument, NULL, OPT_NAME}, O_END};
  int first, rc = parse_opts_x("user", argc - 1, argv + 1, &cfg, opts, NULL, NULL, &first, &x);
  if (rc) return rc;
  if (first < argc - 1) return usage_error("user", "unexpected argument");
  if (!x.login || !x.role || !x.scope) return usage_error("user", "--login, --role and --scope are required");
  int rl = role_parse(x.role);
  if (rl < 0)
    return usage_error("user", "unknown role; one of county-admin, township-admin, area-leader, center-admin, cadre, "
                               "supervisor, member");
  char pw[256];
  if (read_secret("Password: ", pw, sizeof pw)) return usage_error("user", "no password on standard input");
  db *d = NULL;
  if (open_db(&cfg, 1, 0, &d)) return 1;
  if (migrate_or_fail(d)) { db_close(d); return 1; }
  zd_error e = {0, ""};
  char actor[96];
  snprintf(actor, sizeof actor, "cli:%s", getenv("USER") ? getenv("USER") : "unknown");
  db_conn *w = db_writer(d);
  rc = db_begin(w, &e);
  long long id = 0;
  if (!rc) rc = ident_user_add(w, actor, x.login, x.name, pw, (role)rl, x.scope, &id, &e);
  if (!rc) rc = db_run(w, &e, "DELETE FROM setup_token", ""); /* an admin exists: the setup link is spent */
  if (!rc) rc = db_commit(w, &e);
  db_release(w);
  db_close(d);
  sodium_memzero(pw, sizeof pw);
  if (rc) { fprintf(stderr, "zhendi user add: %s\n", e.msg); return 1; }
  printf("User %s added as %s at %s.\n", x.login, x.role, x.scope);
  return 0;
}

static int cmd_token(int argc, char **argv) {
  if (want_help(argc, argv) || argc < 2 || strcmp(argv[1], "create") != 0) {
    if (!want_help(argc, argv)) return usage_error("token", "expected: token create --login L");
    return print_help("token");
  }
  zd_config cfg;
  config_defaults(&cfg);
  extra_opts x = {0};
  static const struct option opts[] = {O_DB, {"login", required_argument, NULL, OPT_LOGIN},
                                       {"label", required_argument, NULL, OPT_LABEL}, O_END};
  int first, rc = parse_opts_x("token", argc - 1, argv + 1, &cfg, opts, NULL, NULL, &first, &x);
  if (rc) return rc;
  if (first < argc - 1) return usage_error("token", "unexpected argument");
  if (!x.login) return usage_error("token", "--login is required");
  db *d = NULL;
  if (open_db(&cfg, 1, 0, &d)) return 1;
  if (migrate_or_fail(d)) { db_close(d); return 1; }
  zd_error e = {0, ""};
  user u;
  db_conn *w = db_writer(d);
  char tok[96], actor[96];
  snprintf(actor, sizeof actor, "cli:%s", getenv("USER") ? getenv("USER") : "unknown");
  rc = ident_user_by_login(w, x.login, &u, NULL, 0, &e);
  if (!rc) rc = db_begin(w, &e);
  long long tid = 0;
  if (!rc) rc = ident_token_create(w, actor, u.id, x.label ? x.label : "cli", tok, sizeof tok, &tid, &e);
  if (!rc) rc = db_commit(w, &e);
  db_release(w);
  db_close(d);
  if (rc) { fprintf(stderr, "zhendi token create: %s\n", e.msg); return 1; }
  printf("%s\n", tok);
  fprintf(stderr, "token id %lld (revoke with DELETE /api/v1/tokens/%lld)\n", tid, tid);
  return 0;
}

static int cmd_audit(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("audit");
  if (argc < 2 || (strcmp(argv[1], "verify") != 0 && strcmp(argv[1], "head") != 0))
    return usage_error("audit", "expected: audit verify | audit head");
  zd_config cfg;
  config_defaults(&cfg);
  static const struct option opts[] = {O_DB, O_END};
  int first, rc = parse_opts("audit", argc - 1, argv + 1, &cfg, opts, NULL, NULL, &first);
  if (rc) return rc;
  if (first < argc - 1) return usage_error("audit", "unexpected argument");
  db *d = NULL;
  if (open_db(&cfg, 1, 1, &d)) return 1;
  db_conn *c = db_reader(d);
  zd_error e = {0, ""};
  if (strcmp(argv[1], "head") == 0) {
    long long seq = 0;
    char hash[AUDIT_HASH_LEN + 1];
    rc = audit_head(c, &seq, hash, &e);
    if (!rc) printf("%lld %s\n", seq, hash);
  } else {
    long long n = 0, bad = 0;
    rc = audit_verify(c, &n, &bad, &e);
    if (!rc) printf("audit chain intact: %lld entries\n", n);
    else if (rc == ZD_ECONFLICT) printf("audit chain BROKEN at entry %lld: %s\n", bad, e.msg);
  }
  if (rc && rc != ZD_ECONFLICT) fprintf(stderr, "zhendi audit: %s\n", e.msg);
  db_release(c);
  db_close(d);
  return rc ? 1 : 0;
}

static void copy_progress_tty(const char *table, long long done, long long total, void *arg) {
  int tty = *(int *)arg;
  if (tty) fprintf(stderr, "\r  %-16s %lld / %lld rows\033[K%s", table, done, total, done == total ? "\n" : "");
  else if (done == total) fprintf(stderr, "  %-16s %lld rows\n", table, total);
}

static int cmd_copy(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("copy");
  zd_config cfg;
  config_defaults(&cfg);
  extra_opts x = {0};
  static const struct option opts[] = {{"from", required_argument, NULL, OPT_FROM},
                                       {"to", required_argument, NULL, OPT_TO}, O_END};
  int first, rc = parse_opts_x("copy", argc, argv, &cfg, opts, NULL, NULL, &first, &x);
  if (rc) return rc;
  if (first < argc) return usage_error("copy", "unexpected argument");
  if (!x.from || !x.to) return usage_error("copy", "--from and --to are required");
  if (access(x.from, R_OK) != 0) { fprintf(stderr, "zhendi copy: cannot read %s\n", x.from); return 1; }
  db *from = NULL, *to = NULL;
  zd_error e = {0, ""};
  db_options o = {1, 0, 0};
  if (db_open(x.from, &o, &from, &e) || db_open(x.to, &o, &to, &e)) {
    fprintf(stderr, "zhendi copy: %s\n", e.msg);
    db_close(from);
    return 1;
  }
  int tty = isatty(STDERR_FILENO);
  long long rows = 0;
  fprintf(stderr, "Copying %s to %s\n", x.from, x.to);
  rc = copy_database(from, to, copy_progress_tty, &tty, &rows, &e);
  if (!rc) {
    db_conn *c = db_reader(to);
    long long n = 0, bad = 0;
    rc = audit_verify(c, &n, &bad, &e);
    db_release(c);
    if (!rc) printf("Copied %lld rows; the audit chain verifies on the target (%lld entries).\n", rows, n);
  }
  if (rc) fprintf(stderr, "zhendi copy: %s\n", e.msg);
  db_close(from);
  db_close(to);
  return rc ? 1 : 0;
}

/* Hidden: bulk data for bench/ (see bench_data.h and docs/performance.md). */
static int cmd_bench_data(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("bench-data");
  zd_config cfg;
  config_defaults(&cfg);
  bench_opts o = {8, 0, 0, 1, "zhendi-demo", NULL, 1};
  const char *codes = NULL;
  static const struct option opts[] = {O_DB, {"villages", required_argument, NULL, OPT_VILLAGES},
                                       {"appeals", required_argument, NULL, OPT_APPEALS},
                                       {"members", required_argument, NULL, OPT_MEMBERS},
                                       {"codes", required_argument, NULL, OPT_CODES},
                                       {"seed", required_argument, NULL, OPT_SEED},
                                       {"demo-password", required_argument, NULL, OPT_DEMO_PW}, O_END};
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (ch) {
      case OPT_DB: cfg.db = optarg; break;
      case OPT_VILLAGES: o.villages = atoi(optarg); break;
      case OPT_APPEALS: o.appeals = atoi(optarg); break;
      case OPT_MEMBERS: o.members = atoi(optarg); break;
      case OPT_CODES: codes = optarg; break;
      case OPT_SEED: o.seed = (unsigned)strtoul(optarg, NULL, 10); break;
      case OPT_DEMO_PW: o.password = optarg; break;
      default: return usage_error("bench-data", "unknown or incomplete option");
    }
  }
  if (optind < argc) return usage_error("bench-data", "unexpected argument");
  if (o.villages < 1 || o.appeals < 0 || o.members < 0) return usage_error("bench-data", "counts must be positive");
  db *d = NULL;
  if (open_db(&cfg, 1, 0, &d)) return 1;
  if (migrate_or_fail(d)) { db_close(d); return 1; }
  if (codes && !(o.codes = fopen(codes, "a"))) {
    fprintf(stderr, "zhendi bench-data: cannot write %s\n", codes);
    db_close(d);
    return 1;
  }
  zd_error e = {0, ""};
  bench_counts n;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = bench_data_load(d, &o, &n, &e);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (o.codes) fclose(o.codes);
  db_close(d);
  if (rc) { fprintf(stderr, "zhendi bench-data: %s\n", e.msg); return 1; }
  printf("Added %d townships, %d villages, %d users, %d matters (%d transitions), %d Party members in %.1f s.\n",
         n.townships, n.villages, n.users, n.appeals, n.transitions, n.members,
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  return 0;
}

static int cmd_version(int argc, char **argv) {
  if (want_help(argc, argv)) return print_help("version");
  (void)argc; (void)argv;
  printf("zhendi %s (schema %d)\n", ZD_VERSION, migrate_latest());
  return 0;
}

static const cmd cmds[] = {
  {"serve", cmd_serve, "serve [--db PATH] [--listen ADDR:PORT] [--data DIR] [--workers N] [--sync normal|full] [--max-body BYTES] [--public-rate N] [--trust-proxy] [--public-url URL] [--quiet]",
   "Serve the web pages and the API until SIGINT or SIGTERM, then finish in-flight\n"
   "requests and close the database cleanly. Pending migrations are applied first;\n"
   "a database newer than this program is refused.\n\n"
   "  --db PATH          database file (default " ZD_DEFAULT_DB ")\n"
   "  --listen ADDR:PORT address to listen on (default " ZD_DEFAULT_LISTEN "; port 0 picks a free one)\n"
   "  --data DIR         directory for uploaded files (default zhendi-data)\n"
   "  --workers N        HTTP worker threads and database readers (default: number of cores)\n"
   "  --sync MODE        SQLite durability: normal (default; survives a crash of zhendi)\n"
   "                     or full (also survives power loss; slower commits)\n"
   "  --max-body BYTES   largest request body accepted (default 1048576)\n"
   "  --public-rate N    matters a villager's address may submit per hour (default 20)\n"
   "  --trust-proxy      behind a reverse proxy: the client address is the last entry\n"
   "                     of X-Forwarded-For (rate limits per villager, not per proxy)\n"
   "  --public-url URL   the address villagers use (https://...), printed in QR codes;\n"
   "                     default: taken from each request's Host header\n"
   "  --quiet            no access log\n"},
  {"init", cmd_init, "init [--db PATH] [--demo] [--demo-password PW]",
   "Create the database (or bring it to the current schema).\n\n"
   "  --db PATH             database file (default " ZD_DEFAULT_DB ")\n"
   "  --demo                load the demo township 站儿巷镇 of 两当县 with its villages\n"
   "  --demo-password PW    password of the demo users (default zhendi-demo)\n"},
  {"migrate", cmd_migrate, "migrate [--db PATH]",
   "Apply pending schema migrations, each in its own transaction.\n\n"
   "  --db PATH   database file (default " ZD_DEFAULT_DB ")\n"},
  {"backup", cmd_backup, "backup [--db PATH] DEST",
   "Copy the live database to DEST (a new file) while zhendi keeps serving.\n\n"
   "  --db PATH   database file (default " ZD_DEFAULT_DB ")\n"},
  {"user", cmd_user, "user add [--db PATH] --login L --role R --scope CODE [--name NAME]",
   "Create a user holding role R at the organisation CODE. The password is read\n"
   "from standard input (one line; not echoed on a terminal), at least 10 characters.\n\n"
   "  roles: county-admin, township-admin, area-leader, center-admin, cadre, supervisor, member\n"},
  {"token", cmd_token, "token create [--db PATH] --login L [--label TEXT]",
   "Create an API token for user L and print it (shown once; stored hashed).\n"
   "Send it as: Authorization: Bearer <token>. Revoke with DELETE /api/v1/tokens/{id}.\n"},
  {"audit", cmd_audit, "audit verify|head [--db PATH]",
   "verify: walk the whole hash chain; exit 0 when intact, else exit 1 naming the\n"
   "        first bad entry.\n"
   "head:   print the newest entry's sequence number and hash (for posters).\n"},
  {"copy", cmd_copy, "copy --from PATH.db --to postgres://...",
   "Copy a township's SQLite database, audit chain included, into an empty\n"
   "database (normally PostgreSQL, when a county consolidates its townships).\n"
   "Refuses a target that already holds data; verifies the audit chain there.\n"},
  {"version", cmd_version, "version", "Print the program version and the schema version it carries.\n"},
};

/* Not listed in the usage: tools for bench/, documented in docs/performance.md. */
static const cmd hidden_cmds[] = {
  {"bench-data", cmd_bench_data, "bench-data [--db PATH] [--villages N] [--appeals N] [--members N] [--codes FILE] [--seed N] [--demo-password PW]",
   "Add benchmark data to a database made by `zhendi init --demo`: townships of 20\n"
   "villages (each with its center, Party branch and a cadre) until there are N\n"
   "villages, N matters over the last year walked through the workflow, and N Party\n"
   "members; all through the modules' audited writes. Each matter's number and\n"
   "tracking code are appended to FILE (NUMBER CODE VILLAGE).\n"},
};

static const cmd *find_cmd(const char *name) {
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (strcmp(cmds[i].name, name) == 0) return &cmds[i];
  for (size_t i = 0; i < sizeof hidden_cmds / sizeof hidden_cmds[0]; i++)
    if (strcmp(hidden_cmds[i].name, name) == 0) return &hidden_cmds[i];
  return NULL;
}

static void main_usage(FILE *f) {
  fprintf(f, "zhendi %s — village Party-Mass Service Centers (党群服务中心)\n\nusage: zhendi COMMAND [OPTIONS]\n\n",
          ZD_VERSION);
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) fprintf(f, "  %s\n", cmds[i].usage);
  fprintf(f, "\nzhendi COMMAND --help tells more.\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    main_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "--version") == 0) return cmd_version(1, argv);
  const cmd *c = find_cmd(argv[1]);
  if (!c) {
    fprintf(stderr, "zhendi: unknown command '%s'\n\n", argv[1]);
    main_usage(stderr);
    return 2;
  }
  if (sodium_init() < 0) {
    fprintf(stderr, "zhendi: cannot initialise libsodium\n");
    return 1;
  }
  return c->run(argc - 1, argv + 1);
}
