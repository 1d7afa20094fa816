-- Who entered and left each segment, in order, for audience-sync destinations (a CRM import,
-- a LINE multicast list): each sync posts the changes after the last one it sent. Kept 30 days.
CREATE TABLE membership_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  segment TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  user_id TEXT,
  entered INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX membership_log_segment ON membership_log (segment, id);

CREATE TABLE sync_state (
  destination TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL,
  last_at INTEGER NOT NULL
);
