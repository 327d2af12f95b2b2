package io.heliograph.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.json.Json;
import java.nio.charset.StandardCharsets;

/** Writes the API's envelope: {@code {"data": …, "error": null}} or {@code {"data": null, "error": "…"}}. */
public final class Envelope {
    private Envelope() {
    }

    public static void ok(ServerResponse res, JsonNode data) {
        send(res, 200, data == null ? NullNode.instance : data, null);
    }

    /**
     * {@code ok} with data {@code {"<key>": "<id>"}}, written straight into bytes when both are only
     * letters, digits, {@code -} and {@code _} (nothing to escape: the ingest routes' answer, a UUID),
     * the same bytes {@link #ok} writes; anything else is written through the tree.
     */
    public static void okWithId(ServerResponse res, String key, String id) {
        send(res, 200, idBody(key, id));
    }

    /** What {@link #okWithId} sends: {@code body({"<key>": "<id>"}, null)}, without a tree when it can. */
    static byte[] idBody(String key, String id) {
        if (!isPlain(key) || !isPlain(id)) {
            return body(Json.object().put(key, id), null);
        }
        return ("{\"data\":{\"" + key + "\":\"" + id + "\"},\"error\":null}").getBytes(StandardCharsets.US_ASCII);
    }

    static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static void error(ServerResponse res, int status, String message) {
        send(res, status, NullNode.instance, message);
    }

    public static byte[] body(JsonNode data, String error) {
        ObjectNode envelope = Json.object();
        envelope.set("data", data);
        if (error == null) {
            envelope.putNull("error");
        } else {
            envelope.put("error", error);
        }
        return Json.write(envelope);
    }

    private static void send(ServerResponse res, int status, JsonNode data, String error) {
        send(res, status, body(data, error));
    }

    private static void send(ServerResponse res, int status, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
