package io.heliograph.delivery;

import static io.heliograph.store.Columns.nullableInt;
import static io.heliograph.store.Columns.nullableLong;

import io.heliograph.api.PageRequest;
import io.heliograph.store.Columns;
import io.heliograph.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** The outbox and its attempts: every delivery lives here, never only in memory. */
public final class DeliveryStore {
    /** A delivery the dispatcher has leased for one attempt, until {@code leaseUntil} (epoch ms). */
    public record Claimed(String id, String orgId, String webhookId, String requestId, int attemptsCount, long createdAt,
            long leaseUntil) {
    }

    /** What an attempt leads to: the delivery's next state. */
    public record Outcome(DeliveryStatus status, Long nextAttemptAt) {
    }

    private final Database database;
    private final Jdbi jdbi;
    /** Claims, releases and attempt records: losing one to a power cut only means sending again. */
    private final Jdbi bookkeeping;
    private final AttemptRollups rollups;
    private final LiveAttempts live = new LiveAttempts();

    /** Rows per transaction for work over many rows (cancelling a backlog, recovering): short writer holds. */
    static final int BATCH = 500;

    public DeliveryStore(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.bookkeeping = database.bookkeeping();
        this.rollups = new AttemptRollups(database);
    }

    /** Attempts told to listeners as they are recorded. */
    public LiveAttempts live() {
        return live;
    }

    /** The per-minute counts of attempts that the dashboard's charts and health figures read. */
    public AttemptRollups rollups() {
        return rollups;
    }

    /**
     * A delivery to create, due now, for one webhook and one new log (stored at {@code requestLoggedAt},
     * which keys the log's deliveries); {@code leasedBy} non-null when a node takes it at once.
     */
    public record New(String id, String orgId, String webhookId, String requestId, long requestLoggedAt, String leasedBy) {
    }

    /**
     * Inserts pending deliveries, due now, within their logs' own transaction: one prepared statement
     * for all. Those the dispatcher takes straight from the outbox are leased to it in the same
     * write, so no claim is needed (and a crash before their attempt leaves them to expire and be claimed).
     */
    public void insertAll(Handle h, List<New> rows, long now, long leaseMillis) {
        if (rows.isEmpty()) {
            return;
        }
        // Plain JDBC: this runs on the log-committer thread, inside every log transaction.
        try (var batch = h.getConnection().prepareStatement("""
                INSERT INTO deliveries (id, org_id, webhook_id, request_id, request_logged_at, status, attempts_count,
                    next_attempt_at, lease_until, leased_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)""")) {
            for (New row : rows) {
                batch.setString(1, row.id());
                batch.setString(2, row.orgId());
                batch.setString(3, row.webhookId());
                batch.setString(4, row.requestId());
                batch.setLong(5, row.requestLoggedAt());
                batch.setLong(6, now);
                Columns.setNullable(batch, 7, row.leasedBy() == null ? null : now + leaseMillis);
                batch.setString(8, row.leasedBy());
                batch.setLong(9, now);
                batch.setLong(10, now);
                batch.addBatch();
            }
            batch.executeBatch();
        } catch (SQLException e) {
            throw Columns.failed(e);
        }
    }

    /** A webhook with deliveries due now that no node holds. */
    public record Due(String orgId, String webhookId) {
    }

    /**
     * The enabled webhooks that have a delivery due now: one index probe per enabled webhook
     * (deliveries_due_by_webhook), which stops at its first due row — however long the backlog, and
     * whatever nodes hold leases on its rows (whether those are free is the claim's business, and a
     * claim is only tried for a webhook with room on this node). Disabled webhooks' deliveries wait
     * without being looked at.
     */
    public List<Due> dueWebhooks(long now) {
        return bookkeeping.withHandle(h -> h.createQuery("""
                        SELECT w.org_id, w.id FROM webhooks w
                        WHERE w.enabled = TRUE AND w.deleted_at IS NULL AND EXISTS (
                            SELECT 1 FROM deliveries d
                            WHERE d.org_id = w.org_id AND d.webhook_id = w.id AND d.status = 'pending'
                              AND d.next_attempt_at <= :now)""")
                .bind("now", now)
                .map((rs, ctx) -> new Due(rs.getString(1), rs.getString(2))).list());
    }

    /**
     * Leases up to {@code limit} of the webhook's due deliveries, oldest first, for {@code leaseMillis}
     * from now — this claim's now, however long the claims before it took. A lease that expired (its
     * node died mid-attempt) is taken again. Nothing is claimed for a webhook that is disabled or
     * deleted, whatever any node's memory of it says. On PostgreSQL, rows another node is leasing at
     * this moment are skipped rather than waited for.
     */
    public List<Claimed> claim(String node, Due webhook, long leaseMillis, int limit) {
        String sql = """
                UPDATE deliveries SET lease_until = :lease, leased_by = :node
                WHERE id IN (
                    SELECT c.id FROM deliveries c
                    WHERE c.org_id = :org AND c.webhook_id = :webhook AND c.status = 'pending' AND c.next_attempt_at <= :now
                      AND (c.lease_until IS NULL OR c.lease_until < :now)
                      AND EXISTS (SELECT 1 FROM webhooks w WHERE w.org_id = :org AND w.id = :webhook
                                  AND w.enabled = TRUE AND w.deleted_at IS NULL)
                    ORDER BY c.next_attempt_at LIMIT :limit""" + database.dialect().skipLocked("c") + """

                )
                RETURNING id, org_id, webhook_id, request_id, attempts_count, created_at, lease_until""";
        return bookkeeping.inTransaction(h -> {
            long now = database.clock().millis();
            return h.createQuery(sql)
                    .bind("lease", now + leaseMillis).bind("node", node).bind("now", now).bind("limit", limit)
                    .bind("org", webhook.orgId()).bind("webhook", webhook.webhookId())
                    .map((rs, ctx) -> new Claimed(rs.getString("id"), rs.getString("org_id"), rs.getString("webhook_id"),
                            rs.getString("request_id"), rs.getInt("attempts_count"), rs.getLong("created_at"),
                            rs.getLong("lease_until")))
                    .list();
        });
    }

    /**
     * This node is alive (one upsert); answers how many nodes said so since {@code aliveSince}, itself
     * included: what the cluster-wide caps are divided by.
     */
    public int heartbeat(String node, long now, long aliveSince) {
        return bookkeeping.inTransaction(h -> {
            h.createUpdate("INSERT INTO nodes (id, seen_at) VALUES (:id, :now) ON CONFLICT (id) DO UPDATE SET seen_at = :now")
                    .bind("id", node).bind("now", now).execute();
            h.createUpdate("DELETE FROM nodes WHERE seen_at < :stale").bind("stale", aliveSince - 3_600_000L).execute();
            return h.createQuery("SELECT COUNT(*) FROM nodes WHERE seen_at >= :since").bind("since", aliveSince)
                    .mapTo(Integer.class).one();
        });
    }

    /** This node stops: it no longer counts towards the share. */
    public void forgetNode(String node) {
        bookkeeping.useTransaction(h -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", node).execute());
    }

    /** Gives leases back without an attempt (shutdown, a disabled webhook, a wait that grew too long). */
    public void release(Collection<String> ids, String node) {
        if (ids.isEmpty()) {
            return;
        }
        bookkeeping.useTransaction(h -> h.createUpdate(
                        "UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE id IN (<ids>) AND leased_by = :node")
                .bindList("ids", List.copyOf(ids)).bind("node", node).execute());
    }

    /** Releases every lease of every node: only right for a store one process serves alone (SQLite). */
    public int releaseEveryLease() {
        return bookkeeping.inTransaction(h -> h.createUpdate("UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE leased_by IS NOT NULL")
                .execute());
    }

    /** Releases every lease this node still holds (graceful shutdown). */
    public int releaseAll(String node) {
        return bookkeeping.inTransaction(h -> h.createUpdate("UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE leased_by = :node")
                .bind("node", node).execute());
    }

    /** One finished attempt to record: the attempt, the delivery's next state, and what it says of the webhook's health. */
    public record Recorded(Claimed claimed, Attempt attempt, Outcome outcome, Health health) {
    }

    /** What an attempt says of its webhook: it works, it fails, or it asked to be disabled (410); NONE says nothing. */
    public enum Health { HEALTHY, FAILING, GONE, NONE }

    /**
     * Records many attempts and their deliveries' next states in one transaction, one prepared
     * statement per table; {@code health} applies each webhook's health changes in order (runs of
     * the same change once). An attempt counts only while {@code node} still holds its delivery's
     * lease: a node whose lease expired and was taken by another records nothing (its attempt was a
     * duplicate, which at-least-once allows), so it cannot overwrite the new holder's state or take its
     * attempt number. Answers, per record, whether it counted.
     */
    public List<Boolean> recordAttempts(String node, List<Recorded> records, BiConsumer<Handle, List<Recorded>> health) {
        long now = database.clock().millis();
        List<Recorded> written = new ArrayList<>(records.size());
        List<Boolean> result = database.attemptWriter().inTransaction(h -> {
            written.clear(); // a transaction tried again starts afresh
            // Plain JDBC, as the log committer's statements: through JDBI's batches, binding by name took
            // more of this thread's Java time than the statements themselves (docs/benchmarks.md, issue 17).
            int[] updated;
            try (var updates = h.getConnection().prepareStatement("""
                    UPDATE deliveries SET status = ?, attempts_count = ?, next_attempt_at = ?,
                        lease_until = NULL, leased_by = NULL, updated_at = ?, last_status_code = ?, last_error = ?
                    WHERE id = ? AND leased_by = ? AND COALESCE(status, '') = 'pending'""")) {
                // COALESCE keeps the planner on the primary key: with "status = 'pending'" a PostgreSQL plan
                // cached while few rows were pending used the pending-only index and scanned it whole for
                // each row once a million were (measured: ~2 deliveries/s recorded during a backlog drain).
                for (Recorded r : records) {
                    Attempt attempt = r.attempt();
                    updates.setString(1, r.outcome().status().wire());
                    updates.setInt(2, attempt.number());
                    Columns.setNullable(updates, 3, r.outcome().nextAttemptAt());
                    updates.setLong(4, now);
                    Columns.setNullable(updates, 5, attempt.statusCode());
                    updates.setString(6, attempt.error());
                    updates.setString(7, r.claimed().id());
                    updates.setString(8, node);
                    updates.addBatch();
                }
                updated = updates.executeBatch();
            } catch (SQLException e) {
                throw Columns.failed(e);
            }
            List<Boolean> counted = new ArrayList<>(records.size());
            List<Recorded> kept = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                boolean holds = updated[i] > 0;
                counted.add(holds);
                if (holds) {
                    kept.add(records.get(i));
                }
            }
            if (!kept.isEmpty()) {
                try (var attempts = h.getConnection().prepareStatement("""
                        INSERT INTO delivery_attempts (delivery_id, attempt, org_id, webhook_id, attempted_at, status_code,
                            latency_ms, error, response_body)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (delivery_id, attempt) DO NOTHING""")) {
                    for (Recorded r : kept) {
                        Claimed c = r.claimed();
                        Attempt attempt = r.attempt();
                        attempts.setString(1, c.id());
                        attempts.setInt(2, attempt.number());
                        attempts.setString(3, c.orgId());
                        attempts.setString(4, c.webhookId());
                        attempts.setLong(5, attempt.attemptedAt());
                        Columns.setNullable(attempts, 6, attempt.statusCode());
                        attempts.setLong(7, attempt.latencyMs());
                        attempts.setString(8, attempt.error());
                        attempts.setString(9, attempt.responseBody());
                        attempts.addBatch();
                    }
                    attempts.executeBatch();
                } catch (SQLException e) {
                    throw Columns.failed(e);
                }
                rollups.add(h, kept);
                health.accept(h, kept);
            }
            written.addAll(kept);
            return counted;
        });
        live.publish(written);
        return result;
    }

    /**
     * Cancels up to {@code limit} pending deliveries of a deleted webhook in one short transaction;
     * answers how many. Called until it answers less than the limit, so no statement holds the
     * embedded store's writer for long however large the backlog.
     */
    public int cancelPendingBatch(String orgId, String webhookId, int limit) {
        long now = database.clock().millis();
        return bookkeeping.inTransaction(h -> h.createUpdate("""
                        UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL,
                            updated_at = :now
                        WHERE id IN (SELECT id FROM deliveries
                                     WHERE org_id = :org AND webhook_id = :webhook AND status = 'pending' LIMIT :limit)""")
                .bind("now", now).bind("org", orgId).bind("webhook", webhookId).bind("limit", limit).execute());
    }

    /** Deleted webhooks that still have pending deliveries to cancel (left by a restart mid-way, for instance). */
    public List<Due> deletedWithPending() {
        return bookkeeping.withHandle(h -> h.createQuery("""
                        SELECT w.org_id, w.id FROM webhooks w
                        WHERE w.deleted_at IS NOT NULL AND EXISTS (
                            SELECT 1 FROM deliveries d WHERE d.org_id = w.org_id AND d.webhook_id = w.id AND d.status = 'pending')""")
                .map((rs, ctx) -> new Due(rs.getString(1), rs.getString(2))).list());
    }

    /** Queues one delivery again, now. Empty when the webhook has no such delivery. */
    public Optional<Delivery> retryNow(String orgId, String webhookId, String id) {
        long now = database.clock().millis();
        int updated = jdbi.inTransaction(h -> h.createUpdate("""
                        UPDATE deliveries SET status = 'pending', next_attempt_at = :now, updated_at = :now
                        WHERE org_id = :org AND webhook_id = :webhook AND id = :id AND status <> 'cancelled'""")
                .bind("now", now).bind("org", orgId).bind("webhook", webhookId).bind("id", id).execute());
        return updated == 0 ? Optional.empty() : find(orgId, webhookId, id);
    }

    /**
     * Queues again every failed delivery of the webhook created since {@code since}, {@value #BATCH}
     * at a time, each batch its own short transaction; answers how many.
     */
    public int recover(String orgId, String webhookId, long since) {
        int total = 0;
        int moved;
        do {
            long now = database.clock().millis();
            moved = jdbi.inTransaction(h -> h.createUpdate("""
                            UPDATE deliveries SET status = 'pending', next_attempt_at = :now, updated_at = :now
                            WHERE id IN (SELECT id FROM deliveries
                                         WHERE org_id = :org AND webhook_id = :webhook AND status = 'failed' AND created_at >= :since
                                         LIMIT :limit)""")
                    .bind("now", now).bind("org", orgId).bind("webhook", webhookId).bind("since", since).bind("limit", BATCH)
                    .execute());
            total += moved;
        } while (moved == BATCH);
        return total;
    }

    public Optional<Delivery> find(String orgId, String webhookId, String id) {
        List<Delivery> found = jdbi.withHandle(h -> withAttempts(h, h.createQuery(
                        "SELECT * FROM deliveries WHERE org_id = :org AND webhook_id = :webhook AND id = :id")
                .bind("org", orgId).bind("webhook", webhookId).bind("id", id)
                .map((rs, ctx) -> map(rs)).list()));
        return found.stream().findFirst();
    }

    public record Page(List<Delivery> items, String nextCursor) {
    }

    /** The most deliveries {@link #forRequest} answers for one log. */
    public static final int MAX_PER_REQUEST = 1000;

    /**
     * The deliveries one log triggered, to every webhook of the organization, oldest first, with their
     * attempts; at most {@link #MAX_PER_REQUEST} (one per matching webhook, through an index).
     */
    public List<Delivery> forRequest(String orgId, String requestId) {
        // Through the log's row: its deliveries are indexed by when it was stored, then its id.
        return jdbi.withHandle(h -> withAttempts(h, h.createQuery("""
                        SELECT d.* FROM request_logs l
                        JOIN deliveries d ON d.org_id = l.org_id AND d.request_logged_at = l.logged_at AND d.request_id = l.id
                        WHERE l.org_id = :org AND l.id = :request
                        ORDER BY d.created_at, d.id LIMIT :limit""")
                .bind("org", orgId).bind("request", requestId).bind("limit", MAX_PER_REQUEST)
                .map((rs, ctx) -> map(rs)).list()));
    }

    /** The webhook's deliveries, newest first, with their attempts. */
    public Page page(String orgId, String webhookId, Optional<DeliveryStatus> status, PageRequest page) {
        StringBuilder sql = new StringBuilder("SELECT * FROM deliveries d WHERE d.org_id = :org AND d.webhook_id = :webhook");
        status.ifPresent(s -> sql.append(" AND d.status = :status"));
        page.after().ifPresent(a -> sql.append(" AND (d.created_at < :after_time OR (d.created_at = :after_time AND d.id < :after_id))"));
        sql.append(" ORDER BY d.created_at DESC, d.id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("org", orgId).bind("webhook", webhookId).bind("limit", page.limit() + 1);
            status.ifPresent(s -> q.bind("status", s.wire()));
            page.after().ifPresent(a -> q.bind("after_time", a.time()).bind("after_id", a.id()));
            List<Delivery> rows = q.map((rs, ctx) -> map(rs)).list();
            if (rows.size() <= page.limit()) {
                return new Page(withAttempts(h, rows), null);
            }
            List<Delivery> items = withAttempts(h, rows.subList(0, page.limit()));
            Delivery last = items.get(items.size() - 1);
            return new Page(items, new PageRequest.Position(last.createdAt(), last.id()).encode());
        });
    }

    /**
     * The webhook's attempts since {@code since}, aggregated in SQL: one row per distinct latency (and
     * side of {@code recentSince}), so what is read stays bounded however many attempts a day holds.
     */
    public AttemptStats stats(String orgId, String webhookId, long since, long recentSince) {
        AttemptStats stats = new AttemptStats();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT latency_ms, CASE WHEN attempted_at >= :recent THEN 1 ELSE 0 END AS recent, COUNT(*) AS n,
                            SUM(CASE WHEN status_code >= 200 AND status_code < 300 THEN 1 ELSE 0 END) AS ok
                        FROM delivery_attempts
                        WHERE org_id = :org AND webhook_id = :webhook AND attempted_at >= :since
                        GROUP BY 1, 2 ORDER BY 1""")
                .bind("org", orgId).bind("webhook", webhookId).bind("since", since).bind("recent", recentSince)
                .map((rs, ctx) -> new AttemptStats.Row(rs.getLong(1), rs.getInt(2) == 1, rs.getLong(3), rs.getLong(4)))
                .forEach(stats::add));
        return stats;
    }

    /**
     * Removes up to {@code limit} deliveries created before {@code cutoff} that have ended (delivered,
     * failed, cancelled), with their attempts, in one short transaction; returns how many. A delivery
     * still pending — in flight, waiting for a retry, or for its webhook to be enabled — is never
     * removed. Retention calls it until it returns less than the limit.
     */
    public int purgeBatch(long cutoff, int limit) {
        return bookkeeping.inTransaction(h -> {
            List<String> ids = h.createQuery("""
                            SELECT id FROM deliveries WHERE created_at < :cutoff AND status <> 'pending'
                            ORDER BY created_at LIMIT :limit""")
                    .bind("cutoff", cutoff).bind("limit", limit).mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM delivery_attempts WHERE delivery_id IN (<ids>)").bindList("ids", ids).execute();
            return h.createUpdate("DELETE FROM deliveries WHERE id IN (<ids>) AND status <> 'pending'").bindList("ids", ids).execute();
        });
    }

    /** Removes up to {@code limit} per-minute attempt counts of minutes before {@code cutoff}; answers how many. */
    public int purgeRollupsBatch(long cutoff, int limit) {
        return bookkeeping.inTransaction(h -> rollups.purgeBatch(h, cutoff, limit));
    }

    public record Backlog(long pending, Long oldestDueAt) {
    }

    public Backlog backlog() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*), MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'")
                .map((rs, ctx) -> new Backlog(rs.getLong(1), nullableLong(rs, 2))).one());
    }

    private static List<Delivery> withAttempts(Handle h, List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return deliveries;
        }
        Map<String, List<Attempt>> attempts = new LinkedHashMap<>();
        h.createQuery("SELECT delivery_id, attempt, attempted_at, status_code, latency_ms, error, response_body "
                        + "FROM delivery_attempts WHERE delivery_id IN (<ids>) ORDER BY delivery_id, attempt")
                .bindList("ids", deliveries.stream().map(Delivery::id).toList())
                .map((rs, ctx) -> Map.entry(rs.getString(1), new Attempt(rs.getInt(2), rs.getLong(3), nullableInt(rs, 4),
                        rs.getLong(5), rs.getString(6), rs.getString(7))))
                .forEach(e -> attempts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return deliveries.stream().map(d -> new Delivery(d.id(), d.orgId(), d.webhookId(), d.requestId(), d.status(),
                d.attemptsCount(), d.nextAttemptAt(), d.createdAt(), attempts.getOrDefault(d.id(), List.of()))).toList();
    }

    private static Delivery map(ResultSet rs) throws SQLException {
        return new Delivery(rs.getString("id"), rs.getString("org_id"), rs.getString("webhook_id"), rs.getString("request_id"),
                DeliveryStatus.parse(rs.getString("status")).orElseThrow(), rs.getInt("attempts_count"),
                nullableLong(rs, "next_attempt_at"), rs.getLong("created_at"), List.of());
    }
}
