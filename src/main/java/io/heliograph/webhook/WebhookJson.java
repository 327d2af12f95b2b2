package io.heliograph.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heliograph.json.IsoTime;
import io.heliograph.json.Json;
import java.util.List;

/** A webhook as the API shows it (Helicone's field names, plus Heliograph's signing secret). */
public final class WebhookJson {
    private WebhookJson() {
    }

    public static ObjectNode of(Webhook w) {
        ObjectNode node = Json.object();
        node.put("id", w.id());
        node.put("created_at", IsoTime.format(w.createdAt()));
        node.put("destination", w.destination());
        node.put("version", w.version());
        node.put("enabled", w.enabled());
        node.put("disabled_reason", w.disabledReason());
        ObjectNode config = node.putObject("config");
        putNumber(config, "sampleRate", w.config().sampleRate());
        ArrayNode filters = config.putArray("propertyFilters");
        w.config().propertyFilters().forEach(f -> filters.addObject().put("key", f.key()).put("value", f.value()));
        config.put("includeData", w.config().includeData());
        config.set("filter", w.config().filter() == null ? config.nullNode() : w.config().filter().toJson());
        node.put("includeData", w.config().includeData());
        node.put("hmac_key", w.hmacKey());
        node.put("signing_secret", w.signingSecret());
        return node;
    }

    public static ArrayNode of(List<Webhook> webhooks) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        webhooks.forEach(w -> array.add(of(w)));
        return array;
    }

    /** Whole rates print as integers ({@code 100}, not {@code 100.0}), as the caller most likely sent them. */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            node.put(field, (long) value);
        } else {
            node.put(field, value);
        }
    }
}
