package io.heliograph.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls a running server the way a customer would: plain HTTP with a Bearer key. */
public final class Api {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String baseUrl;
    private final String apiKey;

    public Api(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    public Api withKey(String key) {
        return new Api(baseUrl, key);
    }

    public String apiKey() {
        return apiKey;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Response get(String path) {
        return send("GET", path, (byte[]) null, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, (byte[]) null, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    public Response patch(String path, String json) {
        return send("PATCH", path, json, "application/json");
    }

    public Response send(String method, String path, String body, String contentType) {
        return send(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
    }

    public Response send(String method, String path, byte[] body, String contentType) {
        return send(method, path, body, contentType, java.util.Map.of());
    }

    /** A JSON POST with extra headers, as Helicone's loggers send their Helicone-* headers. */
    public Response postWithHeaders(String path, String json, java.util.Map<String, String> headers) {
        return send("POST", path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json", headers);
    }

    public Response send(String method, String path, byte[] body, String contentType, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && body != null) {
            request.header("Content-Type", contentType);
        }
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response: status, raw body and, when it is JSON, the parsed body. */
    public record Response(int status, String body, java.util.Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return TestJson.parse(body);
        }

        public JsonNode data() {
            return json().get("data");
        }

        public String error() {
            JsonNode error = json().get("error");
            return error == null || error.isNull() ? null : error.asText();
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }
}
