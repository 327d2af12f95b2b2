package io.heliograph.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.ingest.llm.PriceTable;
import io.heliograph.ingest.llm.Usage;
import io.heliograph.json.Json;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Derives a log's facts — id, model, usage, cost — from what a parser read. Pure: no I/O. */
public final class LogAssembler {
    static final int MAX_MODEL_LENGTH = 256;
    /** Google names the model in the URL: {@code …/models/gemini-1.5-pro:generateContent}. */
    private static final Pattern URL_MODEL = Pattern.compile("/models/([^/:?#]+)");

    private final PriceTable prices;

    public LogAssembler(PriceTable prices) {
        this.prices = prices;
    }

    public RequestLog assemble(String orgId, LogInput in) {
        String model = model(in);
        Usage usage = in.response() == null ? Usage.NONE : Usage.from(in.response());
        String responseBody = in.responseRaw() != null ? in.responseRaw()
                : in.response() == null ? null : StorableText.repair(Json.writeString(in.response()));
        return RequestLog.builder()
                .orgId(orgId)
                .id(in.identity().requestId().orElseGet(() -> UUID.randomUUID().toString()))
                .provider(in.provider())
                .model(model)
                .userId(in.identity().userId())
                .status(in.status())
                .startedAt(in.startedAt())
                .endedAt(in.endedAt())
                .timeToFirstTokenMs(in.timeToFirstTokenMs())
                .properties(in.identity().properties())
                .requestUrl(in.requestUrl())
                .requestBody(in.requestRaw())
                .responseBody(responseBody)
                .responseText(in.responseText())
                .streamed(in.streamed())
                .usage(usage)
                .cost(model == null ? null : prices.cost(model, usage))
                .outcome(in.outcome())
                .build();
    }

    /** The stated model, else the request's, else the response's, else the one a Google URL names. */
    static String model(LogInput in) {
        return Optional.ofNullable(in.statedModel())
                .or(() -> text(in.request(), "model"))
                .or(() -> text(in.response(), "model"))
                .or(() -> text(in.response(), "modelVersion"))
                .or(() -> urlModel(in.requestUrl()))
                .map(StorableText::repair)
                .filter(m -> !m.isBlank() && m.length() <= MAX_MODEL_LENGTH)
                .orElse(null);
    }

    private static Optional<String> text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static Optional<String> urlModel(String url) {
        if (url == null) {
            return Optional.empty();
        }
        Matcher m = URL_MODEL.matcher(url);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
