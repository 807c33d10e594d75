-- Each record's run (its sender's process start) and sequence number within it (ecommerce.events.v1.LogRecord
-- run_id and sequence), so that the records a sender lost show as gaps: per run, highest sequence minus distinct
-- sequences received must be no more than the DroppedRecords it reported. '' and 0 from a sender that does not number.
ALTER TABLE log_records ADD COLUMN run_id text NOT NULL DEFAULT '';
ALTER TABLE log_records ADD COLUMN sequence bigint NOT NULL DEFAULT 0 CHECK (sequence >= 0);

-- The gap count per run reads only this index; records without a run are left out of it.
CREATE INDEX log_records_run_sequence ON log_records (run_id, sequence) WHERE run_id <> '';
