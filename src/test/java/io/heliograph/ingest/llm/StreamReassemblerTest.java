package io.heliograph.ingest.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.heliograph.support.TestJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamReassemblerTest {
    /** Events written one JSON object per line. */
    private static List<JsonNode> events(String lines) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                events.add(TestJson.parse(line));
            }
        }
        return events;
    }

    private static JsonNode reassemble(String lines) {
        return StreamReassembler.reassemble(events(lines));
    }

    // ------------------------------------------------------------ OpenAI chat

    private static final String CHAT = """
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":"! How can I"},"logprobs":null,"finish_reason":null}],"usage":null}
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":" help?"},"logprobs":null,"finish_reason":null}],"usage":null}
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """;

    @Test
    void openAiChatStreamBecomesOneChatCompletion() {
        JsonNode r = reassemble(CHAT);

        assertThat(r).isEqualTo(TestJson.parse("""
                {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741570283,
                 "model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","service_tier":"default",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?","refusal":null},
                             "finish_reason":"stop"}],
                 "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
                          "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                          "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
                             "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"""));
        assertThat(r.get("choices").get(0).has("logprobs")).isFalse();
        assertThat(r.get("choices").get(0).get("message").has("tool_calls")).isFalse();
    }

    @Test
    void chatWithoutUsageHasNullUsageAndNoFingerprintKey() {
        JsonNode r = reassemble("""
                {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}
                {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}
                """);
        assertThat(r.get("usage").isNull()).isTrue();
        assertThat(r.has("system_fingerprint")).isFalse();
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.at("/choices/0/message").has("refusal")).isFalse();
    }

    @Test
    void chatContentIsNullWhenNoneEverArrived() {
        JsonNode r = reassemble("""
                {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}
                {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
                """);
        assertThat(r.at("/choices/0/message/content").isNull()).isTrue();
    }

    @Test
    void chatToolCallsSplitAcrossChunksAreMergedByIndex() {
        JsonNode r = reassemble("""
                {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1741570300,"model":"gpt-4o-mini","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}]}
                {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1741570300,"model":"gpt-4o-mini","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"lo"}}]},"logprobs":null,"finish_reason":null}]}
                {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1741570300,"model":"gpt-4o-mini","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"cation\\": \\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null}]}
                {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1741570300,"model":"gpt-4o-mini","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}]}
                {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1741570300,"model":"gpt-4o-mini","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"tz\\":\\"CET\\"}"}}]},"logprobs":null,"finish_reason":null}]}
                {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1741570300,"model":"gpt-4o-mini","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}
                """);

        JsonNode message = r.at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).isEqualTo(TestJson.parse("""
                [{"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function",
                  "function":{"name":"get_weather","arguments":"{\\"location\\": \\"Paris\\"}"}},
                 {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{\\"tz\\":\\"CET\\"}"}}]"""));
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(r.get("system_fingerprint").asText()).isEqualTo("fp_06737a9306");
    }

    @Test
    void toolCallsWithoutIndexAreToldApartById() {
        JsonNode r = reassemble("""
                {"id":"x","object":"chat.completion.chunk","created":1,"model":"gemini-2.0-flash","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}
                {"id":"x","object":"chat.completion.chunk","created":1,"model":"gemini-2.0-flash","choices":[{"index":0,"delta":{"tool_calls":[{"id":"b","type":"function","function":{"name":"g","arguments":"{\\"k\\":1}"}}]},"finish_reason":"tool_calls"}]}
                """);
        assertThat(r.at("/choices/0/message/tool_calls")).hasSize(2);
        assertThat(r.at("/choices/0/message/tool_calls/1/function/name").asText()).isEqualTo("g");
        assertThat(r.at("/choices/0/message/tool_calls/1/function/arguments").asText()).isEqualTo("{\"k\":1}");
    }

    @Test
    void severalChoicesAreKeptApartAndSortedByIndex() {
        JsonNode r = reassemble("""
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":1,"delta":{"role":"assistant","content":""},"finish_reason":null},{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":1,"delta":{"content":"Bon"},"finish_reason":null}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":1,"delta":{"content":"jour"},"finish_reason":null}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":1,"delta":{},"finish_reason":"length"}]}
                {"id":"c","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}
                """);
        assertThat(r.get("choices")).hasSize(2);
        assertThat(r.at("/choices/0/index").asInt()).isEqualTo(0);
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Hello");
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(r.at("/choices/1/index").asInt()).isEqualTo(1);
        assertThat(r.at("/choices/1/message/content").asText()).isEqualTo("Bonjour");
        assertThat(r.at("/choices/1/finish_reason").asText()).isEqualTo("length");
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void refusalsAreConcatenated() {
        JsonNode r = reassemble("""
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""}}]}
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"refusal":"I can't "}}]}
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"refusal":"help with that."},"finish_reason":"stop"}]}
                """);
        assertThat(r.at("/choices/0/message/refusal").asText()).isEqualTo("I can't help with that.");
        assertThat(r.at("/choices/0/message/content").isNull()).isTrue();
    }

    @Test
    void azurePromptFilterChunkWithEmptyModelDoesNotHideTheModel() {
        JsonNode r = reassemble("""
                {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}
                {"choices":[{"content_filter_results":{},"delta":{"content":"Hi","role":"assistant"},"finish_reason":null,"index":0}],"created":1741570283,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk"}
                {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0}],"created":1741570283,"id":"chatcmpl-az","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk"}
                """);
        assertThat(r.get("id").asText()).isEqualTo("chatcmpl-az");
        assertThat(r.get("model").asText()).isEqualTo("gpt-4o-2024-11-20");
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Hi");
    }

    @Test
    void chunksWithoutObjectFieldAreRecognisedByTheirDeltas() {
        JsonNode r = reassemble("""
                {"id":"x","model":"llama3","choices":[{"index":0,"delta":{"content":"a"}}]}
                {"id":"x","model":"llama3","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}
                """);
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("ab");
        assertThat(r.at("/choices/0/message/role").asText()).isEqualTo("assistant");
    }

    // ------------------------------------------------------------ OpenAI legacy completions

    @Test
    void legacyCompletionsStreamBecomesOneTextCompletion() {
        JsonNode r = reassemble("""
                {"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[{"text":"This","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct"}
                {"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[{"text":" is a","index":0,"logprobs":null,"finish_reason":null}],"model":"gpt-3.5-turbo-instruct"}
                {"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[{"text":" test.","index":0,"logprobs":null,"finish_reason":"stop"}],"model":"gpt-3.5-turbo-instruct"}
                {"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,"choices":[],"model":"gpt-3.5-turbo-instruct","usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}
                """);
        assertThat(r).isEqualTo(TestJson.parse("""
                {"id":"cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe","object":"text_completion","created":1690759702,
                 "model":"gpt-3.5-turbo-instruct",
                 "choices":[{"index":0,"text":"This is a test.","finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}"""));
    }

    // ------------------------------------------------------------ Anthropic

    private static final String ANTHROPIC_TEXT = """
            {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":2048,"output_tokens":1,"service_tier":"standard"}}}
            {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
            {"type":"ping"}
            {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}
            {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"! How can I help?"}}
            {"type":"content_block_stop","index":0}
            {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}
            {"type":"message_stop"}
            """;

    @Test
    void anthropicStreamBecomesOneMessage() {
        assertThat(reassemble(ANTHROPIC_TEXT)).isEqualTo(TestJson.parse("""
                {"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant",
                 "model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Hello! How can I help?"}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":2048,
                          "output_tokens":15,"service_tier":"standard"}}"""));
    }

    @Test
    void anthropicEventsAreNotModified() {
        List<JsonNode> events = events(ANTHROPIC_TEXT);
        String before = events.toString();
        StreamReassembler.reassemble(events);
        assertThat(events.toString()).isEqualTo(before);
    }

    @Test
    void anthropicToolUseInputIsParsedFromPartialJson() {
        JsonNode r = reassemble("""
                {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-4-1-20250805","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}
                {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check the weather."}}
                {"type":"content_block_stop","index":0}
                {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}
                {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}
                {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}
                {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Fra"}}
                {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ncisco, CA\\", \\"unit\\": \\"fahrenheit\\"}"}}
                {"type":"content_block_stop","index":1}
                {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}
                {"type":"message_stop"}
                """);
        assertThat(r.get("content")).isEqualTo(TestJson.parse("""
                [{"type":"text","text":"Let me check the weather."},
                 {"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather",
                  "input":{"location":"San Francisco, CA","unit":"fahrenheit"}}]"""));
        assertThat(r.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(r.get("usage")).isEqualTo(TestJson.parse("{\"input_tokens\":472,\"output_tokens\":89}"));
    }

    @Test
    void anthropicToolWithoutArgumentsKeepsEmptyInputAndCutOffJsonIsKeptAsText() {
        JsonNode r = reassemble("""
                {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"claude","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}
                {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t0","name":"now","input":{}}}
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}
                {"type":"content_block_stop","index":0}
                {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"search","input":{}}}
                {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\": \\"wea"}}
                """);
        assertThat(r.at("/content/0/input")).isEqualTo(TestJson.parse("{}"));
        assertThat(r.at("/content/1/input")).isEqualTo(TextNode.valueOf("{\"query\": \"wea"));
        assertThat(r.get("stop_reason").isNull()).isTrue();
    }

    @Test
    void anthropicThinkingBlocksCollectThinkingAndSignature() {
        JsonNode r = reassemble("""
                {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":1}}}
                {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}
                {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me solve this step by step:\\n\\n1. First"}}
                {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" break down 27 * 453"}}
                {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}
                {"type":"content_block_stop","index":0}
                {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}
                {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"27 * 453 = 12,231"}}
                {"type":"content_block_stop","index":1}
                {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":120}}
                {"type":"message_stop"}
                """);
        assertThat(r.at("/content/0")).isEqualTo(TestJson.parse("""
                {"type":"thinking","thinking":"Let me solve this step by step:\\n\\n1. First break down 27 * 453",
                 "signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}"""));
        assertThat(r.at("/content/1/text").asText()).isEqualTo("27 * 453 = 12,231");
    }

    @Test
    void anthropicMessageDeltaUsageOverridesOnlyWhatItStates() {
        JsonNode r = reassemble("""
                {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":0,"output_tokens":1}}}
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}
                {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":null,"output_tokens":7,"server_tool_use":{"web_search_requests":1}}}
                """);
        assertThat(r.get("usage")).isEqualTo(TestJson.parse("""
                {"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":0,"output_tokens":7,
                 "server_tool_use":{"web_search_requests":1}}"""));
        // A delta without its content_block_start still lands in a text block.
        assertThat(r.get("content")).isEqualTo(TestJson.parse("[{\"type\":\"text\",\"text\":\"ok\"}]"));
        assertThat(r.get("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void anthropicErrorBeforeAnythingElseIsTheResponse() {
        JsonNode r = reassemble("""
                {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
                """);
        assertThat(r).isEqualTo(TestJson.parse("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    }

    @Test
    void anthropicErrorMidStreamIsKeptBesideThePartialMessage() {
        JsonNode r = reassemble("""
                {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":3,"output_tokens":1}}}
                {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}}
                {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
                """);
        assertThat(r.at("/content/0/text").asText()).isEqualTo("Par");
        assertThat(r.at("/error/type").asText()).isEqualTo("overloaded_error");
    }

    // ------------------------------------------------------------ Gemini

    @Test
    void geminiChunksBecomeOneResponse() {
        JsonNode r = reassemble("""
                {"candidates":[{"content":{"parts":[{"text":"The sky"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash","responseId":"Abc123"}
                {"candidates":[{"content":{"parts":[{"text":" is blue because"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash","responseId":"Abc123"}
                {"candidates":[{"content":{"parts":[{"text":" of Rayleigh scattering."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":12,"totalTokenCount":20},"modelVersion":"gemini-2.0-flash","responseId":"Abc123"}
                """);
        assertThat(r).isEqualTo(TestJson.parse("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"The sky is blue because of Rayleigh scattering."}]},
                                "finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":12,"totalTokenCount":20},
                 "modelVersion":"gemini-2.0-flash","responseId":"Abc123"}"""));
    }

    @Test
    void geminiThoughtsAndFunctionCallsAreKeptAsTheirOwnParts() {
        JsonNode r = reassemble("""
                {"candidates":[{"content":{"parts":[{"text":"Thinking about it","thought":true}],"role":"model"}}]}
                {"candidates":[{"content":{"parts":[{"text":"Checking."}],"role":"model"}}]}
                {"candidates":[{"content":{"parts":[{"functionCall":{"name":"lookup","args":{"q":"x"}}}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"thoughtsTokenCount":9,"totalTokenCount":16}}
                """);
        assertThat(r.at("/candidates/0/content/parts")).isEqualTo(TestJson.parse("""
                [{"text":"Thinking about it","thought":true},{"text":"Checking."},
                 {"functionCall":{"name":"lookup","args":{"q":"x"}}}]"""));
        assertThat(r.at("/candidates/0/index").asInt()).isZero(); // the position when no index is given
        assertThat(r.has("modelVersion")).isFalse();
    }

    // ------------------------------------------------------------ Responses API

    @Test
    void responsesApiStreamIsItsCompletedResponse() {
        JsonNode r = reassemble("""
                {"type":"response.created","sequence_number":0,"response":{"id":"resp_67c9fdcecf488190","object":"response","created_at":1741290958,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"usage":null}}
                {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_67c9fdcecf488190","object":"response","created_at":1741290958,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"usage":null}}
                {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_67c9fdcf","type":"message","status":"in_progress","role":"assistant","content":[]}}
                {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_67c9fdcf","output_index":0,"content_index":0,"delta":"Hi"}
                {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_67c9fdcf","output_index":0,"content_index":0,"delta":" there!"}
                {"type":"response.output_text.done","sequence_number":5,"item_id":"msg_67c9fdcf","output_index":0,"content_index":0,"text":"Hi there!"}
                {"type":"response.completed","sequence_number":6,"response":{"id":"resp_67c9fdcecf488190","object":"response","created_at":1741290958,"status":"completed","model":"gpt-4.1-2025-04-14","output":[{"id":"msg_67c9fdcf","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi there!","annotations":[]}]}],"usage":{"input_tokens":37,"output_tokens":11,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":48}}}
                """);
        assertThat(r.get("status").asText()).isEqualTo("completed");
        assertThat(r.at("/output/0/content/0/text").asText()).isEqualTo("Hi there!");
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(48);
    }

    @Test
    void responsesApiIncompleteResponseCounts() {
        JsonNode r = reassemble("""
                {"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}
                {"type":"response.incomplete","response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}}
                """);
        assertThat(r.get("status").asText()).isEqualTo("incomplete");
    }

    @Test
    void responsesApiStreamCutOffBeforeItsEndKeepsTheEvents() {
        List<JsonNode> events = events("""
                {"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}
                {"type":"response.output_text.delta","delta":"Hi"}
                """);
        JsonNode r = StreamReassembler.reassemble(events);
        assertThat(r.get("chunks")).containsExactlyElementsOf(events);
    }

    // ------------------------------------------------------------ unknown and odd input

    @Test
    void unknownEventsAreKeptAsChunks() {
        List<JsonNode> events = events("""
                {"token":"a"}
                {"token":"b"}
                """);
        assertThat(StreamReassembler.reassemble(events)).isEqualTo(TestJson.parse("{\"chunks\":[{\"token\":\"a\"},{\"token\":\"b\"}]}"));
    }

    @Test
    void noEventsAndNullAreEmptyChunks() {
        assertThat(StreamReassembler.reassemble(List.of())).isEqualTo(TestJson.parse("{\"chunks\":[]}"));
        assertThat(StreamReassembler.reassemble(null)).isEqualTo(TestJson.parse("{\"chunks\":[]}"));
    }

    @Test
    void nullAndNonObjectEventsNeverBreakReassembly() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> events = Arrays.asList(null, NullNode.getInstance(), f.numberNode(4), f.arrayNode(),
                TestJson.parse("{\"object\":\"chat.completion.chunk\",\"choices\":[7,{\"index\":\"zero\",\"delta\":{\"content\":5,\"tool_calls\":[1,{\"function\":{\"arguments\":[]}}]}}]}"),
                TestJson.parse("{\"object\":\"chat.completion.chunk\",\"choices\":\"none\",\"usage\":3}"));
        JsonNode r = StreamReassembler.reassemble(events);
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEmpty();
        assertThat(r.get("usage").isNull()).isTrue();
    }

    @Test
    void malformedFieldsOfEveryFormatNeverThrow() {
        for (String event : List.of(
                "{\"type\":\"message_start\",\"message\":\"nope\"}",
                "{\"type\":\"content_block_start\",\"index\":-3,\"content_block\":[]}",
                "{\"type\":\"content_block_delta\",\"index\":\"x\",\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"cited_text\":\"c\"}}}",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":7}}",
                "{\"type\":\"message_delta\",\"delta\":[],\"usage\":[]}",
                "{\"candidates\":[{\"content\":{\"parts\":[1,{\"text\":2},null]},\"index\":1e40}]}",
                "{\"candidates\":\"x\",\"usageMetadata\":{}}",
                "{\"type\":\"response.completed\",\"response\":\"gone\"}",
                "{\"object\":\"text_completion\",\"choices\":[{\"text\":null}]}")) {
            JsonNode r = StreamReassembler.reassemble(List.of(TestJson.parse(event), TestJson.parse(event)));
            assertThat(r).as(event).isNotNull();
            assertThat(r.isObject()).as(event).isTrue();
        }
    }
}
