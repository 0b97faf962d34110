-- 0006_duty: 管 — the duty roster (轮流坐班), check-in at the center by its QR
-- code, the duty log (坐班日志), the whereabouts board (去向牌), posts and the
-- 我为群众办实事 deeds. Days are 'YYYY-MM-DD' text, instants epoch seconds.

-- The server key of the centers' QR secrets: one row, made at first use.
CREATE TABLE duty_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_hex VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL
);

-- Published weekly opening hours of a village's center (minutes after local midnight).
CREATE TABLE duty_hours (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
  end_min INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440)
);
CREATE INDEX duty_hours_org ON duty_hours(org_id, weekday, start_min);

-- The holiday calendar of a node (township, county), inherited below it:
-- is_off = 1 a day off, is_off = 0 a make-up workday (调休上班).
CREATE TABLE duty_holiday (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  day VARCHAR(10) NOT NULL,
  is_off INTEGER NOT NULL CHECK (is_off IN (0, 1)),
  name TEXT NOT NULL DEFAULT '',
  UNIQUE (org_id, day)
);
CREATE INDEX duty_holiday_day ON duty_holiday(day);

-- A person's leave (it holds wherever they serve).
CREATE TABLE duty_leave (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  from_day VARCHAR(10) NOT NULL,
  to_day VARCHAR(10) NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  cancelled_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX duty_leave_user ON duty_leave(user_id, from_day);

-- One roster per village and month: who made it, over which cadres.
CREATE TABLE duty_roster (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  month VARCHAR(7) NOT NULL,
  cadres TEXT NOT NULL,
  generated_by TEXT NOT NULL,
  generated_at BIGINT NOT NULL,
  UNIQUE (org_id, month)
);

-- One shift per village and day; nobody holds two shifts on one day.
CREATE TABLE duty_shift (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  day VARCHAR(10) NOT NULL,
  month VARCHAR(7) NOT NULL,
  kind VARCHAR(8) NOT NULL CHECK (kind IN ('duty', 'oncall')),
  day_kind VARCHAR(8) NOT NULL CHECK (day_kind IN ('workday', 'weekend', 'holiday')),
  user_id INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  UNIQUE (org_id, day),
  UNIQUE (user_id, day)
);
CREATE INDEX duty_shift_month ON duty_shift(org_id, month);

CREATE TABLE duty_swap (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  shift_id INTEGER NOT NULL REFERENCES duty_shift(id),
  with_shift_id INTEGER REFERENCES duty_shift(id),
  from_user INTEGER NOT NULL REFERENCES users(id),
  to_user INTEGER NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL DEFAULT '',
  state VARCHAR(10) NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'cancelled')),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at BIGINT NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX duty_swap_org ON duty_swap(org_id, state);

-- Presence at a center: out_at 0 while checked in; out_kind says how it ended
-- (manual, auto = a forgotten check-out closed at the day's closing time, moved
-- = closed by a check-in elsewhere).
CREATE TABLE duty_checkin (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  in_at BIGINT NOT NULL,
  out_at BIGINT NOT NULL DEFAULT 0,
  out_kind VARCHAR(8) NOT NULL DEFAULT '' CHECK (out_kind IN ('', 'manual', 'auto', 'moved')),
  qr_week BIGINT NOT NULL
);
CREATE INDEX duty_checkin_org ON duty_checkin(org_id, in_at);
CREATE INDEX duty_checkin_user ON duty_checkin(user_id, out_at);

-- The whereabouts board (去向牌): one status per person and village.
CREATE TABLE duty_status (
  org_id INTEGER NOT NULL REFERENCES org(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  status VARCHAR(10) NOT NULL CHECK (status IN ('on_duty', 'meeting', 'visiting', 'leave', 'off')),
  note TEXT NOT NULL DEFAULT '',
  set_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, user_id)
);

-- The duty log (坐班日志): visitors, what they asked, what was done.
CREATE TABLE duty_log (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  at BIGINT NOT NULL,
  visitor TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  request TEXT NOT NULL,
  action TEXT NOT NULL DEFAULT '',
  entered_by INTEGER NOT NULL REFERENCES users(id),
  appeal_number VARCHAR(24) NOT NULL DEFAULT ''
);
CREATE INDEX duty_log_org ON duty_log(org_id, at);

-- Posts: 便民服务岗, 志愿服务岗, 公益性岗位, 护林员.
CREATE TABLE duty_post (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  kind VARCHAR(12) NOT NULL CHECK (kind IN ('convenience', 'volunteer', 'welfare', 'ranger')),
  title TEXT NOT NULL,
  holder TEXT NOT NULL DEFAULT '',
  hours TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX duty_post_org ON duty_post(org_id, kind);

-- 我为群众办实事: promised deeds.
CREATE TABLE duty_deed (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES org(id),
  title TEXT NOT NULL,
  owner TEXT NOT NULL,
  promised_on VARCHAR(10) NOT NULL,
  done_on VARCHAR(10) NOT NULL DEFAULT '',
  is_public INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX duty_deed_org ON duty_deed(org_id, promised_on);

-- Personal iCalendar feed tokens (hashed).
CREATE TABLE duty_feed (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
  token_hash VARCHAR(64) NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
