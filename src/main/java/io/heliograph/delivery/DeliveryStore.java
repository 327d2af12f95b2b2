package io.heliograph.delivery;

import static io.heliograph.store.Columns.nullableInt;
import static io.heliograph.store.Columns.nullableLong;

import io.heliograph.http.PageRequest;
import io.heliograph.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** The outbox and its attempts: every delivery lives here, never only in memory. */
public final class DeliveryStore {
    /** A delivery the dispatcher has leased for one attempt. */
    public record Claimed(String id, String orgId, String webhookId, String requestId, int attemptsCount, long createdAt) {
    }

    /** What an attempt leads to: the delivery's next state. */
    public record Outcome(DeliveryStatus status, Long nextAttemptAt) {
    }

    private final Database database;
    private final Jdbi jdbi;
    /** Claims, releases and attempt records: losing one to a power cut only means sending again. */
    private final Jdbi bookkeeping;

    public DeliveryStore(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.bookkeeping = database.bookkeeping();
    }

    /** A delivery to create, due now, for one webhook and one new log; {@code leasedBy} non-null when a node takes it at once. */
    public record New(String id, String orgId, String webhookId, String requestId, String leasedBy) {
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
        var batch = h.prepareBatch("""
                INSERT INTO deliveries (id, org_id, webhook_id, request_id, status, attempts_count, next_attempt_at,
                    lease_until, leased_by, created_at, updated_at)
                VALUES (:id, :org, :webhook, :request, 'pending', 0, :now, :lease, :node, :now, :now)""");
        for (New row : rows) {
            batch.bind("id", row.id()).bind("org", row.orgId()).bind("webhook", row.webhookId()).bind("request", row.requestId())
                    .bind("now", now).bind("lease", row.leasedBy() == null ? null : now + leaseMillis)
                    .bind("node", row.leasedBy()).add();
        }
        batch.execute();
    }

    /** A webhook with deliveries due now that no node holds. */
    public record Due(String orgId, String webhookId) {
    }

    /**
     * The enabled webhooks that have a delivery due now and not leased: one index probe per enabled
     * webhook (deliveries_due_by_webhook), however long the backlog — a million pending rows cost
     * what a hundred do. Disabled webhooks' deliveries wait without being looked at.
     */
    public List<Due> dueWebhooks(long now) {
        return bookkeeping.withHandle(h -> h.createQuery("""
                        SELECT w.org_id, w.id FROM webhooks w
                        WHERE w.enabled = TRUE AND w.deleted_at IS NULL AND EXISTS (
                            SELECT 1 FROM deliveries d
                            WHERE d.org_id = w.org_id AND d.webhook_id = w.id AND d.status = 'pending'
                              AND d.next_attempt_at <= :now AND (d.lease_until IS NULL OR d.lease_until < :now))""")
                .bind("now", now)
                .map((rs, ctx) -> new Due(rs.getString(1), rs.getString(2))).list());
    }

    /**
     * Leases up to {@code limit} of the webhook's due deliveries, oldest first, for {@code leaseMillis}.
     * A lease that expired (its node died mid-attempt) is taken again. On PostgreSQL, rows another
     * node is leasing at this moment are skipped rather than waited for.
     */
    public List<Claimed> claim(String node, Due webhook, long now, long leaseMillis, int limit) {
        String sql = """
                UPDATE deliveries SET lease_until = :lease, leased_by = :node
                WHERE id IN (
                    SELECT c.id FROM deliveries c
                    WHERE c.org_id = :org AND c.webhook_id = :webhook AND c.status = 'pending' AND c.next_attempt_at <= :now
                      AND (c.lease_until IS NULL OR c.lease_until < :now)
                    ORDER BY c.next_attempt_at LIMIT :limit""" + database.dialect().skipLocked("c") + """

                )
                RETURNING id, org_id, webhook_id, request_id, attempts_count, created_at""";
        return bookkeeping.inTransaction(h -> h.createQuery(sql)
                .bind("lease", now + leaseMillis).bind("node", node).bind("now", now).bind("limit", limit)
                .bind("org", webhook.orgId()).bind("webhook", webhook.webhookId())
                .map((rs, ctx) -> new Claimed(rs.getString("id"), rs.getString("org_id"), rs.getString("webhook_id"),
                        rs.getString("request_id"), rs.getInt("attempts_count"), rs.getLong("created_at"))).list());
    }

    /** Gives a lease back without an attempt (shutdown, webhook at capacity or disabled). */
    public void release(String id, String node) {
        bookkeeping.useHandle(h -> h.createUpdate("UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE id = :id AND leased_by = :node")
                .bind("id", id).bind("node", node).execute());
    }

    /** Releases every lease of every node: only right for a store one process serves alone (SQLite). */
    public int releaseEveryLease() {
        return bookkeeping.withHandle(h -> h.createUpdate("UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE leased_by IS NOT NULL")
                .execute());
    }

    /** Releases every lease this node still holds (graceful shutdown). */
    public int releaseAll(String node) {
        return bookkeeping.withHandle(h -> h.createUpdate("UPDATE deliveries SET lease_until = NULL, leased_by = NULL WHERE leased_by = :node")
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
     * the same change once).
     */
    public void recordAttempts(List<Recorded> records, java.util.function.BiConsumer<Handle, List<Recorded>> health) {
        long now = database.clock().millis();
        bookkeeping.useTransaction(h -> {
            var attempts = h.prepareBatch("""
                    INSERT INTO delivery_attempts (delivery_id, attempt, org_id, webhook_id, attempted_at, status_code,
                        latency_ms, error, response_body)
                    VALUES (:id, :attempt, :org, :webhook, :at, :code, :latency, :error, :body)
                    ON CONFLICT (delivery_id, attempt) DO NOTHING""");
            var updates = h.prepareBatch("""
                    UPDATE deliveries SET status = :status, attempts_count = :attempts, next_attempt_at = :next,
                        lease_until = NULL, leased_by = NULL, updated_at = :now, last_status_code = :code, last_error = :error
                    WHERE id = :id AND COALESCE(status, '') = 'pending'""");
            // COALESCE keeps the planner on the primary key: with "status = 'pending'" a PostgreSQL plan
            // cached while few rows were pending used the pending-only index and scanned it whole for
            // each row once a million were (measured: ~2 deliveries/s recorded during a backlog drain).
            for (Recorded r : records) {
                Claimed c = r.claimed();
                Attempt attempt = r.attempt();
                attempts.bind("id", c.id()).bind("attempt", attempt.number()).bind("org", c.orgId()).bind("webhook", c.webhookId())
                        .bind("at", attempt.attemptedAt()).bind("code", attempt.statusCode()).bind("latency", attempt.latencyMs())
                        .bind("error", attempt.error()).bind("body", attempt.responseBody()).add();
                updates.bind("status", r.outcome().status().wire()).bind("attempts", attempt.number())
                        .bind("next", r.outcome().nextAttemptAt()).bind("now", now).bind("code", attempt.statusCode())
                        .bind("error", attempt.error()).bind("id", c.id()).add();
            }
            attempts.execute();
            updates.execute();
            health.accept(h, records);
        });
    }

    /** Cancels the pending deliveries of a deleted webhook (in the delete's transaction). */
    public static int cancelPending(Handle h, String orgId, String webhookId, long now) {
        return h.createUpdate("""
                        UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, leased_by = NULL,
                            updated_at = :now
                        WHERE org_id = :org AND webhook_id = :webhook AND status = 'pending'""")
                .bind("now", now).bind("org", orgId).bind("webhook", webhookId).execute();
    }

    /** Queues one delivery again, now. Empty when the webhook has no such delivery. */
    public Optional<Delivery> retryNow(String orgId, String webhookId, String id) {
        long now = database.clock().millis();
        int updated = jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE deliveries SET status = 'pending', next_attempt_at = :now, updated_at = :now
                        WHERE org_id = :org AND webhook_id = :webhook AND id = :id AND status <> 'cancelled'""")
                .bind("now", now).bind("org", orgId).bind("webhook", webhookId).bind("id", id).execute());
        return updated == 0 ? Optional.empty() : find(orgId, webhookId, id);
    }

    /** Queues again every failed delivery of the webhook created since {@code since}. */
    public int recover(String orgId, String webhookId, long since) {
        long now = database.clock().millis();
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE deliveries SET status = 'pending', next_attempt_at = :now, updated_at = :now
                        WHERE org_id = :org AND webhook_id = :webhook AND status = 'failed' AND created_at >= :since""")
                .bind("now", now).bind("org", orgId).bind("webhook", webhookId).bind("since", since).execute());
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

    /** Latencies and outcomes of the webhook's attempts since {@code since}, for its stats. */
    public List<Attempt> attemptsSince(String orgId, String webhookId, long since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT attempt, attempted_at, status_code, latency_ms, error FROM delivery_attempts
                        WHERE org_id = :org AND webhook_id = :webhook AND attempted_at >= :since""")
                .bind("org", orgId).bind("webhook", webhookId).bind("since", since)
                .map((rs, ctx) -> new Attempt(rs.getInt(1), rs.getLong(2), nullableInt(rs, 3), rs.getLong(4), rs.getString(5), null))
                .list());
    }

    /** How many deliveries wait, and since when the oldest one has been due (epoch ms), for the metrics. */
    /**
     * Removes up to {@code limit} deliveries created before {@code cutoff}, with their attempts, in one
     * short transaction; returns how many. Retention calls it until it returns less than the limit.
     */
    public int purgeBatch(long cutoff, int limit) {
        return bookkeeping.inTransaction(h -> {
            List<String> ids = h.createQuery("SELECT id FROM deliveries WHERE created_at < :cutoff ORDER BY created_at LIMIT :limit")
                    .bind("cutoff", cutoff).bind("limit", limit).mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM delivery_attempts WHERE delivery_id IN (<ids>)").bindList("ids", ids).execute();
            return h.createUpdate("DELETE FROM deliveries WHERE id IN (<ids>)").bindList("ids", ids).execute();
        });
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
