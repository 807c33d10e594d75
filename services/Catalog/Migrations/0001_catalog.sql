CREATE TABLE categories (
    category_id  uuid        PRIMARY KEY,
    parent_id    uuid        REFERENCES categories,
    name         text        NOT NULL,
    slug         text        NOT NULL UNIQUE,
    description  text        NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX categories_by_parent ON categories (parent_id);

-- Money is numeric with 9 decimal places: exactly ecommerce.common.v1.Money's units + nanos, in
-- the product's one currency (its variants' prices and sale prices share it).
CREATE TABLE products (
    product_id    uuid          PRIMARY KEY,
    name          text          NOT NULL,
    description   text          NOT NULL,
    brand         text          NOT NULL,
    category_id   uuid          NOT NULL REFERENCES categories,
    currency_code text          NOT NULL,
    base_price    numeric(28,9) NOT NULL,
    options       jsonb         NOT NULL, -- [{"name": "size", "values": ["S", "M"]}, ...]
    image_urls    text[]        NOT NULL,
    created_at    timestamptz   NOT NULL,
    updated_at    timestamptz   NOT NULL,
    -- Increases with every change: the etag, and the version of ProductSnapshot events.
    version       bigint        NOT NULL
);
CREATE INDEX products_newest ON products (created_at DESC, product_id DESC);
CREATE INDEX products_by_category ON products (category_id, created_at DESC, product_id DESC);

-- One row per SKU, stock included: a reservation is one conditional UPDATE of this row, and the
-- CHECKs make overselling impossible even for a bug in the code above them.
CREATE TABLE variants (
    sku            text          PRIMARY KEY,
    product_id     uuid          NOT NULL REFERENCES products ON DELETE CASCADE,
    position       int           NOT NULL,
    options        jsonb         NOT NULL, -- {"size": "M", "colour": "red"}
    price          numeric(28,9) NOT NULL,
    sale_price     numeric(28,9),
    sale_starts_at timestamptz,
    sale_ends_at   timestamptz,
    image_urls     text[]        NOT NULL,
    on_hand        bigint        NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved       bigint        NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
);
CREATE INDEX variants_by_product ON variants (product_id, position);

-- One reservation per order: the order id is the idempotency key.
CREATE TABLE reservations (
    order_id       text        PRIMARY KEY,
    reservation_id uuid        NOT NULL UNIQUE,
    status         text        NOT NULL CHECK (status IN ('reserved', 'committed', 'released', 'expired')),
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    settled_at     timestamptz
);
CREATE INDEX reservations_expiring ON reservations (expires_at) WHERE status = 'reserved';

-- No foreign key to variants: a settled reservation outlives a deleted product.
CREATE TABLE reservation_lines (
    order_id  text   NOT NULL REFERENCES reservations ON DELETE CASCADE,
    sku       text   NOT NULL,
    quantity  bigint NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);

CREATE TABLE stock_adjustments (
    adjustment_id bigserial   PRIMARY KEY,
    sku           text        NOT NULL,
    delta         bigint      NOT NULL,
    reason        text        NOT NULL,
    adjusted_by   text        NOT NULL,
    adjusted_at   timestamptz NOT NULL
);
