package io.heliograph.delivery;

import io.heliograph.store.Columns;
import io.heliograph.store.Database;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Attempts counted per webhook, minute and latency bucket ({@link LatencyBuckets}), written in the
 * same transaction as the attempts themselves, and the reads the dashboard makes of them: a
 * webhook's time series and every webhook's last hour. Reads aggregate in SQL over these rows, so
 * their cost follows the minutes asked for, not the number of attempts.
 */
public final class AttemptRollups {
    static final long MINUTE_MS = 60_000;
    /** The coarser rows' width: an organization's last hour is read from these. */
    static final long SLOT_MS = 10 * MINUTE_MS;

    private final Database database;
    private final Jdbi jdbi;

    AttemptRollups(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
    }

    /** One row: a webhook, the start of its minute or slot, a latency bucket. */
    private record Cell(String webhookId, long start, int bucket) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell o) {
            int c = webhookId.compareTo(o.webhookId);
            if (c != 0) {
                return c;
            }
            c = Long.compare(start, o.start);
            return c != 0 ? c : Integer.compare(bucket, o.bucket);
        }
    }

    /**
     * Adds the attempts to their rows. Rows are written in one order (webhook, minute, bucket) whatever
     * the attempts' order, so two nodes' recorders never wait for each other in a circle.
     */
    void add(Handle h, List<DeliveryStore.Recorded> attempts) {
        Map<String, String> orgOf = new HashMap<>();
        Map<String, Long> lastAt = new TreeMap<>();
        for (DeliveryStore.Recorded r : attempts) {
            orgOf.put(r.claimed().webhookId(), r.claimed().orgId());
            lastAt.merge(r.claimed().webhookId(), r.attempt().attemptedAt(), Math::max);
        }
        upsert(h, "attempt_rollups", "minute", MINUTE_MS, attempts, orgOf);
        upsert(h, "attempt_rollups_10m", "slot", SLOT_MS, attempts, orgOf);
        try (var activity = h.getConnection().prepareStatement(
                "INSERT INTO webhook_activity (webhook_id, org_id, last_attempt_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT (webhook_id) DO UPDATE SET last_attempt_at = "
                        + database.dialect().greatest("webhook_activity.last_attempt_at", "excluded.last_attempt_at"))) {
            for (Map.Entry<String, Long> e : lastAt.entrySet()) {
                activity.setString(1, e.getKey());
                activity.setString(2, orgOf.get(e.getKey()));
                activity.setLong(3, e.getValue());
                activity.addBatch();
            }
            activity.executeBatch();
        } catch (SQLException e) {
            throw Columns.failed(e);
        }
    }

    /**
     * Adds the attempts to the table's rows of {@code widthMs}, one statement for all; plain JDBC, on
     * the attempt recorder's thread like the attempts' own statements (see DeliveryStore#recordAttempts).
     */
    private static void upsert(Handle h, String table, String column, long widthMs, List<DeliveryStore.Recorded> attempts,
            Map<String, String> orgOf) {
        Map<Cell, long[]> cells = new TreeMap<>();
        for (DeliveryStore.Recorded r : attempts) {
            Attempt a = r.attempt();
            long[] c = cells.computeIfAbsent(new Cell(r.claimed().webhookId(), Math.floorDiv(a.attemptedAt(), widthMs) * widthMs,
                    LatencyBuckets.of(a.latencyMs())), k -> new long[2]);
            c[0]++;
            c[1] += a.succeeded() ? 1 : 0;
        }
        try (var rows = h.getConnection().prepareStatement("INSERT INTO " + table + " (webhook_id, " + column
                + ", latency_bucket, org_id, attempts, successes) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (webhook_id, " + column + ", latency_bucket) DO UPDATE "
                + "SET attempts = " + table + ".attempts + excluded.attempts, successes = " + table + ".successes + excluded.successes")) {
            for (Map.Entry<Cell, long[]> e : cells.entrySet()) {
                Cell cell = e.getKey();
                rows.setString(1, cell.webhookId());
                rows.setLong(2, cell.start());
                rows.setInt(3, cell.bucket());
                rows.setString(4, orgOf.get(cell.webhookId()));
                rows.setLong(5, e.getValue()[0]);
                rows.setLong(6, e.getValue()[1]);
                rows.addBatch();
            }
            rows.executeBatch();
        } catch (SQLException e) {
            throw Columns.failed(e);
        }
    }

    /** One bucket of a series: its start, attempts that got a 2xx and the others, and latency percentiles (null: no attempt). */
    public record Point(long at, long succeeded, long failed, Long p50LatencyMs, Long p99LatencyMs) {
    }

    /** A series: its buckets, oldest first, and the whole window as one more (its {@code at}: the first bucket's). */
    public record Series(List<Point> points, Point total) {
    }

    /**
     * The webhook's attempts in {@code count} buckets of {@code widthMs} from {@code from} (a whole
     * minute), every bucket present, oldest first.
     */
    public Series series(String orgId, String webhookId, long from, long widthMs, int count) {
        Tally[] slots = new Tally[count];
        Arrays.setAll(slots, i -> new Tally());
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT (minute - :from) / :width AS slot, latency_bucket, SUM(attempts), SUM(successes)
                        FROM attempt_rollups
                        WHERE webhook_id = :webhook AND org_id = :org AND minute >= :from AND minute < :to
                        GROUP BY 1, 2""")
                .bind("from", from).bind("width", widthMs).bind("to", from + widthMs * count)
                .bind("webhook", webhookId).bind("org", orgId)
                .map((rs, ctx) -> new Sum(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)))
                .forEach(sum -> slots[Integer.parseInt(sum.key())].add(sum)));
        List<Point> points = new ArrayList<>(count);
        Tally all = new Tally();
        for (int i = 0; i < count; i++) {
            points.add(slots[i].point(from + i * widthMs));
            all.add(slots[i]);
        }
        return new Series(points, all.point(from));
    }

    /** A webhook's figures since a time: attempts, 2xx answers, p99 (null: none), and its last attempt ever (null: never). */
    public record Health(String webhookId, long attempts, long successes, Long p99LatencyMs, Long lastAttemptAt) {
    }

    /**
     * Every webhook of the organization that was ever attempted, with its figures since the start of
     * the ten-minute slot that holds {@code since} (so "the last hour" covers 60 to 70 minutes).
     */
    public List<Health> health(String orgId, long since) {
        Map<String, Tally> tallies = new HashMap<>();
        Map<String, Long> last = new TreeMap<>();
        jdbi.useHandle(h -> {
            h.createQuery("""
                            SELECT webhook_id, latency_bucket, SUM(attempts), SUM(successes) FROM attempt_rollups_10m
                            WHERE org_id = :org AND slot >= :since GROUP BY 1, 2""")
                    .bind("org", orgId).bind("since", Math.floorDiv(since, SLOT_MS) * SLOT_MS)
                    .map((rs, ctx) -> new Sum(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)))
                    .forEach(sum -> tallies.computeIfAbsent(sum.key(), k -> new Tally()).add(sum));
            h.createQuery("SELECT webhook_id, last_attempt_at FROM webhook_activity WHERE org_id = :org")
                    .bind("org", orgId)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                    .forEach(e -> last.put(e.getKey(), e.getValue()));
        });
        List<Health> out = new ArrayList<>();
        last.forEach((id, at) -> {
            Tally t = tallies.getOrDefault(id, new Tally());
            out.add(new Health(id, t.attempts, t.successes, t.percentile(0.99), at));
        });
        return out;
    }

    /** One row of a rollup read: what it is grouped by (a slot number or a webhook id), a latency bucket, and its sums. */
    private record Sum(String key, int bucket, long attempts, long successes) {
    }

    /** Attempts counted per latency bucket, and how many of them answered 2xx. */
    private static final class Tally {
        final long[] byBucket = new long[LatencyBuckets.count()];
        long attempts;
        long successes;

        void add(Sum sum) {
            byBucket[Math.min(sum.bucket(), byBucket.length - 1)] += sum.attempts();
            attempts += sum.attempts();
            successes += sum.successes();
        }

        void add(Tally other) {
            for (int b = 0; b < byBucket.length; b++) {
                byBucket[b] += other.byBucket[b];
            }
            attempts += other.attempts;
            successes += other.successes;
        }

        Long percentile(double p) {
            return LatencyBuckets.percentile(byBucket, p);
        }

        Point point(long at) {
            return new Point(at, successes, attempts - successes, percentile(0.50), percentile(0.99));
        }
    }

    /** Removes rows of minutes and slots that ended before {@code cutoff}, up to {@code limit} of each; answers how many. */
    int purgeBatch(Handle h, long cutoff, int limit) {
        return purge(h, "attempt_rollups", "minute", cutoff - MINUTE_MS, limit) + purge(h, "attempt_rollups_10m", "slot", cutoff - SLOT_MS, limit);
    }

    private static int purge(Handle h, String table, String column, long before, int limit) {
        return h.createUpdate("DELETE FROM " + table + " WHERE (webhook_id, " + column + ", latency_bucket) IN ("
                        + "SELECT webhook_id, " + column + ", latency_bucket FROM " + table + " WHERE " + column + " < :before LIMIT :limit)")
                .bind("before", before).bind("limit", limit).execute();
    }
}
