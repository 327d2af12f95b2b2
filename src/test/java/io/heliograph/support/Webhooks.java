package io.heliograph.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Creating webhooks and checking signatures the way a customer's receiver would. */
public final class Webhooks {
    private Webhooks() {
    }

    public static JsonNode create(Api api, String destination, String configJson, boolean includeData) {
        Api.Response r = api.post("/v1/webhooks", "{\"destination\":\"" + destination + "\",\"config\":" + configJson
                + ",\"includeData\":" + includeData + "}");
        if (r.status() != 200) {
            throw new AssertionError(r.body());
        }
        return r.data();
    }

    /** Helicone's scheme: lowercase hex HMAC-SHA256 of the body, keyed with the hmac_key's UTF-8 bytes. */
    public static String heliconeSignature(byte[] body, String hmacKey) {
        return HexFormat.of().formatHex(hmac(hmacKey.getBytes(StandardCharsets.UTF_8), body));
    }

    /** Standard Webhooks, from the signing secret alone, as its reference libraries compute it. */
    public static String standardSignature(String signingSecret, String id, String timestamp, byte[] body) {
        byte[] key = Base64.getDecoder().decode(signingSecret.substring("whsec_".length()));
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, signed));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plain-route log body with a user, properties, and OpenAI-style usage. */
    public static String log(String requestId, String model, String environment) {
        return """
                {"request_id":"%s","model":"%s","provider":"openai","user_id":"user_123",
                 "properties":{"Environment":"%s"},
                 "request":{"model":"%s","messages":[{"role":"user","content":"hi"}],"temperature":1.0},
                 "response":{"choices":[{"message":{"role":"assistant","content":"yo"}}],
                   "usage":{"prompt_tokens":13,"completion_tokens":17,"total_tokens":30}},
                 "status":200,"started_at":"2026-01-15T10:30:00.000Z","ended_at":"2026-01-15T10:30:00.930Z"}"""
                .formatted(requestId, model, environment, model);
    }
}
