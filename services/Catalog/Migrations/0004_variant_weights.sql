-- Each variant's shipping weight in grams, packaging included, for Shipping's quotes (BatchGetVariants).
-- 0 means not known: variants created before weights existed, and products created without one.
ALTER TABLE variants ADD COLUMN weight_grams bigint NOT NULL DEFAULT 0 CHECK (weight_grams >= 0 AND weight_grams <= 1000000);
