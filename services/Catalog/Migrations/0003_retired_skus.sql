-- Every SKU that was sold once and no longer is: a cart or an order holding it can tell "discontinued"
-- from "never existed" (BatchGetVariants). A trigger keeps it, so every way a variant goes (its
-- product deleted, cascading) is recorded without the code that deletes knowing. A SKU created again
-- is sold again: lookups prefer the live variant.
CREATE TABLE retired_skus (
    sku        text        PRIMARY KEY,
    retired_at timestamptz NOT NULL
);

CREATE FUNCTION retire_sku() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO retired_skus (sku, retired_at) VALUES (OLD.sku, now())
    ON CONFLICT (sku) DO UPDATE SET retired_at = excluded.retired_at;
    RETURN OLD;
END
$$;

CREATE TRIGGER variants_retired AFTER DELETE ON variants FOR EACH ROW EXECUTE FUNCTION retire_sku();
