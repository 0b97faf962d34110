-- 0005_upgrade: 改 — uploads; centers' function areas, facility checklist and
-- photos; renovation funds and projects (money in integer fen); plaques and the
-- township whitelist; inspections and rectification tasks.

-- Photos, by the SHA-256 of the original. public_sha and thumb_sha name the
-- re-encoded copies (no EXIF) in the same content-addressed store.
CREATE TABLE upload (
  id INTEGER PRIMARY KEY,
  sha256 VARCHAR(64) NOT NULL UNIQUE,
  kind VARCHAR(8) NOT NULL CHECK (kind IN ('jpeg','png','webp')),
  size INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  public_sha VARCHAR(64) NOT NULL,
  public_width INTEGER NOT NULL,
  public_height INTEGER NOT NULL,
  thumb_sha VARCHAR(64) NOT NULL,
  taken_at INTEGER NOT NULL DEFAULT 0,
  gps_lat DOUBLE PRECISION,
  gps_lng DOUBLE PRECISION,
  org_id INTEGER REFERENCES org(id),
  uploader_id INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX upload_org ON upload(org_id);

-- Function areas: rooms of a village's center, each serving one or more functions.
CREATE TABLE center_area (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  name TEXT NOT NULL,
  area_m2 INTEGER NOT NULL DEFAULT 0,
  sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX center_area_org ON center_area(org_id, sort);

CREATE TABLE center_area_fn (
  area_id INTEGER NOT NULL REFERENCES center_area(id),
  fn VARCHAR(16) NOT NULL CHECK (fn IN ('party_room','service_hall','civilization','library','talk','bulletin',
                                        'meeting','other')),
  PRIMARY KEY (area_id, fn)
);

-- The facility checklist: one row per village and item that has been checked.
CREATE TABLE center_check (
  org_id INTEGER NOT NULL REFERENCES org(id),
  item VARCHAR(24) NOT NULL CHECK (item IN ('walls','doors_windows','tables_chairs','bulletin_board','signage',
                                            'flags','lighting','hygiene','toilet','fire_safety','access','equipment')),
  state VARCHAR(16) NOT NULL CHECK (state IN ('unchecked','ok','needs_repair','missing')),
  note TEXT NOT NULL DEFAULT '',
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, item)
);

CREATE TABLE center_photo (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  sha256 VARCHAR(64) NOT NULL REFERENCES upload(sha256),
  caption TEXT NOT NULL DEFAULT '',
  sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX center_photo_org ON center_photo(org_id, sort);

-- A fund (source and total) of a township, allocated to its villages' projects.
CREATE TABLE reno_fund (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  total_fen INTEGER NOT NULL CHECK (total_fen > 0),
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX reno_fund_org ON reno_fund(org_id);

CREATE TABLE reno_project (
  id INTEGER PRIMARY KEY,
  fund_id INTEGER NOT NULL REFERENCES reno_fund(id),
  org_id INTEGER NOT NULL REFERENCES org(id),
  title TEXT NOT NULL,
  allocation_fen INTEGER NOT NULL CHECK (allocation_fen > 0),
  status VARCHAR(16) NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','in_progress','completed','in_use')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (fund_id, org_id)
);
CREATE INDEX reno_project_org ON reno_project(org_id);

-- Planned items: what is renovated or reused, tied to a checklist item.
CREATE TABLE reno_item (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES reno_project(id),
  title TEXT NOT NULL,
  check_item VARCHAR(24),
  decision VARCHAR(16) NOT NULL CHECK (decision IN ('renovate','reuse')),
  planned_fen INTEGER NOT NULL DEFAULT 0 CHECK (planned_fen >= 0),
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX reno_item_project ON reno_item(project_id);

-- Over-budget approvals raise a project's cap by amount_fen: who approved, and why.
CREATE TABLE reno_approval (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES reno_project(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  reason TEXT NOT NULL,
  approved_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX reno_approval_project ON reno_approval(project_id);

CREATE TABLE reno_spend (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES reno_project(id),
  item_id INTEGER REFERENCES reno_item(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  payee TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  spent_on INTEGER NOT NULL,
  receipt_sha VARCHAR(64) REFERENCES upload(sha256),
  over_allocation INTEGER NOT NULL DEFAULT 0,
  recorded_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX reno_spend_project ON reno_spend(project_id, spent_on);

CREATE TABLE reno_milestone (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES reno_project(id),
  title TEXT NOT NULL,
  due_on INTEGER NOT NULL DEFAULT 0,
  done_on INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reno_milestone_project ON reno_milestone(project_id);

-- Before / during / after photos; photos of the same spot are shown side by side.
CREATE TABLE reno_photo (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES reno_project(id),
  item_id INTEGER REFERENCES reno_item(id),
  phase VARCHAR(8) NOT NULL CHECK (phase IN ('before','during','after')),
  spot TEXT NOT NULL DEFAULT '',
  sha256 VARCHAR(64) NOT NULL REFERENCES upload(sha256),
  caption TEXT NOT NULL DEFAULT '',
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX reno_photo_project ON reno_photo(project_id, spot);

-- Plaques (挂牌) of a center and what is decided about each.
CREATE TABLE plaque (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  location VARCHAR(16) NOT NULL CHECK (location IN ('exterior','interior','room_sign')),
  name TEXT NOT NULL,
  issuing_body TEXT NOT NULL DEFAULT '',
  rules_poster INTEGER NOT NULL DEFAULT 0,
  public_notice INTEGER NOT NULL DEFAULT 0,
  decision VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending','keep','merge','remove')),
  reason TEXT NOT NULL DEFAULT '',
  merged_into TEXT NOT NULL DEFAULT '',
  proof_sha VARCHAR(64) REFERENCES upload(sha256),
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX plaque_org ON plaque(org_id);

-- A township's own whitelist; without a policy row the default of domain rules §7 holds.
CREATE TABLE plaque_policy (
  org_id INTEGER PRIMARY KEY REFERENCES org(id),
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
);
CREATE TABLE plaque_allowed (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  location VARCHAR(16) NOT NULL CHECK (location IN ('exterior','interior')),
  name TEXT NOT NULL,
  UNIQUE (org_id, location, name)
);

-- Visits by area leaders (and re-inspections), and their findings, each a
-- rectification task with an owner and a deadline.
CREATE TABLE inspection (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  inspector_id INTEGER NOT NULL REFERENCES users(id),
  kind VARCHAR(16) NOT NULL CHECK (kind IN ('visit','reinspection')),
  visited_at INTEGER NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX inspection_org ON inspection(org_id, visited_at);

CREATE TABLE finding (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspection(id),
  org_id INTEGER NOT NULL REFERENCES org(id),
  body TEXT NOT NULL,
  check_item VARCHAR(24),
  photo_sha VARCHAR(64) REFERENCES upload(sha256),
  owner_id INTEGER NOT NULL REFERENCES users(id),
  deadline INTEGER NOT NULL,
  state VARCHAR(16) NOT NULL DEFAULT 'open' CHECK (state IN ('open','reported','closed')),
  report_note TEXT NOT NULL DEFAULT '',
  report_photo VARCHAR(64) REFERENCES upload(sha256),
  reported_at INTEGER NOT NULL DEFAULT 0,
  reinspections INTEGER NOT NULL DEFAULT 0,
  closed_by INTEGER REFERENCES inspection(id),
  closed_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX finding_org ON finding(org_id, state, deadline);
CREATE INDEX finding_owner ON finding(owner_id, state);
