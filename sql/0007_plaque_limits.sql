-- 0007_plaque_limits: 改 — how many plaques may hang outside the door and inside
-- (domain rules §7: at most 4 and 4; room signs unlimited), set per township
-- beside its plaque list (a township without a plaque_policy row keeps the
-- defaults); a plaque's legal basis and whether it has a real function; and the
-- index that answers "is this upload a center photo" (public) for /uploads/{sha}.
ALTER TABLE plaque_policy ADD COLUMN max_exterior INTEGER NOT NULL DEFAULT 4 CHECK (max_exterior BETWEEN 0 AND 20);
ALTER TABLE plaque_policy ADD COLUMN max_interior INTEGER NOT NULL DEFAULT 4 CHECK (max_interior BETWEEN 0 AND 20);
ALTER TABLE plaque ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE plaque ADD COLUMN has_real_function INTEGER NOT NULL DEFAULT 1 CHECK (has_real_function IN (0, 1));
CREATE INDEX center_photo_sha ON center_photo(sha256);
