-- 0001_org: the organisation tree (county -> township -> village/community,
-- with Party organisations beside it) and one service center per village.
CREATE TABLE org (
  id INTEGER PRIMARY KEY,
  code VARCHAR(32) NOT NULL UNIQUE,
  kind VARCHAR(24) NOT NULL CHECK (kind IN ('county','township','village','community',
                                            'party_committee','party_branch','party_group')),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  parent_id INTEGER REFERENCES org(id),
  sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX org_parent ON org(parent_id, sort);

CREATE TABLE center (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL UNIQUE REFERENCES org(id),
  name TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION,
  floor_area_m2 INTEGER,
  opening_hours TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT ''
);
