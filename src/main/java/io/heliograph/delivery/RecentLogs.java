package io.heliograph.delivery;

import io.heliograph.ingest.RequestLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs this node handed over or read lately, small ones only: a log usually goes to several webhooks,
 * and when some of its deliveries wait in the store, their claims find the log here instead of
 * reading it again. Least recently used first out, bounded in entries and in characters.
 */
final class RecentLogs {
    private final int maxEntries;
    private final long maxChars;
    private long chars;
    private final LinkedHashMap<String, RequestLog> logs = new LinkedHashMap<>(256, 0.75f, true);

    RecentLogs(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    private static String key(String orgId, String id) {
        return orgId + '\n' + id;
    }

    static long size(RequestLog log) {
        return (long) length(log.requestBody()) + length(log.responseBody()) + length(log.responseText());
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    synchronized void put(RequestLog log) {
        RequestLog old = logs.put(key(log.orgId(), log.id()), log);
        chars += size(log) - (old == null ? 0 : size(old));
        var eldest = logs.entrySet().iterator();
        while ((logs.size() > maxEntries || chars > maxChars) && eldest.hasNext()) {
            Map.Entry<String, RequestLog> e = eldest.next();
            chars -= size(e.getValue());
            eldest.remove();
        }
    }

    synchronized RequestLog get(String orgId, String id) {
        return logs.get(key(orgId, id));
    }

    synchronized int size() {
        return logs.size();
    }
}
