package io.heliograph.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.heliograph.json.Json;

/** Writes the API's envelope: {@code {"data": …, "error": null}} or {@code {"data": null, "error": "…"}}. */
public final class Envelope {
    private Envelope() {
    }

    public static void ok(ServerResponse res, JsonNode data) {
        send(res, 200, data == null ? NullNode.instance : data, null);
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
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(data, error));
    }
}
