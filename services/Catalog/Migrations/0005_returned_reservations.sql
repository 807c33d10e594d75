-- A committed reservation whose units went back on hand (ReturnStock: a paid order cancelled before it shipped).
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
    CHECK (status IN ('reserved', 'committed', 'released', 'expired', 'returned'));
