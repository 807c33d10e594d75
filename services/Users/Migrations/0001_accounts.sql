CREATE TABLE users (
    user_id          uuid        PRIMARY KEY,
    email            text        NOT NULL,
    email_normalized text        NOT NULL UNIQUE,
    password_hash    text        NOT NULL,
    display_name     text        NOT NULL,
    roles            text[]      NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE addresses (
    address_id   uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users ON DELETE CASCADE,
    label        text        NOT NULL,
    address      bytea       NOT NULL, -- ecommerce.common.v1.Address, protobuf
    is_default   boolean     NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX addresses_by_user ON addresses (user_id, created_at);

-- Failed sign-ins per email address, whether or not an account has it, so throttling says
-- nothing about which accounts exist.
CREATE TABLE login_failures (
    email_normalized text        PRIMARY KEY,
    failures         int         NOT NULL,
    first_failure_at timestamptz NOT NULL,
    locked_until     timestamptz
);

-- Refresh tokens are stored as SHA-256 hashes. Each use spends a token and issues the next one
-- in the same family; presenting a spent token again revokes the whole family.
CREATE TABLE refresh_tokens (
    token_hash   bytea       PRIMARY KEY,
    family_id    uuid        NOT NULL,
    user_id      uuid        NOT NULL REFERENCES users ON DELETE CASCADE,
    issued_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    spent_at     timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

-- ES256 signing keys, generated on first run. Old keys stay published until every token they
-- signed has expired.
CREATE TABLE signing_keys (
    key_id       text        PRIMARY KEY,
    private_key  bytea       NOT NULL, -- PKCS#8
    created_at   timestamptz NOT NULL,
    retired_at   timestamptz
);
