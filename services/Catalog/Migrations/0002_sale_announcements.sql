-- Whether the last announced effective price of the SKU was its sale price. SaleClock compares it
-- with the clock to announce a sale that starts or ends with no call to the service.
ALTER TABLE variants ADD COLUMN sale_announced boolean NOT NULL DEFAULT false;
CREATE INDEX variants_on_sale ON variants (sale_starts_at, sale_ends_at) WHERE sale_price IS NOT NULL;
