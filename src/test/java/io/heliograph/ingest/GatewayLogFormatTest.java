package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.ingest.llm.PriceTable;
import io.heliograph.ingest.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayLogFormatTest {
    private static final LogIdentity ID = new LogIdentity(Optional.of("0b0c6f0e-4a51-4a6f-9f0e-0a2a5b5c6d7e"), null, Map.of());
    private static final String REQUEST = "{\"model\":\"gpt-4o\", \"temperature\":1.0}";
    private static final String RESPONSE = "{\"model\":\"gpt-4o-2024-08-06\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";

    private static GatewayExchange exchange(byte[] response, String contentType, String encoding, boolean omitReq, boolean omitRes) {
        return new GatewayExchange(ID, "OPENAI", omitReq, omitRes, "https://api.openai.com/v1/chat/completions", 1_000, 1_500, 1_100L,
                REQUEST.getBytes(StandardCharsets.UTF_8), "application/json", null, 200, response, contentType, encoding,
                Outcome.COMPLETED);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonBodiesAreKeptAsTheExactTextThatPassed() {
        LogInput in = GatewayLogFormat.parse(exchange(utf8(RESPONSE), "application/json", null, false, false));
        assertThat(in.requestRaw()).isEqualTo(REQUEST);
        assertThat(in.responseRaw()).isEqualTo(RESPONSE);
        assertThat(in.provider()).isEqualTo("OPENAI");
        assertThat(in.streamed()).isFalse();
        assertThat(in.timeToFirstTokenMs()).as("time to first token is a streaming figure").isNull();
        assertThat(in.startedAt()).isEqualTo(1_000);
        assertThat(in.endedAt()).isEqualTo(1_500);
    }

    @Test
    void aStreamIsReassembledAndItsTextKept() {
        String sse = "data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\n"
                + "data: [DONE]\n\n";
        LogInput in = GatewayLogFormat.parse(exchange(utf8(sse), "text/event-stream; charset=utf-8", null, false, false));
        assertThat(in.streamed()).isTrue();
        assertThat(in.timeToFirstTokenMs()).isEqualTo(100);
        assertThat(in.response().get("choices").get(0).get("message").get("content").asText()).isEqualTo("a");
        assertThat(in.responseText()).startsWith("\"data: {").endsWith("[DONE]\\n\\n\"");
        assertThat(Usage.from(in.response()).totalTokens()).isEqualTo(2);
    }

    @Test
    void textIsKeptAsTextAndBinaryIsNotKept() {
        LogInput text = GatewayLogFormat.parse(exchange(utf8("upstream overloaded"), "text/plain", null, false, false));
        assertThat(text.response().asText()).isEqualTo("upstream overloaded");
        LogInput audio = GatewayLogFormat.parse(exchange(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64, 0, 0},
                "audio/mpeg", null, false, false));
        assertThat(audio.response()).isNull();
        assertThat(audio.responseRaw()).isNull();
        LogInput notUtf8 = GatewayLogFormat.parse(exchange(new byte[] {'"', (byte) 0xC3, '"'}, "application/json", null, false, false));
        assertThat(notUtf8.response()).isNull();
    }

    @Test
    void omittedBodiesAreNullButStillYieldTheirFacts() {
        LogInput in = GatewayLogFormat.parse(exchange(utf8(RESPONSE), "application/json", null, true, true));
        assertThat(in.requestRaw()).isEqualTo("null");
        assertThat(in.responseRaw()).isEqualTo("null");
        RequestLog log = new LogAssembler(PriceTable.load()).assemble("org", in);
        assertThat(log.requestBody()).isEqualTo("null");
        assertThat(log.responseBody()).isEqualTo("null");
        assertThat(log.model()).isEqualTo("gpt-4o");
        assertThat(log.usage().totalTokens()).isEqualTo(7);
    }

    @Test
    void aByteOrderMarkIsDroppedAndAnUndecodableBodyIsNotKept() {
        LogInput bom = GatewayLogFormat.parse(exchange(utf8("\uFEFF" + RESPONSE), "application/json", null, false, false));
        assertThat(bom.responseRaw()).isEqualTo(RESPONSE);
        LogInput corrupt = GatewayLogFormat.parse(exchange(utf8(RESPONSE), "application/json", "gzip", false, false));
        assertThat(corrupt.response()).isNull();
        LogInput tooLarge = GatewayLogFormat.parse(exchange(null, "application/json", null, false, false));
        assertThat(tooLarge.response()).isNull();
        assertThat(tooLarge.requestRaw()).isEqualTo(REQUEST);
    }

    @Test
    void aRequestThatIsNotJsonIsNotKept() {
        GatewayExchange upload = new GatewayExchange(ID, "OPENAI", false, false, "u", 0, 1, null, utf8("--boundary\r\nContent-Disposition: form-data"),
                "multipart/form-data; boundary=boundary", null, 200, utf8(RESPONSE), "application/json", null, Outcome.COMPLETED);
        LogInput in = GatewayLogFormat.parse(upload);
        assertThat(in.requestRaw()).isEqualTo("null");
        assertThat(in.request()).isNull();
    }
}
