-- A webhook's filter expression (SPEC §8) as the compact JSON it was given; NULL for none.
ALTER TABLE webhooks ADD COLUMN filter_expr TEXT;
