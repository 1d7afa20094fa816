-- The audience index: one row per visitor (profile key) with what marketers query across
-- visitors. Written only by the queue consumer, from Profile objects' changes; `version`
-- orders the writes of one visitor, so a late message never rolls a row back, and an erased
-- visitor stays a tombstone (erased = 1, no data) that no late message can resurrect.
CREATE TABLE visitors (
  visitor_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  erased INTEGER NOT NULL DEFAULT 0,
  user_id TEXT,
  intent REAL,
  intent_factors TEXT,
  engagement INTEGER,
  rfm TEXT,
  orders INTEGER,
  value REAL,
  top_category TEXT,
  last_seen INTEGER,
  traits TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX visitors_intent ON visitors (intent DESC, visitor_id) WHERE erased = 0;
CREATE INDEX visitors_engagement ON visitors (engagement DESC, visitor_id) WHERE erased = 0;
CREATE INDEX visitors_value ON visitors (value DESC, visitor_id) WHERE erased = 0;
CREATE INDEX visitors_recency ON visitors (last_seen DESC, visitor_id) WHERE erased = 0;
CREATE INDEX visitors_tombstones ON visitors (updated_at) WHERE erased = 1;

-- Which segments each visitor holds, and since when.
CREATE TABLE memberships (
  segment TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (segment, visitor_id)
);
CREATE INDEX memberships_visitor ON memberships (visitor_id);

-- Each segment's size per day (the Cron Trigger writes today's row every hour).
CREATE TABLE segment_sizes (
  day TEXT NOT NULL,
  segment TEXT NOT NULL,
  size INTEGER NOT NULL,
  identified INTEGER NOT NULL,
  PRIMARY KEY (segment, day)
);
