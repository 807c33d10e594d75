-- One row per payment (an authorization and what followed it), keyed by the caller's idempotency key.
-- Amounts are in minor units (cents). No card number or CVC is ever stored: only the provider's token
-- travels through, and the card's brand and last four digits come back.
CREATE TABLE payments (
    payment_id uuid PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    request_fingerprint text NOT NULL,
    order_id text NOT NULL,
    user_id text NOT NULL,
    currency text NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    captured_minor bigint NOT NULL DEFAULT 0,
    refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor <= captured_minor),
    status text NOT NULL,
    provider_ref text UNIQUE,
    card_brand text NOT NULL DEFAULT '',
    card_last4 text NOT NULL DEFAULT '',
    decline_reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX payments_by_order ON payments (order_id, created_at);

-- Append-only: every state change of every payment, with who caused it.
CREATE TABLE payment_ledger (
    entry_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments,
    entry text NOT NULL,
    amount_minor bigint NOT NULL,
    status_after text NOT NULL,
    actor text NOT NULL,
    detail text NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL
);
CREATE INDEX payment_ledger_by_payment ON payment_ledger (payment_id, entry_id);

-- The idempotency keys of captures, voids and refunds: one operation per key.
CREATE TABLE payment_operations (
    idempotency_key text PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments,
    operation text NOT NULL,
    amount_minor bigint NOT NULL,
    recorded_at timestamptz NOT NULL
);

-- Webhook deliveries already handled: a provider delivers at least once.
CREATE TABLE webhook_deliveries (
    event_id text PRIMARY KEY,
    event_type text NOT NULL,
    received_at timestamptz NOT NULL
);

-- What reconciliation found, mended or not.
CREATE TABLE reconciliation_findings (
    finding_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id uuid,
    provider_ref text,
    finding text NOT NULL,
    repaired boolean NOT NULL,
    detail text NOT NULL,
    found_at timestamptz NOT NULL
);
