-- Retention removes the oldest logs and deliveries in small batches: find them by age without a scan.
CREATE INDEX request_logs_by_logged_at ON request_logs (logged_at);
CREATE INDEX deliveries_by_created_at ON deliveries (created_at);
