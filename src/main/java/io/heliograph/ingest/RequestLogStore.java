package io.heliograph.ingest;

import static io.heliograph.store.Columns.nullableDouble;
import static io.heliograph.store.Columns.nullableLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.heliograph.api.PageRequest;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.json.Json;
import io.heliograph.store.Columns;
import io.heliograph.store.Database;
import io.heliograph.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Request logs in the store, always within one organization. */
public final class RequestLogStore {
    private static final String SUMMARY_COLUMNS = "org_id, id, started_at, ended_at, provider, model, user_id, status, "
            + "prompt_tokens, completion_tokens, total_tokens, time_to_first_token_ms, cost, streamed, properties, request_url, outcome";
    private static final TypeReference<Map<String, String>> PROPERTY_MAP = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final Database database;

    public RequestLogStore(Database database) {
        this.database = database;
        this.jdbi = database.jdbi();
    }

    /** A page of logs and the cursor of the next one (null on the last page). */
    public record Page(List<RequestLog> items, String nextCursor) {
    }

    private static final String INSERT_HEAD = """
            INSERT INTO request_logs (org_id, id, started_at, ended_at, logged_at, provider, model, user_id,
                status, prompt_tokens, completion_tokens, total_tokens, time_to_first_token_ms, cost, streamed,
                properties, request_url, request_body, response_body, response_text, outcome)
            VALUES\s""";
    /** One row's 21 values, in the column order of {@link #INSERT_HEAD}. */
    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** A repeated id is skipped, not an error: a repeat is acknowledged but not stored twice. */
    private static final String ON_CONFLICT = " ON CONFLICT (org_id, id) DO NOTHING";
    /** SQLite's: one row, run once per log, its count telling whether it inserted (see {@link #insertAll}). */
    private static final String INSERT_ONE = INSERT_HEAD + INSERT_ROW + ON_CONFLICT;
    /** The multi-row INSERT for each number of rows, made once: group commit writes batches of every size up to its cap. */
    private static final Map<Integer, String> INSERT_SQL = new java.util.concurrent.ConcurrentHashMap<>();

    private static String insertSql(int rows) {
        return INSERT_SQL.computeIfAbsent(rows, n -> {
            StringBuilder sql = new StringBuilder(INSERT_HEAD);
            for (int i = 0; i < n; i++) {
                sql.append(i == 0 ? "" : ", ").append(INSERT_ROW);
            }
            return sql.append(ON_CONFLICT).append(" RETURNING org_id, id").toString();
        });
    }


    /**
     * Inserts the log within the caller's transaction. False when the org already has a log with this
     * id: a repeat is not logged twice.
     */
    public boolean insert(Handle h, RequestLog log) {
        return insertAll(h, List.of(log))[0];
    }

    /**
     * Inserts logs within the caller's transaction, each statement prepared once for all of them
     * (group commit writes many at a time). Per log: whether it was new — false for an id the org
     * already had, including one earlier in the same list.
     */
    public boolean[] insertAll(Handle h, List<RequestLog> logs) {
        return insertAll(h, logs, database.clock().millis());
    }

    /** As above, stored at {@code now}: the logs' {@code logged_at}, which rows keyed by it (deliveries) use too. */
    public boolean[] insertAll(Handle h, List<RequestLog> logs, long now) {
        // Plain JDBC with positional parameters: this runs on the one log-committer thread, where
        // JDBI's named binding and its parsing of each batch size's text cost a measurable share of
        // its time. Which rows were new (a repeated id is skipped by ON CONFLICT), each store as it
        // answers it cheapest:
        // - SQLite: one single-row INSERT, prepared once per batch and run for every log (a JDBC
        //   batch), whose per-row count says whether it inserted. SQLite ran the multi-row INSERT …
        //   RETURNING at ~26 µs more CPU per log (bench/WalFrames.java, docs/benchmarks.md: issue 17,
        //   sixth session).
        // - PostgreSQL: one multi-row INSERT … RETURNING, one round trip and one plan for the lot.
        boolean[] inserted = database.dialect() == Dialect.SQLITE
                ? insertEach(h, logs, now)
                : insertAtOnce(h, logs, now);
        try (var properties = h.getConnection().prepareStatement(
                "INSERT INTO request_properties (org_id, logged_at, request_id, key, value) VALUES (?, ?, ?, ?, ?)")) {
            int propertyRows = 0;
            for (int i = 0; i < logs.size(); i++) {
                RequestLog log = logs.get(i);
                if (inserted[i]) {
                    for (Map.Entry<String, String> e : log.properties().entrySet()) {
                        properties.setString(1, log.orgId());
                        properties.setLong(2, now);
                        properties.setString(3, log.id());
                        properties.setString(4, e.getKey());
                        properties.setString(5, e.getValue());
                        properties.addBatch();
                        propertyRows++;
                    }
                }
            }
            if (propertyRows > 0) {
                properties.executeBatch();
            }
        } catch (SQLException e) {
            throw Columns.failed(e);
        }
        return inserted;
    }

    private static boolean[] insertEach(Handle h, List<RequestLog> logs, long now) {
        try (var insert = h.getConnection().prepareStatement(INSERT_ONE)) {
            for (RequestLog log : logs) {
                bindRow(insert, 1, log, now);
                insert.addBatch();
            }
            int[] counts = insert.executeBatch();
            boolean[] inserted = new boolean[logs.size()];
            for (int i = 0; i < inserted.length; i++) {
                // A repeat, earlier in the store or earlier in this list, changes no row.
                inserted[i] = counts[i] == 1;
            }
            return inserted;
        } catch (SQLException e) {
            throw Columns.failed(e);
        }
    }

    private static boolean[] insertAtOnce(Handle h, List<RequestLog> logs, long now) {
        java.util.Set<String> insertedKeys = new java.util.HashSet<>();
        try (var insert = h.getConnection().prepareStatement(insertSql(logs.size()))) {
            int p = 1;
            for (RequestLog log : logs) {
                p = bindRow(insert, p, log, now);
            }
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    insertedKeys.add(rs.getString(1) + '\u0000' + rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw Columns.failed(e);
        }
        boolean[] inserted = new boolean[logs.size()];
        for (int i = 0; i < logs.size(); i++) {
            // The first of an id repeated within the list is the one stored; the others are repeats.
            inserted[i] = insertedKeys.remove(logs.get(i).orgId() + '\u0000' + logs.get(i).id());
        }
        return inserted;
    }

    /** Binds one log's 21 values from parameter {@code p} on; answers the next parameter's index. */
    private static int bindRow(java.sql.PreparedStatement insert, int p, RequestLog log, long now) throws SQLException {
        insert.setString(p++, log.orgId());
        insert.setString(p++, log.id());
        insert.setLong(p++, log.startedAt());
        insert.setLong(p++, log.endedAt());
        insert.setLong(p++, now);
        insert.setString(p++, log.provider());
        insert.setString(p++, log.model());
        insert.setString(p++, log.userId());
        insert.setInt(p++, log.status());
        Columns.setNullable(insert, p++, log.usage().promptTokens());
        Columns.setNullable(insert, p++, log.usage().completionTokens());
        Columns.setNullable(insert, p++, log.usage().totalTokens());
        Columns.setNullable(insert, p++, log.timeToFirstTokenMs());
        Columns.setNullable(insert, p++, log.cost());
        insert.setBoolean(p++, log.streamed());
        insert.setString(p++, propertiesJson(log.properties()));
        insert.setString(p++, log.requestUrl());
        insert.setString(p++, log.requestBody());
        insert.setString(p++, log.responseBody());
        insert.setString(p++, log.responseText());
        insert.setString(p++, log.outcome().wireName());
        return p;
    }

    /** One log with its bodies. */
    public Optional<RequestLog> find(String orgId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + SUMMARY_COLUMNS
                        + ", request_body, response_body, response_text FROM request_logs WHERE org_id = :org AND id = :id")
                .bind("org", orgId)
                .bind("id", id)
                .map((rs, ctx) -> map(rs, true))
                .findOne());
    }

    /**
     * The org's logs among {@code ids} whose bodies together hold at most {@code maxChars} characters,
     * with their bodies, in one query (the dispatcher reads a claimed batch this way; larger ones it
     * reads one at a time when their turn comes, so a batch never holds many large bodies at once).
     */
    public Map<String, RequestLog> findSmall(String orgId, java.util.Collection<String> ids, int maxChars) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, RequestLog> found = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT " + SUMMARY_COLUMNS
                        + ", request_body, response_body, response_text FROM request_logs WHERE org_id = :org AND id IN (<ids>)"
                        + " AND length(request_body) + COALESCE(length(response_body), 0) + COALESCE(length(response_text), 0)"
                        + " <= :max")
                .bind("org", orgId)
                .bindList("ids", List.copyOf(ids))
                .bind("max", maxChars)
                .map((rs, ctx) -> map(rs, true))
                .forEach(log -> found.put(log.id(), log)));
        return found;
    }

    /** The org's logs among {@code ids}, without bodies; ids that are not the org's are simply not there. */
    public Map<String, RequestLog> summaries(String orgId, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, RequestLog> found = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT " + SUMMARY_COLUMNS + " FROM request_logs WHERE org_id = :org AND id IN (<ids>)")
                .bind("org", orgId)
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> map(rs, false))
                .forEach(log -> found.put(log.id(), log)));
        return found;
    }

    /** Logs newest first (by start time, then id), without bodies. */
    public Page page(String orgId, RequestQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM request_logs r WHERE r.org_id = :org");
        query.model().ifPresent(m -> sql.append(" AND r.model = :model"));
        query.userId().ifPresent(u -> sql.append(" AND r.user_id = :user"));
        query.status().ifPresent(st -> sql.append(" AND r.status BETWEEN :status_low AND :status_high"));
        query.outcome().ifPresent(o -> sql.append(" AND r.outcome = :outcome"));
        for (int i = 0; i < query.properties().size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM request_properties p WHERE p.org_id = r.org_id AND p.logged_at = r.logged_at")
                    .append(" AND p.request_id = r.id")
                    .append(" AND p.key = :key").append(i).append(" AND p.value = :value").append(i).append(')');
        }
        PageRequest page = query.page();
        page.after().ifPresent(a -> sql.append(" AND (r.started_at < :after_time OR (r.started_at = :after_time AND r.id < :after_id))"));
        sql.append(" ORDER BY r.started_at DESC, r.id DESC LIMIT :limit");

        List<RequestLog> rows = jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("org", orgId).bind("limit", page.limit() + 1);
            query.model().ifPresent(m -> q.bind("model", m));
            query.userId().ifPresent(u -> q.bind("user", u));
            query.status().ifPresent(st -> q.bind("status_low", st.low()).bind("status_high", st.high()));
            query.outcome().ifPresent(o -> q.bind("outcome", o.wireName()));
            int i = 0;
            for (Map.Entry<String, String> p : query.properties().entrySet()) {
                q.bind("key" + i, p.getKey()).bind("value" + i, p.getValue());
                i++;
            }
            page.after().ifPresent(a -> q.bind("after_time", a.time()).bind("after_id", a.id()));
            return q.map((rs, ctx) -> map(rs, false)).list();
        });
        if (rows.size() <= page.limit()) {
            return new Page(rows, null);
        }
        List<RequestLog> items = new ArrayList<>(rows.subList(0, page.limit()));
        RequestLog last = items.get(items.size() - 1);
        return new Page(items, new PageRequest.Position(last.startedAt(), last.id()).encode());
    }

    /**
     * Removes up to {@code limit} logs stored before {@code cutoff}, with their property rows, in one
     * short transaction; returns how many. Retention calls it until it returns less than the limit.
     */
    public int purgeBatch(long cutoff, int limit) {
        // Removal need not wait for the disk: a purge lost to a power cut is simply done again.
        return database.bookkeeping().inTransaction(h -> {
            // A log a pending delivery still needs stays until that delivery ends.
            List<Map<String, Object>> keys = h.createQuery("""
                            SELECT l.org_id, l.id, l.logged_at FROM request_logs l
                            WHERE l.logged_at < :cutoff AND NOT EXISTS (
                                SELECT 1 FROM deliveries d WHERE d.org_id = l.org_id AND d.request_logged_at = l.logged_at
                                  AND d.request_id = l.id AND d.status = 'pending')
                            ORDER BY l.logged_at LIMIT :limit""")
                    .bind("cutoff", cutoff).bind("limit", limit).mapToMap().list();
            int removed = 0;
            var properties = h.prepareBatch(
                    "DELETE FROM request_properties WHERE org_id = :org AND logged_at = :logged_at AND request_id = :id");
            var logs = h.prepareBatch("DELETE FROM request_logs WHERE org_id = :org AND id = :id");
            for (Map<String, Object> key : keys) {
                properties.bind("org", key.get("org_id")).bind("logged_at", key.get("logged_at")).bind("id", key.get("id")).add();
                logs.bind("org", key.get("org_id")).bind("id", key.get("id")).add();
            }
            if (!keys.isEmpty()) {
                properties.execute();
                for (int n : logs.execute()) {
                    removed += n;
                }
            }
            return removed;
        });
    }

    private static RequestLog map(ResultSet rs, boolean withBodies) throws SQLException {
        return new RequestLog(
                rs.getString("org_id"),
                rs.getString("id"),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getString("user_id"),
                rs.getInt("status"),
                rs.getLong("started_at"),
                rs.getLong("ended_at"),
                nullableLong(rs, "time_to_first_token_ms"),
                parseProperties(rs.getString("properties")),
                rs.getString("request_url"),
                withBodies ? rs.getString("request_body") : null,
                withBodies ? rs.getString("response_body") : null,
                withBodies ? rs.getString("response_text") : null,
                rs.getBoolean("streamed"),
                new Usage(nullableLong(rs, "prompt_tokens"), nullableLong(rs, "completion_tokens"),
                        nullableLong(rs, "total_tokens"), null, null),
                nullableDouble(rs, "cost"),
                Outcome.ofWireName(rs.getString("outcome")));
    }



    private static String propertiesJson(Map<String, String> properties) {
        try {
            return Json.MAPPER.writeValueAsString(new java.util.TreeMap<>(properties));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A string map always serialises", e);
        }
    }

    private static Map<String, String> parseProperties(String json) {
        try {
            return Json.MAPPER.readValue(json, PROPERTY_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored properties are not JSON: " + json, e);
        }
    }
}
