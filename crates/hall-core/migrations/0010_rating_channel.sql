-- 一窗通 schema 10: who rated, and the counter's rating screen (评价器).
-- (Number 9 is the hall network's: desks, request log, event desk.)

-- The channel a rating came through: 'screen', the citizen on the counter's rating screen, or
-- 'staff', keyed in at the window (窗口代录). Every rating before this schema was keyed in by
-- staff. A key the hall does not know is refused when read (store/pickup.rs).
ALTER TABLE ratings ADD COLUMN channel TEXT NOT NULL DEFAULT 'staff';
-- The citizen's reasons for a 差评 chosen on the screen, a JSON array of the vocabulary's
-- rating reasons ('[]' for none, and for every staff rating).
ALTER TABLE ratings ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';

-- The case a desk's rating screen offers: written in the transaction of the step that ends
-- the citizen's visit at that desk (出件, 即办, 不予受理) when the step came from a desk on the
-- hall network. The screen shows it for 60 seconds unless it is rated first; a later step at
-- another desk (a 即办 case handed out at the pickup window) moves the offer there.
CREATE TABLE rating_prompts (
    case_id    INTEGER PRIMARY KEY REFERENCES cases(id),
    desk       TEXT NOT NULL,
    offered_at TEXT NOT NULL
) STRICT;
CREATE INDEX rating_prompts_by_desk ON rating_prompts(desk, offered_at);
