-- Sign-in failures were counted per address alone, so anyone could lock an owner out with five wrong
-- passwords. They are now counted per address and client; a client that signed in to an address before
-- is remembered, so a flood of failures from elsewhere never stops it.
DROP TABLE login_failures;

CREATE TABLE login_failures (
    email_normalized text        NOT NULL,
    client           text        NOT NULL,
    failures         int         NOT NULL,
    first_failure_at timestamptz NOT NULL,
    locked_until     timestamptz,
    PRIMARY KEY (email_normalized, client)
);

CREATE TABLE login_known_clients (
    email_normalized text        NOT NULL,
    client           text        NOT NULL,
    last_sign_in_at  timestamptz NOT NULL,
    PRIMARY KEY (email_normalized, client)
);
