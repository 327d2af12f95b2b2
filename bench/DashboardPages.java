import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the dashboard's heaviest pages cost the server (issue 16's performance targets): an
 * organization with WEBHOOKS webhooks, each attempted in every minute of the last hour (so the
 * health figures read an hour of rollups for each), and one webhook with DELIVERIES deliveries of
 * one attempt each. The rows are written straight into the store through JDBC (the server running,
 * idle), then each page's calls are timed from a loopback client: WARMUP untimed, then RUNS timed,
 * one at a time, reporting the median and the worst.
 *
 *   java -cp target/heliograph.jar bench/DashboardPages.java <base url> <api key> <jdbc url> [webhooks=1000] [deliveries=1000000] [runs=50]
 *
 * Bounded in count and time; loopback only (the webhooks point at 127.0.0.1:9 and are never sent to).
 */
public class DashboardPages {
    static final int WARMUP = 10;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        String jdbcUrl = args[2];
        int webhooks = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int deliveries = args.length > 4 ? Integer.parseInt(args[4]) : 1_000_000;
        int runs = args.length > 5 ? Integer.parseInt(args[5]) : 50;
        HttpClient client = HttpClient.newHttpClient();

        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < webhooks; i++) {
            String body = "{\"destination\":\"http://127.0.0.1:9/hook/" + i + "\",\"config\":{\"propertyFilters\":[{\"key\":\"env\",\"value\":\"prod\"}]}}";
            String answer = send(client, "POST", base + "/v1/webhooks", key, body).body();
            Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(answer);
            if (!m.find()) {
                throw new IllegalStateException("could not create a webhook: " + answer);
            }
            ids.add(m.group(1));
        }
        System.out.printf(Locale.ROOT, "created %d webhooks in %.1f s%n", webhooks, (System.nanoTime() - t0) / 1e9);
        String busy = ids.get(ids.size() - 1);

        t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            String org;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT org_id FROM webhooks WHERE id = '" + busy + "'")) {
                rs.next();
                org = rs.getString(1);
            }
            long now = System.currentTimeMillis();
            long minuteNow = now / 60_000 * 60_000;
            try (PreparedStatement rollup = c.prepareStatement("INSERT INTO attempt_rollups (webhook_id, minute, latency_bucket, org_id, attempts, successes) VALUES (?, ?, ?, ?, ?, ?)");
                    PreparedStatement slots = c.prepareStatement("INSERT INTO attempt_rollups_10m (webhook_id, slot, latency_bucket, org_id, attempts, successes) VALUES (?, ?, ?, ?, ?, ?)");
                    PreparedStatement activity = c.prepareStatement("INSERT INTO webhook_activity (webhook_id, org_id, last_attempt_at) VALUES (?, ?, ?)")) {
                for (String id : ids) {
                    for (int m = 0; m < 60; m++) {
                        for (int b = 12; b < 15; b++) {
                            rollup.setString(1, id);
                            rollup.setLong(2, minuteNow - m * 60_000L);
                            rollup.setInt(3, b);
                            rollup.setString(4, org);
                            rollup.setLong(5, 10);
                            rollup.setLong(6, 9);
                            rollup.addBatch();
                        }
                    }
                    rollup.executeBatch();
                    for (int slot = 0; slot < 7; slot++) {
                        for (int b = 12; b < 15; b++) {
                            slots.setString(1, id);
                            slots.setLong(2, now / 600_000 * 600_000 - slot * 600_000L);
                            slots.setInt(3, b);
                            slots.setString(4, org);
                            slots.setLong(5, 100);
                            slots.setLong(6, 90);
                            slots.addBatch();
                        }
                    }
                    slots.executeBatch();
                    activity.setString(1, id);
                    activity.setString(2, org);
                    activity.setLong(3, now);
                    activity.addBatch();
                }
                activity.executeBatch();
            }
            c.commit();
            try (PreparedStatement d = c.prepareStatement("INSERT INTO deliveries (id, org_id, webhook_id, request_id, status, attempts_count, "
                    + "next_attempt_at, created_at, updated_at, last_status_code) VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?)");
                    PreparedStatement a = c.prepareStatement("INSERT INTO delivery_attempts (delivery_id, attempt, org_id, webhook_id, "
                            + "attempted_at, status_code, latency_ms, error, response_body) VALUES (?, 1, ?, ?, ?, ?, ?, NULL, ?)")) {
                long first = now - deliveries * 100L;
                for (int i = 0; i < deliveries; i++) {
                    String id = String.format(Locale.ROOT, "msg_%032x", i);
                    long at = first + i * 100L;
                    boolean failed = i % 50 == 0;
                    d.setString(1, id);
                    d.setString(2, org);
                    d.setString(3, busy);
                    d.setString(4, java.util.UUID.nameUUIDFromBytes(id.getBytes()).toString());
                    d.setString(5, failed ? "failed" : "delivered");
                    d.setLong(6, at);
                    d.setLong(7, at);
                    d.setInt(8, failed ? 500 : 200);
                    d.addBatch();
                    a.setString(1, id);
                    a.setString(2, org);
                    a.setString(3, busy);
                    a.setLong(4, at);
                    a.setInt(5, failed ? 500 : 200);
                    a.setLong(6, 20 + i % 30);
                    a.setString(7, failed ? "upstream error" : "ok");
                    a.addBatch();
                    if (i % 10_000 == 9_999) {
                        d.executeBatch();
                        a.executeBatch();
                        c.commit();
                    }
                }
                d.executeBatch();
                a.executeBatch();
                c.commit();
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            c.commit();
        }
        System.out.printf(Locale.ROOT, "seeded %d deliveries and %d webhooks' last hour of rollups in %.1f s%n", deliveries, webhooks,
                (System.nanoTime() - t0) / 1e9);

        time(client, runs, "webhooks page: GET /v1/webhooks (" + webhooks + ")", base + "/v1/webhooks", key);
        time(client, runs, "webhooks page: GET /v1/webhooks/health (" + webhooks + ", last hour)", base + "/v1/webhooks/health", key);
        time(client, runs, "webhook page: first page of " + deliveries + " deliveries", base + "/v1/webhooks/" + busy + "/deliveries?limit=50", key);
        time(client, runs, "webhook page: first page, status=failed", base + "/v1/webhooks/" + busy + "/deliveries?limit=50&status=failed", key);
        time(client, runs, "webhook page: series, last hour", base + "/v1/webhooks/" + busy + "/series?window=hour", key);
        time(client, runs, "webhook page: series, last day", base + "/v1/webhooks/" + busy + "/series?window=day", key);
        time(client, runs, "API only: stats (exact, from the raw attempts)", base + "/v1/webhooks/" + busy + "/stats", key);
    }

    static void time(HttpClient client, int runs, String what, String url, String key) throws Exception {
        List<Double> ms = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < WARMUP + runs; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = send(client, "GET", url, key, null);
            double took = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(what + ": HTTP " + r.statusCode() + " " + r.body());
            }
            bytes = r.body().length();
            if (i >= WARMUP) {
                ms.add(took);
            }
        }
        Collections.sort(ms);
        System.out.printf(Locale.ROOT, "%-62s median %7.1f ms   max %7.1f ms   (%d runs, %,d bytes)%n", what, ms.get(ms.size() / 2),
                ms.get(ms.size() - 1), runs, bytes);
    }

    static HttpResponse<String> send(HttpClient client, String method, String url, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
