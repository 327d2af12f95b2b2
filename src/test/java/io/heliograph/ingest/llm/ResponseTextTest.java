package io.heliograph.ingest.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.heliograph.support.TestJson;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseTextTest {
    private static String chunk(String id, String delta, String finish) {
        return "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_06737a9306\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static final String USAGE_CHUNK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_06737a9306\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";

    /** An OpenAI chat stream as it comes over the wire: role chunk, content, finish, usage-only chunk, [DONE]. */
    private static final String OPENAI_SSE = "data: " + chunk("chatcmpl-1", "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null) + "\n\n"
            + "data: " + chunk("chatcmpl-1", "{\"content\":\"Hello\"}", null) + "\n\n"
            + "data: " + chunk("chatcmpl-1", "{\"content\":\" world\"}", null) + "\n\n"
            + "data: " + chunk("chatcmpl-1", "{}", "stop") + "\n\n"
            + "data: " + USAGE_CHUNK + "\n\n"
            + "data: [DONE]\n\n";

    private static void assertHelloWorld(ResponseText parsed) {
        assertThat(parsed.streamed()).isTrue();
        JsonNode r = parsed.response();
        assertThat(r.get("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(r.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Hello world");
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(12);
    }

    // ------------------------------------------------------------ server-sent events

    @Test
    void openAiServerSentEventsAreReassembled() {
        assertHelloWorld(ResponseText.parse(OPENAI_SSE));
    }

    @Test
    void crlfLineEndsAreUnderstood() {
        assertHelloWorld(ResponseText.parse(OPENAI_SSE.replace("\n", "\r\n")));
    }

    @Test
    void bareCrLineEndsAreUnderstood() {
        assertHelloWorld(ResponseText.parse(OPENAI_SSE.replace("\n", "\r")));
    }

    @Test
    void dataWithoutTheSpaceAfterTheColonIsTheSame() {
        assertHelloWorld(ResponseText.parse(OPENAI_SSE.replace("data: ", "data:")));
    }

    @Test
    void eventsWithoutTheirTrailingBlankLineStillCount() {
        String noFinalBlank = OPENAI_SSE.replace("data: [DONE]\n\n", "").stripTrailing();
        assertHelloWorld(ResponseText.parse(noFinalBlank));
    }

    @Test
    void eventsSeparatedBySingleNewlinesAreStillSeparateEvents() {
        // Not quite SSE (the lines join into one multi-line event), but some loggers write it this way.
        assertHelloWorld(ResponseText.parse(OPENAI_SSE.replace("\n\n", "\n")));
    }

    @Test
    void commentsIdsRetriesAndGarbageLinesAreIgnored() {
        String sse = ": OPENROUTER PROCESSING\n\n"
                + "retry: 3000\nid: 1\ndata: " + chunk("chatcmpl-1", "{\"role\":\"assistant\",\"content\":\"Hello\"}", null) + "\n\n"
                + "this line is no field at all\n\n"
                + "data: {not json at all\n\n"
                + "data: <html>502 Bad Gateway</html>\n\n"
                + "data: 42\n\n"
                + "id: 2\ndata: " + chunk("chatcmpl-1", "{\"content\":\" world\"}", "stop") + "\n\n"
                + "data: " + USAGE_CHUNK + "\n\n"
                + "data:[DONE]\n\n";
        assertHelloWorld(ResponseText.parse(sse));
    }

    @Test
    void multiLineDataFieldsAreJoinedWithNewlines() {
        String sse = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\n"
                + "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"line1\\nline2\"}}]\n"
                + "data: }\n\n"
                + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        ResponseText parsed = ResponseText.parse(sse);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response().at("/choices/0/message/content").asText()).isEqualTo("line1\nline2");
    }

    @Test
    void anthropicStreamWithEventLinesAndPingsIsReassembled() {
        String sse = """
                event: message_start
                data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5-20250929", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1}}}

                event: content_block_start
                data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

                event: ping
                data: {"type": "ping"}

                event: content_block_delta
                data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

                event: content_block_delta
                data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}

                event: content_block_stop
                data: {"type": "content_block_stop", "index": 0}

                event: message_delta
                data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

                event: message_stop
                data: {"type": "message_stop"}

                """;
        ResponseText parsed = ResponseText.parse(sse);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response()).isEqualTo(TestJson.parse("""
                {"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant",
                 "model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hello!"}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":15}}"""));
    }

    @Test
    void geminiServerSentEventsAreReassembled() {
        String sse = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Why\"}],\"role\": \"model\"},\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 4,\"totalTokenCount\": 4},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n"
                + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" not?\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 3,\"totalTokenCount\": 7},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n";
        ResponseText parsed = ResponseText.parse(sse);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Why not?");
        assertThat(parsed.response().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(parsed.response().at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(7);
        assertThat(parsed.response().get("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
    }

    @Test
    void responsesApiServerSentEventsAreTheCompletedResponse() {
        String sse = """
                event: response.created
                data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[],"usage":null}}

                event: response.output_text.delta
                data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}

                event: response.completed
                data: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]}],"usage":{"input_tokens":5,"output_tokens":1,"total_tokens":6}}}

                """;
        ResponseText parsed = ResponseText.parse(sse);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response().get("id").asText()).isEqualTo("resp_1");
        assertThat(parsed.response().get("status").asText()).isEqualTo("completed");
        assertThat(parsed.response().at("/usage/total_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void legacyCompletionsServerSentEventsAreReassembled() {
        String sse = """
                data: {"id":"cmpl-1","object":"text_completion","created":1690759702,"choices":[{"text":"Once","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct"}

                data: {"id":"cmpl-1","object":"text_completion","created":1690759702,"choices":[{"text":" upon","index":0,"logprobs":null,"finish_reason":"length"}],"model":"gpt-3.5-turbo-instruct"}

                data: [DONE]

                """;
        ResponseText parsed = ResponseText.parse(sse);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response().get("object").asText()).isEqualTo("text_completion");
        assertThat(parsed.response().at("/choices/0/text").asText()).isEqualTo("Once upon");
        assertThat(parsed.response().at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void errorStackBeforeServerSentEventsIsSkipped() {
        ResponseText parsed = ResponseText.parse("Error: socket hang up\n    at TLSSocket.onHangUp (node:_http_client:1:1)\n\n"
                + OPENAI_SSE);
        assertHelloWorld(parsed);
    }

    @Test
    void unknownServerSentEventsAreKeptAsChunks() {
        ResponseText parsed = ResponseText.parse("data: {\"token\":\"a\"}\n\ndata: {\"token\":\"b\"}\n\ndata: [DONE]\n\n");
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response()).isEqualTo(TestJson.parse("{\"chunks\":[{\"token\":\"a\"},{\"token\":\"b\"}]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "data: [DONE]\n\n",
            "data: hello there\n\nthat was all",
            "Notes:\ndata: none yet\n",
            "data:\n\n"})
    void dataLinesWithoutAnyJsonObjectAreNotAStream(String text) {
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isFalse();
        assertThat(parsed.response()).isEqualTo(TextNode.valueOf(text));
    }

    // ------------------------------------------------------------ NDJSON (Helicone's Node manual logger)

    private static String ndjson(List<ObjectNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (ObjectNode chunk : chunks) {
            text.append(chunk.toString()).append("\n"); // JSON.stringify(chunk) + "\n"
        }
        return text.toString();
    }

    private static List<ObjectNode> openAiChunkObjects() {
        return List.of(
                (ObjectNode) TestJson.parse(chunk("chatcmpl-1", "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null)),
                (ObjectNode) TestJson.parse(chunk("chatcmpl-1", "{\"content\":\"Hello\"}", null)),
                (ObjectNode) TestJson.parse(chunk("chatcmpl-1", "{\"content\":\" world\"}", null)),
                (ObjectNode) TestJson.parse(chunk("chatcmpl-1", "{}", "stop")),
                (ObjectNode) TestJson.parse(USAGE_CHUNK));
    }

    @Test
    void newlineDelimitedChunksAreReassembledLikeServerSentEvents() {
        String text = ndjson(openAiChunkObjects());
        assertThat(text).doesNotContain("data:").endsWith("}\n");
        assertHelloWorld(ResponseText.parse(text));
    }

    @Test
    void newlineDelimitedChunksWithCrlfAndBlankLinesAreReassembled() {
        assertHelloWorld(ResponseText.parse(ndjson(openAiChunkObjects()).replace("\n", "\r\n\r\n")));
    }

    @Test
    void newlineDelimitedAnthropicEventsAreReassembled() {
        String text = """
                {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}
                {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}
                {"type":"content_block_stop","index":0}
                {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}
                {"type":"message_stop"}
                """;
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response().at("/content/0/text").asText()).isEqualTo("Hi");
        assertThat(parsed.response().at("/usage/output_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void errorStackBeforeNewlineDelimitedChunksIsKeptAsText() {
        // Helicone's Node logger, on a failed stream: error stack + "\n\n" + the chunks read so far.
        String text = "Error: terminated\n    at Fetch.onAborted (node:internal/deps/undici/undici:11124:53)\n"
                + "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n\n"
                + ndjson(openAiChunkObjects());
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isFalse();
        assertThat(parsed.response()).isEqualTo(TextNode.valueOf(text));
    }

    @Test
    void oneJsonLineIsPlainJsonNotAStream() {
        String text = chunk("chatcmpl-1", "{\"content\":\"Hi\"}", null) + "\n";
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isFalse();
        assertThat(parsed.response()).isEqualTo(TestJson.parse(text));
    }

    @Test
    void linesOfJsonThatAreNotAllObjectsAreText() {
        for (String text : List.of("{\"a\":1}\n[1,2]\n", "{\"a\":1}\n{\"b\":\n", "1\n2\n3\n")) {
            ResponseText parsed = ResponseText.parse(text);
            assertThat(parsed.streamed()).as(text).isFalse();
            assertThat(parsed.response()).as(text).isEqualTo(TextNode.valueOf(text));
        }
    }

    @Test
    void newlineDelimitedUnknownObjectsAreChunks() {
        ResponseText parsed = ResponseText.parse("{\"a\":1}\n{\"b\":2}\n");
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response()).isEqualTo(TestJson.parse("{\"chunks\":[{\"a\":1},{\"b\":2}]}"));
    }

    // ------------------------------------------------------------ plain JSON and text

    @Test
    void jsonTextIsParsed() {
        String text = """
                {"id":"chatcmpl-2","object":"chat.completion","model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"data: is a word"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}
                """;
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isFalse();
        assertThat(parsed.response()).isEqualTo(TestJson.parse(text));
    }

    @Test
    void anyJsonValueIsParsed() {
        assertThat(ResponseText.parse("[1, 2]").response()).isEqualTo(TestJson.parse("[1,2]"));
        assertThat(ResponseText.parse(" \"quoted\" ").response()).isEqualTo(TextNode.valueOf("quoted"));
        assertThat(ResponseText.parse("42").response().intValue()).isEqualTo(42);
        assertThat(ResponseText.parse("null").response().isNull()).isTrue();
        assertThat(ResponseText.parse("\uFEFF{\"a\":1}").response()).isEqualTo(TestJson.parse("{\"a\":1}"));
    }

    @Test
    void plainTextIsKept() {
        String text = "Error: upstream exploded\n\nat line 1";
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed).isEqualTo(new ResponseText(TextNode.valueOf(text), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\n", "{} {}", "{\"a\":1} trailing", "nope", "true false",
            "{\"a\":", "<html><body>502</body></html>", "NaN", "data", ":\n:\n", "\uFEFF"})
    void textThatIsNoneOfThoseIsKeptAsItIs(String text) {
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isFalse();
        assertThat(parsed.response()).isEqualTo(TextNode.valueOf(text));
    }

    @Test
    void nullTextIsTheEmptyText() {
        assertThat(ResponseText.parse(null)).isEqualTo(new ResponseText(TextNode.valueOf(""), false));
    }

    // ------------------------------------------------------------ size and hostile input

    @Test
    void aFiveMegabyteStreamIsReassembled() {
        String piece = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sse = new StringBuilder("data: " + chunk("chatcmpl-1", "{\"role\":\"assistant\",\"content\":\"\"}", null) + "\n\n");
        int chunks = 0;
        while (sse.length() < 5 * 1024 * 1024) {
            sse.append("data: ").append(chunk("chatcmpl-1", "{\"content\":\"" + piece + "\"}", null)).append("\n\n");
            chunks++;
        }
        sse.append("data: ").append(chunk("chatcmpl-1", "{}", "stop")).append("\n\ndata: [DONE]\n\n");

        ResponseText parsed = ResponseText.parse(sse.toString());

        assertThat(parsed.streamed()).isTrue();
        String content = parsed.response().at("/choices/0/message/content").asText();
        assertThat(content).hasSize(chunks * piece.length()).startsWith(piece).endsWith(piece);
    }

    static Stream<Arguments> hostileTexts() {
        int tenMiB = 10 * 1024 * 1024;
        return Stream.of(
                Arguments.of("deep objects", (Supplier<String>) () -> "{\"a\":".repeat(tenMiB / 5)),
                Arguments.of("deep arrays", (Supplier<String>) () -> "[".repeat(tenMiB)),
                Arguments.of("deep data", (Supplier<String>) () -> "data: " + "[".repeat(tenMiB)),
                Arguments.of("deep object data", (Supplier<String>) () -> "data: " + "{\"a\":".repeat(tenMiB / 5)),
                Arguments.of("newlines", (Supplier<String>) () -> "\n".repeat(tenMiB)),
                Arguments.of("carriage returns", (Supplier<String>) () -> "\r".repeat(tenMiB)),
                Arguments.of("colons", (Supplier<String>) () -> ":".repeat(tenMiB)),
                Arguments.of("field names", (Supplier<String>) () -> "dat\n".repeat(tenMiB / 4)),
                Arguments.of("lines without colons", (Supplier<String>) () -> "x\n".repeat(tenMiB / 2) + ":"),
                Arguments.of("data words", (Supplier<String>) () -> "data data:".repeat(tenMiB / 10)),
                Arguments.of("empty data", (Supplier<String>) () -> "data:\n".repeat(tenMiB / 6)),
                Arguments.of("one huge multi-line event", (Supplier<String>) () -> "data: {\"a\":1}\n".repeat(tenMiB / 14)),
                Arguments.of("many broken lines", (Supplier<String>) () -> "{\"a\":1}\n{\n".repeat(tenMiB / 10)),
                Arguments.of("one long string", (Supplier<String>) () -> "\"" + "x".repeat(tenMiB) + "\""),
                Arguments.of("unterminated string", (Supplier<String>) () -> "{\"" + "x".repeat(tenMiB)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTexts")
    // Not a speed test: a guard so that a quadratic slip fails here instead of hanging the build.
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hostileTextsNeverThrow(String name, Supplier<String> text) {
        String input = text.get();
        ResponseText parsed = ResponseText.parse(input);
        assertThat(parsed).isNotNull();
        assertThat(parsed.response()).isNotNull();
    }

    @Test
    void manySmallEventsOfOneHugeMultiLineEventAreEachRead() {
        String text = ("data: " + chunk("c", "{\"content\":\"x\"}", null) + "\n").repeat(20_000);
        ResponseText parsed = ResponseText.parse(text);
        assertThat(parsed.streamed()).isTrue();
        assertThat(parsed.response().at("/choices/0/message/content").asText()).hasSize(20_000);
    }

    @Test
    void reassembledResponsesAreOrdinaryTrees() {
        JsonNode r = ResponseText.parse(OPENAI_SSE).response();
        // Written and read back, the response is the same: nothing in it is tied to the text.
        assertThat(TestJson.parse(r.toString())).isEqualTo(r);
        assertThat(r.getNodeType()).isEqualTo(JsonNodeFactory.instance.objectNode().getNodeType());
    }

    @org.junit.jupiter.api.Test
    void aStreamWithMoreEventsThanAnyRealResponseIsKeptAsText() {
        String many = "{\"a\":1}\n".repeat(ResponseText.MAX_EVENTS + 1);
        ResponseText parsed = ResponseText.parse(many);
        org.assertj.core.api.Assertions.assertThat(parsed.streamed()).isFalse();
        org.assertj.core.api.Assertions.assertThat(parsed.response().isTextual()).isTrue();
        String enough = "{\"a\":1}\n".repeat(1000);
        org.assertj.core.api.Assertions.assertThat(ResponseText.parse(enough).streamed()).isTrue();
    }
}
