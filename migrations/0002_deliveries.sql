-- Messages sent by triggers: one row per occurrence (its id is the webhook-id), its attempts,
-- and where it ended — delivered, failed (will retry), or dead (gave up after 24 hours, or a
-- receiver that refused it for good). Written by the delivery queue's consumer.
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  trigger TEXT NOT NULL,
  destination TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX deliveries_recent ON deliveries (updated_at DESC);
CREATE INDEX deliveries_status ON deliveries (status, updated_at DESC);

-- Each trigger's decisions per day: sent, delivered, held out, deferred, skipped, failed.
CREATE TABLE trigger_counts (
  trigger TEXT NOT NULL,
  day TEXT NOT NULL,
  outcome TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trigger, day, outcome)
);
