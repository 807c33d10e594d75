-- Quotes: one row per option offered, owned by the customer it was made for, bookable until it expires.
-- Prices are exact decimals in the rate table's currency; the address is the contract's Address as JSON.
CREATE TABLE quotes (
    quote_id           uuid          PRIMARY KEY,
    user_id            text          NOT NULL,
    option             text          NOT NULL CHECK (option IN ('standard', 'express', 'overnight')),
    currency           text          NOT NULL,
    price              numeric(28,9) NOT NULL CHECK (price >= 0),
    address            jsonb         NOT NULL,
    skus               text[]        NOT NULL,
    quantities         bigint[]      NOT NULL CHECK (cardinality(skus) = cardinality(quantities)),
    weight_grams       bigint        NOT NULL CHECK (weight_grams > 0),
    zone               text          NOT NULL,
    estimated_delivery date          NOT NULL,
    created_at         timestamptz   NOT NULL,
    expires_at         timestamptz   NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX quotes_by_expiry ON quotes (expires_at);

-- Shipments: one per order (order_id is CreateShipment's idempotency key), booked at a quote's option, price,
-- address and items. Statuses are the carrier's words plus 'pending' (recorded, not yet confirmed by the carrier).
CREATE TABLE shipments (
    shipment_id          uuid          PRIMARY KEY,
    order_id             text          NOT NULL UNIQUE,
    user_id              text          NOT NULL,
    quote_id             uuid          NOT NULL REFERENCES quotes,
    option               text          NOT NULL,
    currency             text          NOT NULL,
    price                numeric(28,9) NOT NULL,
    address              jsonb         NOT NULL,
    skus                 text[]        NOT NULL,
    quantities           bigint[]      NOT NULL,
    weight_grams         bigint        NOT NULL,
    status               text          NOT NULL CHECK (status IN ('pending', 'label_created', 'picked_up', 'in_transit', 'out_for_delivery',
                                                              'delivered', 'exception', 'returned_to_sender', 'cancelled')),
    carrier              text          NOT NULL,
    carrier_ref          text          UNIQUE,
    tracking_number      text          NOT NULL DEFAULT '',
    label                bytea,
    label_content_type   text          NOT NULL DEFAULT '',
    reason               text          NOT NULL DEFAULT '',
    created_at           timestamptz   NOT NULL,
    updated_at           timestamptz   NOT NULL,
    delivered_at         timestamptz,
    return_status        text          CHECK (return_status IN ('label_issued', 'in_transit', 'received')),
    return_tracking      text          NOT NULL DEFAULT '',
    return_label         bytea,
    return_reason        text          NOT NULL DEFAULT '',
    return_created_at    timestamptz,
    return_received_at   timestamptz,
    CHECK (status <> 'delivered' OR delivered_at IS NOT NULL),
    CHECK (return_status IS NULL OR status = 'delivered')
);
CREATE INDEX shipments_by_order ON shipments (order_id, created_at);

-- What the carrier reported, each of its events once (a webhook repeats the whole history).
CREATE TABLE tracking_events (
    carrier_event_id text        PRIMARY KEY,
    -- The order the reports came in, for events within one second.
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    shipment_id      uuid        NOT NULL REFERENCES shipments,
    of_return        boolean     NOT NULL,
    status           text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    location         text        NOT NULL,
    description      text        NOT NULL
);
CREATE INDEX tracking_events_by_shipment ON tracking_events (shipment_id, occurred_at, seq);

-- Webhook deliveries already handled: a carrier delivers at least once.
CREATE TABLE webhook_deliveries (
    event_id    text        PRIMARY KEY,
    event_type  text        NOT NULL,
    received_at timestamptz NOT NULL
);
