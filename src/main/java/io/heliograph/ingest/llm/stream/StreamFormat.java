package io.heliograph.ingest.llm.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One provider's stream format: how its events add up to the one response the call would have
 * returned unstreamed. Implementations keep no state between calls, so one instance serves every stream.
 */
public interface StreamFormat {
    /**
     * The response the events stand for. The events are parsed JSON, in order, none null; those that are
     * not objects are ignored. The events themselves are not modified. May throw on input odd enough that
     * no response can be made of it; the caller then keeps the events as they are.
     */
    JsonNode reassemble(List<JsonNode> events);
}
