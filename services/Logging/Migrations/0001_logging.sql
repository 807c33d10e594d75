-- Every service's log records, one partition per UTC day (created ahead by PartitionKeeper, dropped after the
-- retention), and what the error analysis keeps per error group.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SEQUENCE log_records_id_seq;

CREATE TABLE log_records (
    id bigint NOT NULL DEFAULT nextval('log_records_id_seq'),
    -- When the service logged it.
    time timestamptz NOT NULL,
    -- When it was stored here: what TailLogs follows.
    ingested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    service text NOT NULL,
    instance text NOT NULL,
    -- ecommerce.events.v1.LogLevel.
    level smallint NOT NULL CHECK (level BETWEEN 0 AND 6),
    category text NOT NULL,
    message text NOT NULL,
    template text NOT NULL,
    attributes jsonb NOT NULL,
    exception_type text NOT NULL,
    exception text NOT NULL,
    trace_id text NOT NULL,
    span_id text NOT NULL,
    -- Set on errors (level 5 and 6): their group in error_groups.
    fingerprint text
) PARTITION BY RANGE (time);

CREATE INDEX log_records_time ON log_records (time DESC, id DESC);
CREATE INDEX log_records_service_time ON log_records (service, time DESC, id DESC);
CREATE INDEX log_records_trace ON log_records (trace_id) WHERE trace_id <> '';
CREATE INDEX log_records_ingested ON log_records (ingested_at, id);
CREATE INDEX log_records_message ON log_records USING gin (message gin_trgm_ops);

-- Errors with the same exception type, message template and top frame of the shop's own code.
CREATE TABLE error_groups (
    fingerprint text PRIMARY KEY,
    exception_type text NOT NULL,
    template text NOT NULL,
    top_frame text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL CHECK (last_seen >= first_seen),
    example_trace_id text NOT NULL,
    example_message text NOT NULL
);

CREATE TABLE error_counts (
    fingerprint text NOT NULL REFERENCES error_groups ON DELETE CASCADE,
    service text NOT NULL,
    minute timestamptz NOT NULL CHECK (minute = date_trunc('minute', minute)),
    count bigint NOT NULL CHECK (count > 0),
    PRIMARY KEY (fingerprint, service, minute)
);

CREATE INDEX error_counts_minute ON error_counts (minute, service);

-- The spikes already announced, so each is announced once.
CREATE TABLE error_spikes (
    service text NOT NULL,
    minute timestamptz NOT NULL,
    errors bigint NOT NULL,
    baseline_per_minute double precision NOT NULL,
    PRIMARY KEY (service, minute)
);

-- The next Kafka offset to read per partition of the logs topic, written in the transaction that stores the records
-- before it: a redelivered record is never stored twice.
CREATE TABLE log_offsets (
    topic text NOT NULL,
    partition integer NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);
