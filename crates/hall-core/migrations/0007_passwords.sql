-- Password age (等保2.0 身份鉴别: passwords are changed regularly): when each user's password was
-- last set. Accounts from before count from their creation.
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
UPDATE users SET password_changed_at = created_at;
