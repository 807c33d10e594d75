-- The read model: one row per product, built from catalog events only, shaped for search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE products (
    product_id      text        PRIMARY KEY,
    -- ProductSnapshot.version of what the row holds; older events are ignored.
    version         bigint      NOT NULL,
    -- A deleted product stays as a tombstone, so a late, older update cannot bring it back.
    deleted         boolean     NOT NULL DEFAULT false,
    name            text        NOT NULL,
    description     text        NOT NULL,
    brand           text        NOT NULL,
    category_id     text        NOT NULL,
    -- Root to category_id, so a category filter matches sub-categories.
    category_path   text[]      NOT NULL,
    image_url       text        NOT NULL,
    created_at      timestamptz NOT NULL,
    -- "name=value" for every option value of every variant, e.g. "colour=red".
    attributes      text[]      NOT NULL,
    -- The option values alone, space separated, for full-text search.
    attribute_text  text        NOT NULL,
    -- Maintained from the variants table: the lowest effective price (null without variants) and
    -- whether any variant can be bought.
    currency_code   text,
    price           numeric,
    in_stock        boolean     NOT NULL,
    document        tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A') ||
        setweight(to_tsvector('english', brand), 'B') ||
        setweight(to_tsvector('english', attribute_text), 'C') ||
        setweight(to_tsvector('english', description), 'D')) STORED,
    -- What typo-tolerant matching compares with: the words a shopper is most likely to type.
    fuzzy_text      text        GENERATED ALWAYS AS (lower(name || ' ' || brand)) STORED
);
CREATE INDEX products_document ON products USING gin (document);
CREATE INDEX products_fuzzy_text ON products USING gin (fuzzy_text gin_trgm_ops);
CREATE INDEX products_category_path ON products USING gin (category_path);
CREATE INDEX products_attributes ON products USING gin (attributes);
CREATE INDEX products_name_prefix ON products (lower(name) text_pattern_ops);
CREATE INDEX products_newest ON products (created_at DESC, product_id);
CREATE INDEX products_price ON products (price, product_id);

CREATE TABLE variants (
    sku             text        PRIMARY KEY,
    product_id      text        NOT NULL,
    currency_code   text        NOT NULL,
    effective_price numeric     NOT NULL,
    available       bigint      NOT NULL
);
CREATE INDEX variants_by_product ON variants (product_id);
