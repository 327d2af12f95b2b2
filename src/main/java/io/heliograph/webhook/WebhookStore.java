package io.heliograph.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.heliograph.filter.Filter;
import io.heliograph.json.Json;
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
            + "sample_rate, property_filters, include_data, hmac_key, previous_keys, filter_expr";
    private static final TypeReference<List<PropertyFilter>> FILTER_LIST = new TypeReference<>() {
    };
    private static final TypeReference<List<Webhook.PreviousKey>> KEY_LIST = new TypeReference<>() {
    };

    private final Database database;
    private final Jdbi jdbi;

    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public WebhookStore(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
    }

    public void insert(Webhook w) {
        jdbi.useTransaction(h -> h.createUpdate("INSERT INTO webhooks (" + COLUMNS + ", updated_at) VALUES (:org_id, :id, "
                        + ":created_at, :destination, :version, :enabled, :disabled_reason, :sample_rate, :property_filters, "
                        + ":include_data, :hmac_key, :previous_keys, :filter_expr, :created_at)")
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
                .bind("filter_expr", filterJson(w.config()))
                .bind("hmac_key", w.hmacKey())
                .bind("previous_keys", json(w.previousKeys()))
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
     * row locked, so two concurrent partial updates never undo each other's fields. Enabling it again
     * or pointing it elsewhere starts its health afresh: the failures that counted towards disabling it
     * were another destination's, or are forgiven by whoever enabled it.
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
            Webhook before = current.get();
            Webhook updated = change.apply(before);
            boolean freshStart = (updated.enabled() && !before.enabled()) || !updated.destination().equals(before.destination());
            h.createUpdate("""
                            UPDATE webhooks SET destination = :destination, enabled = :enabled,
                                disabled_reason = :disabled_reason, sample_rate = :sample_rate,
                                property_filters = :property_filters, include_data = :include_data, filter_expr = :filter_expr,
                                hmac_key = :hmac_key, previous_keys = :previous_keys, updated_at = :now,
                                failing_since = CASE WHEN :fresh_start THEN NULL ELSE failing_since END
                            WHERE org_id = :org_id AND id = :id""")
                    .bind("destination", updated.destination())
                    .bind("enabled", updated.enabled())
                    .bind("disabled_reason", updated.disabledReason())
                    .bind("sample_rate", updated.config().sampleRate())
                    .bind("property_filters", filtersJson(updated.config().propertyFilters()))
                    .bind("include_data", updated.config().includeData())
                    .bind("filter_expr", filterJson(updated.config()))
                    .bind("hmac_key", updated.hmacKey())
                    .bind("previous_keys", json(updated.previousKeys()))
                    .bind("fresh_start", freshStart)
                    .bind("now", database.clock().millis())
                    .bind("org_id", orgId)
                    .bind("id", id)
                    .execute();
            return Optional.of(updated);
        });
    }

    /**
     * Marks the webhook deleted. The row stays (deliveries keep pointing at it for the record) but no
     * route shows it again, and no delivery of it is claimed or sent from now on. False when the org
     * has no such live webhook.
     */
    public boolean delete(String orgId, String id) {
        try {
            return jdbi.inTransaction(h -> h.createUpdate(
                            "UPDATE webhooks SET deleted_at = :now WHERE org_id = :org AND id = :id AND deleted_at IS NULL")
                    .bind("now", database.clock().millis())
                    .bind("org", orgId)
                    .bind("id", id)
                    .execute() == 1);
        } finally {
            generation.incrementAndGet();
        }
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

    /** What a failed delivery made of its webhook: since when it has failed, as stored, and whether it is now disabled for it. */
    public record Failing(long since, boolean disabled) {
    }

    /**
     * A delivery failed: remembers since when the webhook has failed (the first failure after a
     * success), and disables it once it has failed without a single success for {@code disableAfterMillis}.
     */
    public static Failing markFailing(Handle h, String orgId, String id, long now, long disableAfterMillis, String reason) {
        Long since = h.createQuery("UPDATE webhooks SET failing_since = COALESCE(failing_since, :now) "
                        + "WHERE org_id = :org AND id = :id RETURNING failing_since")
                .bind("now", now).bind("org", orgId).bind("id", id).mapTo(Long.class).findOne().orElse(now);
        boolean disabled = since <= now - disableAfterMillis && h.createUpdate(
                        "UPDATE webhooks SET enabled = FALSE, disabled_reason = :reason, updated_at = :now "
                                + "WHERE org_id = :org AND id = :id AND enabled = TRUE")
                .bind("reason", reason).bind("now", now).bind("org", orgId).bind("id", id).execute() > 0;
        return new Failing(since, disabled);
    }

    /** Disables the webhook with a reason Heliograph gives (e.g. the destination answered 410); answers whether it did. */
    public static boolean disable(Handle h, String orgId, String id, String reason, long now) {
        return h.createUpdate("UPDATE webhooks SET enabled = FALSE, disabled_reason = :reason, updated_at = :now "
                        + "WHERE org_id = :org AND id = :id AND enabled = TRUE")
                .bind("reason", reason).bind("now", now).bind("org", orgId).bind("id", id).execute() > 0;
    }

    /** A webhook as it now is, or its id alone when it was deleted. */
    public record Change(String orgId, String id, Optional<Webhook> webhook) {
    }

    /**
     * Every webhook changed or deleted at or after {@code since} (epoch ms, by the clock of whichever
     * node made the change): what a node reads once a second to keep its copies current without
     * reading each webhook again.
     */
    public List<Change> changedSince(long since) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + ", deleted_at FROM webhooks "
                        + "WHERE updated_at >= :since OR deleted_at >= :since")
                .bind("since", since)
                .map((rs, ctx) -> rs.getObject("deleted_at") != null
                        ? new Change(rs.getString("org_id"), rs.getString("id"), Optional.empty())
                        : new Change(rs.getString("org_id"), rs.getString("id"), Optional.of(map(rs, ctx))))
                .list());
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
                        rs.getBoolean("include_data"), parseFilter(rs.getString("filter_expr"))),
                rs.getString("hmac_key"),
                parse(rs.getString("previous_keys"), KEY_LIST));
    }

    /** The filter expression as given, compact JSON; null for none. */
    private static String filterJson(WebhookConfig config) {
        return config.filter() == null ? null : config.filter().toString();
    }

    /** Compiled once, as the webhook is read: matching never parses. */
    private static Filter parseFilter(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Filter.compile(Json.MAPPER.readTree(json), "/config/filter");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored webhook filter is not the JSON it should be", e);
        }
    }

    private static String filtersJson(List<PropertyFilter> filters) {
        return json(filters);
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Webhook fields always serialise", e);
        }
    }

    private static List<PropertyFilter> parseFilters(String json) {
        return parse(json, FILTER_LIST);
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored webhook field is not the JSON it should be", e);
        }
    }
}
