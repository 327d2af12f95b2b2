package io.heliograph.support;

/** Bodies for the log routes, shaped as real clients send them. */
public final class Logs {
    private Logs() {
    }

    /** Helicone's async log body with an OpenAI chat completion (13 + 17 tokens of gpt-4o). */
    public static String heliconeOpenAi(String meta, long startMillis, long endMillis) {
        return """
                {"providerRequest":{"url":"https://api.openai.com/v1/chat/completions",
                  "json":{"model":"gpt-4o","messages":[{"role":"user","content":"Say hi"}],"temperature":0.7},
                  "meta":%s},
                 "providerResponse":{"status":200,"headers":{},
                  "json":{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06",
                    "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],
                    "usage":{"prompt_tokens":13,"completion_tokens":17,"total_tokens":30}}},
                 "timing":{"startTime":{"seconds":%d,"milliseconds":%d},"endTime":{"seconds":%d,"milliseconds":%d}}}
                """.formatted(meta, startMillis / 1000, startMillis % 1000, endMillis / 1000, endMillis % 1000);
    }

    /** The plain log body. */
    public static String plain(String requestId, String model, String userId, String propertiesJson, String startedAt,
            String endedAt) {
        return """
                {%s"model":%s,"provider":"openai","user_id":%s,"properties":%s,
                 "request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]},
                 "response":{"choices":[{"message":{"role":"assistant","content":"hey"}}],
                   "usage":{"prompt_tokens":1000,"completion_tokens":2000,"total_tokens":3000}},
                 "status":200,"started_at":"%s","ended_at":"%s"}
                """.formatted(requestId == null ? "" : "\"request_id\":\"" + requestId + "\",",
                model == null ? "null" : "\"" + model + "\"", userId == null ? "null" : "\"" + userId + "\"",
                propertiesJson, startedAt, endedAt);
    }
}
