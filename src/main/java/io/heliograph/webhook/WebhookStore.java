package io.heliograph.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.heliograph.http.Json;
import io.heliograph.store.Columns;
import io.heliograph.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Webhooks in the store, always read and written within one organization. */
public final class WebhookStore {
    private static final String COLUMNS = "org_id, id, created_at, destination, version, enabled, disabled_reason, "
            + "sample_rate, property_filters, include_data, hmac_key, previous_hmac_key, previous_key_expires_at";
    private static final TypeReference<List<PropertyFilter>> FILTER_LIST = new TypeReference<>() {
    };

    private final Database database;
    private final Jdbi jdbi;

    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public WebhookStore(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
    }

    public void insert(Webhook w) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO webhooks (" + COLUMNS + ", updated_at) VALUES (:org_id, :id, "
                        + ":created_at, :destination, :version, :enabled, :disabled_reason, :sample_rate, :property_filters, "
                        + ":include_data, :hmac_key, :previous_hmac_key, :previous_key_expires_at, :created_at)")
                .bind("org_id", w.orgId())
                .bind("id", w.id())
                .bind("created_at", w.createdAt())
                .bind("destination", w.destination())
                .bind("version", w.version())
                .bind("enabled", w.enabled())
                .bind("disabled_reason", w.disabledReason())
                .bind("sample_rate", w.config().sampleRate())
                .bind("property_filters", filtersJson(w.config().propertyFilters()))
                .bind("include_data", w.config().includeData())
                .bind("hmac_key", w.hmacKey())
                .bind("previous_hmac_key", w.previousHmacKey())
                .bind("previous_key_expires_at", w.previousKeyExpiresAt())
                .execute());
    }

    /** The org's live webhooks, newest first. */
    public List<Webhook> list(String orgId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = :org "
                        + "AND deleted_at IS NULL ORDER BY created_at DESC, id DESC")
                .bind("org", orgId)
                .map(WebhookStore::map)
                .list());
    }

    public Optional<Webhook> find(String orgId, String id) {
        return jdbi.withHandle(h -> find(h, orgId, id, ""));
    }

    /**
     * Goes up after every change this process makes to a webhook (update, delete), once it committed:
     * a copy read before is stale in this process. Changes made by other nodes do not move it.
     */
    public long generation() {
        return generation.get();
    }

    /** A change made outside this class (the dispatcher disabling a webhook after 410) committed. */
    public void changed() {
        generation.incrementAndGet();
    }

    /**
     * Reads the webhook, applies {@code change} and writes the result back in one transaction with the
     * row locked, so two concurrent partial updates never undo each other's fields.
     */
    public Optional<Webhook> update(String orgId, String id, UnaryOperator<Webhook> change) {
        try {
            return updateInTransaction(orgId, id, change);
        } finally {
            generation.incrementAndGet();
        }
    }

    private Optional<Webhook> updateInTransaction(String orgId, String id, UnaryOperator<Webhook> change) {
        return jdbi.inTransaction(h -> {
            Optional<Webhook> current = find(h, orgId, id, database.dialect().lockForUpdate());
            if (current.isEmpty()) {
                return Optional.<Webhook>empty();
            }
            Webhook updated = change.apply(current.get());
            h.createUpdate("""
                            UPDATE webhooks SET destination = :destination, enabled = :enabled,
                                disabled_reason = :disabled_reason, sample_rate = :sample_rate,
                                property_filters = :property_filters, include_data = :include_data,
                                hmac_key = :hmac_key, previous_hmac_key = :previous_hmac_key,
                                previous_key_expires_at = :previous_key_expires_at, updated_at = :now
                            WHERE org_id = :org_id AND id = :id""")
                    .bind("destination", updated.destination())
                    .bind("enabled", updated.enabled())
                    .bind("disabled_reason", updated.disabledReason())
                    .bind("sample_rate", updated.config().sampleRate())
                    .bind("property_filters", filtersJson(updated.config().propertyFilters()))
                    .bind("include_data", updated.config().includeData())
                    .bind("hmac_key", updated.hmacKey())
                    .bind("previous_hmac_key", updated.previousHmacKey())
                    .bind("previous_key_expires_at", updated.previousKeyExpiresAt())
                    .bind("now", database.clock().millis())
                    .bind("org_id", orgId)
                    .bind("id", id)
                    .execute();
            return Optional.of(updated);
        });
    }

    /**
     * Marks the webhook deleted. The row stays (deliveries keep pointing at it for the record) but no
     * route shows it again. False when the org has no such live webhook.
     */
    public boolean delete(String orgId, String id, java.util.function.Consumer<Handle> alsoInTransaction) {
        try {
            return deleteInTransaction(orgId, id, alsoInTransaction);
        } finally {
            generation.incrementAndGet();
        }
    }

    private boolean deleteInTransaction(String orgId, String id, java.util.function.Consumer<Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            boolean deleted = h.createUpdate(
                            "UPDATE webhooks SET deleted_at = :now WHERE org_id = :org AND id = :id AND deleted_at IS NULL")
                    .bind("now", database.clock().millis())
                    .bind("org", orgId)
                    .bind("id", id)
                    .execute() == 1;
            if (deleted) {
                alsoInTransaction.accept(h);
            }
            return deleted;
        });
    }

    /** The org's enabled webhooks, read inside the transaction that stores a log (so the outbox sees a consistent set). */
    public static List<Webhook> enabled(Handle h, String orgId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = :org AND enabled = TRUE AND deleted_at IS NULL")
                .bind("org", orgId)
                .map(WebhookStore::map)
                .list();
    }

    /** A delivery succeeded: the webhook is healthy again. */
    public static void markHealthy(Handle h, String orgId, String id) {
        h.createUpdate("UPDATE webhooks SET failing_since = NULL WHERE org_id = :org AND id = :id AND failing_since IS NOT NULL")
                .bind("org", orgId).bind("id", id).execute();
    }

    /**
     * A delivery failed: remembers since when the webhook has failed, and disables it once it has
     * failed without a single success for {@code disableAfterMillis}.
     */
    public static void markFailing(Handle h, String orgId, String id, long now, long disableAfterMillis, String reason) {
        h.createUpdate("UPDATE webhooks SET failing_since = :now WHERE org_id = :org AND id = :id AND failing_since IS NULL")
                .bind("now", now).bind("org", orgId).bind("id", id).execute();
        h.createUpdate("UPDATE webhooks SET enabled = FALSE, disabled_reason = :reason, updated_at = :now "
                        + "WHERE org_id = :org AND id = :id AND enabled = TRUE AND failing_since <= :threshold")
                .bind("reason", reason).bind("now", now).bind("org", orgId).bind("id", id)
                .bind("threshold", now - disableAfterMillis).execute();
    }

    /** Disables the webhook with a reason Heliograph gives (e.g. the destination answered 410). */
    public static void disable(Handle h, String orgId, String id, String reason, long now) {
        h.createUpdate("UPDATE webhooks SET enabled = FALSE, disabled_reason = :reason, updated_at = :now "
                        + "WHERE org_id = :org AND id = :id AND enabled = TRUE")
                .bind("reason", reason).bind("now", now).bind("org", orgId).bind("id", id).execute();
    }

    private static Optional<Webhook> find(Handle h, String orgId, String id, String lock) {
        return h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = :org AND id = :id AND deleted_at IS NULL" + lock)
                .bind("org", orgId)
                .bind("id", id)
                .map(WebhookStore::map)
                .findOne();
    }

    private static Webhook map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Webhook(
                rs.getString("org_id"),
                rs.getString("id"),
                rs.getLong("created_at"),
                rs.getString("destination"),
                rs.getString("version"),
                rs.getBoolean("enabled"),
                rs.getString("disabled_reason"),
                new WebhookConfig(rs.getDouble("sample_rate"), parseFilters(rs.getString("property_filters")),
                        rs.getBoolean("include_data")),
                rs.getString("hmac_key"),
                rs.getString("previous_hmac_key"),
                Columns.nullableLong(rs, "previous_key_expires_at"));
    }

    private static String filtersJson(List<PropertyFilter> filters) {
        try {
            return Json.MAPPER.writeValueAsString(filters);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Filters always serialise", e);
        }
    }

    private static List<PropertyFilter> parseFilters(String json) {
        try {
            return Json.MAPPER.readValue(json, FILTER_LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored property filters are not JSON: " + json, e);
        }
    }
}
