-- 一窗通 schema 3: the daily sheet and period reports count events and ratings by time.
CREATE INDEX events_at ON events(at);
CREATE INDEX ratings_at ON ratings(rated_at);
