-- The latest available count per SKU from InventoryChanged. Stock events travel on their own topic
-- (keyed by SKU), so one may arrive before the product that introduces its SKU, or after a snapshot
-- that was built before it: the newest stock event, not the snapshot, says what is available.
CREATE TABLE stock_levels (
    sku       text   PRIMARY KEY,
    available bigint NOT NULL
);
