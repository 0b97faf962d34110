-- 0004_appeal: 民事直说 cases and their timeline.
CREATE TABLE appeal (
  id INTEGER PRIMARY KEY,
  number VARCHAR(24) NOT NULL UNIQUE,
  code_hash VARCHAR(64) NOT NULL,
  org_id INTEGER NOT NULL REFERENCES org(id),
  kind VARCHAR(16) NOT NULL CHECK (kind IN ('village','neighbour','family')),
  channel VARCHAR(16) NOT NULL CHECK (channel IN ('online','room','day','visit','phone','wechat')),
  entered_by INTEGER REFERENCES users(id),
  content TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  raiser_name TEXT NOT NULL DEFAULT '',
  raiser_phone TEXT NOT NULL DEFAULT '',
  photo VARCHAR(80) NOT NULL DEFAULT '',  -- <sha256>.<ext> in the upload store
  state VARCHAR(16) NOT NULL,
  mode VARCHAR(24),
  owner_id INTEGER REFERENCES users(id),
  deadline BIGINT NOT NULL DEFAULT 0,
  escalation INTEGER NOT NULL DEFAULT 0,
  escalated_to TEXT NOT NULL DEFAULT '',
  reopens INTEGER NOT NULL DEFAULT 0,
  rating VARCHAR(16) NOT NULL DEFAULT 'none',
  answer TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX appeal_org_state ON appeal(org_id, state, created_at);
CREATE INDEX appeal_owner ON appeal(owner_id, state);
CREATE INDEX appeal_deadline ON appeal(deadline);
CREATE INDEX appeal_created ON appeal(created_at);

CREATE TABLE appeal_event (
  id INTEGER PRIMARY KEY,
  appeal_id INTEGER NOT NULL REFERENCES appeal(id),
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action VARCHAR(16) NOT NULL,
  from_state VARCHAR(16) NOT NULL,
  to_state VARCHAR(16) NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  is_public INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX appeal_event_appeal ON appeal_event(appeal_id, id);
