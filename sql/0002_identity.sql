-- 0002_identity: users, the roles they hold at organisation nodes, sessions,
-- API tokens, the one-time setup token, and the organisation closure table
-- that scope queries join against (who may see what is decided in SQL).
CREATE TABLE org_closure (
  ancestor INTEGER NOT NULL REFERENCES org(id),
  descendant INTEGER NOT NULL REFERENCES org(id),
  depth INTEGER NOT NULL,
  PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX org_closure_desc ON org_closure(descendant);
INSERT INTO org_closure(ancestor, descendant, depth) SELECT id, id, 0 FROM org;
INSERT INTO org_closure(ancestor, descendant, depth)
  SELECT p.id, o.id, 1 FROM org o JOIN org p ON p.id = o.parent_id;
INSERT INTO org_closure(ancestor, descendant, depth)
  SELECT g.id, o.id, 2 FROM org o JOIN org p ON p.id = o.parent_id JOIN org g ON g.id = p.parent_id;
INSERT INTO org_closure(ancestor, descendant, depth)
  SELECT gg.id, o.id, 3 FROM org o JOIN org p ON p.id = o.parent_id JOIN org g ON g.id = p.parent_id
  JOIN org gg ON gg.id = g.parent_id;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login VARCHAR(64) NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  pw_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE user_role (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  role VARCHAR(24) NOT NULL CHECK (role IN ('county-admin','township-admin','area-leader','center-admin',
                                            'cadre','supervisor','member')),
  org_id INTEGER NOT NULL REFERENCES org(id),
  UNIQUE (user_id, role, org_id)
);
CREATE INDEX user_role_org ON user_role(org_id);

CREATE TABLE session (
  id_hash VARCHAR(64) PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash VARCHAR(64) NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

CREATE TABLE setup_token (
  token_hash VARCHAR(64) PRIMARY KEY,
  created_at BIGINT NOT NULL
);
