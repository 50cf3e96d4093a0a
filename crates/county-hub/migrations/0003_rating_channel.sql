-- How each rating came in at the hall: 'screen', the citizen on the counter's rating screen
-- (评价器), or 'staff', keyed in at the window (窗口代录). Every rating the hub held before
-- was keyed in by staff, and a body without a channel (from a hall not yet upgraded) is one.
ALTER TABLE ratings ADD COLUMN channel text NOT NULL DEFAULT 'staff'
    CHECK (channel IN ('screen', 'staff'));
