package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestJson;
import io.heliograph.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The webhooks API over HTTP, on each store: what a customer sees. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class WebhooksApiTest {
    private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    private static final String UUID_TEXT = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String VALID = """
            {"destination":"https://hooks.example.com/webhook","config":{}}""";

    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void startServer(StoreKind store) {
        server = TestServer.start(store);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    private static Api api() {
        return server.api();
    }

    private static JsonNode create(String body) {
        Api.Response r = api().post("/v1/webhooks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.data();
    }

    @Test
    void createAnswersTheWholeWebhookWithDefaults() {
        Api.Response r = api().post("/v1/webhooks", VALID);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("error").isNull()).isTrue();
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode w = r.data();
        assertThat(w.get("id").asText()).matches(UUID_TEXT);
        assertThat(w.get("created_at").asText()).matches(ISO_MILLIS);
        assertThat(w.get("destination").asText()).isEqualTo("https://hooks.example.com/webhook");
        assertThat(w.get("version").asText()).isEqualTo("2024-10-22");
        assertThat(w.get("enabled").asBoolean()).isTrue();
        assertThat(w.get("disabled_reason").isNull()).isTrue();
        assertThat(w.get("config").toString()).isEqualTo("{\"sampleRate\":100,\"propertyFilters\":[],\"includeData\":true,\"filter\":null}");
        assertThat(w.get("includeData").asBoolean()).isTrue();
        String hmacKey = w.get("hmac_key").asText();
        assertThat(hmacKey).matches("[0-9a-f]{64}");
        assertThat(w.get("signing_secret").asText())
                .isEqualTo("whsec_" + Base64.getEncoder().encodeToString(hmacKey.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void createKeepsTheGivenConfig() {
        JsonNode w = create("""
                {"destination":"https://hooks.example.com/a","config":{"sampleRate":12.5,
                 "propertyFilters":[{"key":"model","value":"gpt-4"},{"key":"environment","value":"prod"}]},
                 "includeData":false}""");
        assertThat(w.get("config").toString()).isEqualTo(
                "{\"sampleRate\":12.5,\"propertyFilters\":[{\"key\":\"model\",\"value\":\"gpt-4\"},"
                        + "{\"key\":\"environment\",\"value\":\"prod\"}],\"includeData\":false,\"filter\":null}");
        assertThat(w.get("includeData").asBoolean()).isFalse();
    }

    @Test
    void includeDataMayBeGivenInConfigAndTheTopLevelWins() {
        assertThat(create("""
                {"destination":"https://hooks.example.com/a","config":{"includeData":false}}""")
                .get("includeData").asBoolean()).isFalse();
        assertThat(create("""
                {"destination":"https://hooks.example.com/a","config":{"includeData":false},"includeData":true}""")
                .get("includeData").asBoolean()).isTrue();
        assertThat(create("""
                {"destination":"https://hooks.example.com/a","config":{"includeData":false},"includeData":null}""")
                .get("includeData").asBoolean()).isFalse();
        assertThat(create("""
                {"destination":"https://hooks.example.com/a","config":{"sampleRate":null,"propertyFilters":null}}""")
                .get("config").toString()).isEqualTo("{\"sampleRate\":100,\"propertyFilters\":[],\"includeData\":true,\"filter\":null}");
    }

    @Test
    void listIsAPlainArrayNewestFirstWithKeys() {
        Api own = server.apiForNewKey("list-org-" + store);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(own.post("/v1/webhooks", VALID).data().get("id").asText());
        }
        Api.Response r = own.get("/v1/webhooks");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().isArray()).isTrue();
        List<String> listed = new ArrayList<>();
        r.data().forEach(w -> listed.add(w.get("id").asText()));
        assertThat(listed).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        r.data().forEach(w -> assertThat(w.get("hmac_key").asText()).matches("[0-9a-f]{64}"));
    }

    @Test
    void getAnswersOneWebhookAndUnknownOrMalformedIdsAre404() {
        JsonNode created = create(VALID);
        String id = created.get("id").asText();

        Api.Response found = api().get("/v1/webhooks/" + id);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.data()).isEqualTo(created);
        assertThat(api().get("/v1/webhooks/" + id.toUpperCase()).data()).isEqualTo(created);

        for (String missing : List.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "1-1-1-1-1", "%20")) {
            Api.Response r = api().get("/v1/webhooks/" + missing);
            assertThat(r.status()).as(missing).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"Webhook not found\"}");
        }
    }

    @Test
    void patchChangesOnlyTheGivenFields() {
        JsonNode w = create("""
                {"destination":"https://hooks.example.com/a","config":{"sampleRate":50,
                 "propertyFilters":[{"key":"model","value":"gpt-4"}]},"includeData":true}""");
        String path = "/v1/webhooks/" + w.get("id").asText();

        JsonNode rate = api().patch(path, "{\"config\":{\"sampleRate\":25}}").data();
        assertThat(rate.get("config").get("sampleRate").asDouble()).isEqualTo(25);
        assertThat(rate.get("config").get("propertyFilters")).isEqualTo(w.get("config").get("propertyFilters"));
        assertThat(rate.get("destination")).isEqualTo(w.get("destination"));
        assertThat(rate.get("hmac_key")).isEqualTo(w.get("hmac_key"));

        JsonNode filters = api().patch(path, "{\"config\":{\"propertyFilters\":[{\"key\":\"env\",\"value\":\"prod\"}]}}").data();
        assertThat(filters.get("config").get("sampleRate").asDouble()).isEqualTo(25);
        assertThat(filters.get("config").get("propertyFilters").toString()).isEqualTo("[{\"key\":\"env\",\"value\":\"prod\"}]");

        JsonNode moved = api().patch(path, "{\"destination\":\"https://other.example.com/b\",\"includeData\":false}").data();
        assertThat(moved.get("destination").asText()).isEqualTo("https://other.example.com/b");
        assertThat(moved.get("includeData").asBoolean()).isFalse();
        assertThat(moved.get("config").get("includeData").asBoolean()).isFalse();
        assertThat(moved.get("config").get("sampleRate").asDouble()).isEqualTo(25);

        JsonNode unchanged = api().patch(path, "{\"destination\":null,\"config\":null,\"enabled\":null}").data();
        assertThat(unchanged).isEqualTo(moved);
        assertThat(api().patch(path, "{}").data()).isEqualTo(moved);
        assertThat(api().get(path).data()).isEqualTo(moved);
    }

    @Test
    void disablingAndReEnablingClearsTheReason() {
        String id = create(VALID).get("id").asText();
        String path = "/v1/webhooks/" + id;
        assertThat(api().patch(path, "{\"enabled\":false}").data().get("enabled").asBoolean()).isFalse();
        // Heliograph itself disables webhooks with a reason (e.g. after 410); simulate that state.
        server.heliograph().database().jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE webhooks SET disabled_reason = 'Destination answered 410 Gone' WHERE id = :id")
                .bind("id", id).execute());
        assertThat(api().get(path).data().get("disabled_reason").asText()).isEqualTo("Destination answered 410 Gone");

        JsonNode enabled = api().patch(path, "{\"enabled\":true}").data();
        assertThat(enabled.get("enabled").asBoolean()).isTrue();
        assertThat(enabled.get("disabled_reason").isNull()).isTrue();
    }

    @Test
    void patchRunsTheSameChecksOnWhatIsGiven() {
        String path = "/v1/webhooks/" + create(VALID).get("id").asText();
        assertPatchError(path, "{\"destination\":5}", "Destination is required");
        assertPatchError(path, "{\"destination\":\"nope\"}", "Invalid destination URL");
        assertPatchError(path, "{\"destination\":\"http://hooks.example.com\"}", "Destination must use HTTPS");
        assertPatchError(path, "{\"destination\":\"https://127.0.0.1/x\"}", "Destination cannot point to private or internal networks");
        assertPatchError(path, "{\"config\":[]}", "Config is required");
        assertPatchError(path, "{\"config\":{\"sampleRate\":101}}", "Sample rate must be between 0 and 100");
        assertPatchError(path, "{\"config\":{\"propertyFilters\":{}}}", "Property filters must be an array");
        assertPatchError(path, "{\"config\":{\"propertyFilters\":[{\"key\":1,\"value\":\"x\"}]}}",
                "Property filters must be an array of objects with key and value properties");
        assertPatchError(path, "{\"includeData\":\"yes\"}", "includeData must be a boolean");
        assertPatchError(path, "{\"config\":{\"includeData\":1}}", "includeData must be a boolean");
        assertPatchError(path, "{\"enabled\":\"no\"}", "enabled must be a boolean");
        assertPatchError(path, "[]", "Invalid JSON body");
        assertPatchError(path, "{", "Invalid JSON body");
        // A refused patch changes nothing.
        assertThat(api().get(path).data().get("config").get("sampleRate").asInt()).isEqualTo(100);
    }

    private static void assertPatchError(String path, String body, String message) {
        Api.Response r = api().patch(path, body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.body()).as(body).isEqualTo("{\"data\":null,\"error\":\"" + message + "\"}");
    }

    @Test
    void deleteRemovesTheWebhook() {
        String path = "/v1/webhooks/" + create(VALID).get("id").asText();

        Api.Response deleted = api().delete(path);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"data\":null,\"error\":null}");
        assertThat(api().get(path).status()).isEqualTo(404);
        assertThat(api().delete(path).status()).isEqualTo(404);
        assertThat(api().patch(path, "{}").status()).isEqualTo(404);
        assertThat(api().post(path + "/rotate-secret", null).status()).isEqualTo(404);
        assertThat(api().get("/v1/webhooks").data().findValuesAsText("id")).doesNotContain(path.substring(13));
    }

    @Test
    void rotateSecretGivesANewKeyAndKeepsTheOldOneFor24Hours() throws Exception {
        JsonNode before = create(VALID);
        String id = before.get("id").asText();

        Api.Response r = api().post("/v1/webhooks/" + id + "/rotate-secret", null);

        assertThat(r.status()).isEqualTo(200);
        JsonNode after = r.data();
        assertThat(after.get("id")).isEqualTo(before.get("id"));
        assertThat(after.get("hmac_key").asText()).matches("[0-9a-f]{64}").isNotEqualTo(before.get("hmac_key").asText());
        assertThat(after.get("signing_secret").asText()).isEqualTo("whsec_"
                + Base64.getEncoder().encodeToString(after.get("hmac_key").asText().getBytes(StandardCharsets.UTF_8)));
        assertThat(api().get("/v1/webhooks/" + id).data().get("hmac_key")).isEqualTo(after.get("hmac_key"));

        long now = System.currentTimeMillis();
        String stored = server.heliograph().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT previous_keys FROM webhooks WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        JsonNode previous = TestJson.parse(stored);
        assertThat(previous).hasSize(1);
        assertThat(previous.get(0).get("key").asText()).isEqualTo(before.get("hmac_key").asText());
        assertThat(previous.get(0).get("expiresAt").asLong()).isBetween(now + 24 * 3600_000L - 60_000, now + 24 * 3600_000L + 1000);
    }

    @Test
    void missingOrWrongKeysAre401() {
        String unauthorized = "{\"data\":null,\"error\":\"Unauthorized\"}";
        Api anonymous = api().withKey(null);
        for (Api.Response r : List.of(
                anonymous.get("/v1/webhooks"),
                anonymous.post("/v1/webhooks", VALID),
                anonymous.get("/v1/webhooks/00000000-0000-0000-0000-000000000000"),
                anonymous.get("/v1/anything"),
                api().withKey("hg_wrong").get("/v1/webhooks"),
                api().withKey("").get("/v1/webhooks"))) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(unauthorized);
        }
        Api.Response basic = api().withKey(null).send("GET", "/v1/webhooks", (byte[]) null, null);
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnce() {
        Api api = server.apiForNewKey("revoke-org-" + store);
        assertThat(api.get("/v1/webhooks").status()).isEqualTo(200);
        String keyId = server.keys().list().stream()
                .filter(k -> k.organization().equals("revoke-org-" + store)).findFirst().orElseThrow().id();

        assertThat(server.keys().revoke(keyId)).isEqualTo(io.heliograph.auth.ApiKeyStore.RevokeResult.REVOKED);

        assertThat(api.get("/v1/webhooks").status()).isEqualTo(401);
    }

    @Test
    void anotherOrgsWebhookIsNotFound() {
        String id = create(VALID).get("id").asText();
        Api other = server.apiForNewKey("other-org-" + store);
        String path = "/v1/webhooks/" + id;

        for (Api.Response r : List.of(other.get(path), other.patch(path, "{\"enabled\":false}"),
                other.patch(path, "{\"config\":{\"sampleRate\":-1}}"), other.delete(path),
                other.post(path + "/rotate-secret", null))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"Webhook not found\"}");
        }
        assertThat(other.get("/v1/webhooks").data().findValuesAsText("id")).doesNotContain(id);
        JsonNode mine = api().get(path).data();
        assertThat(mine.get("enabled").asBoolean()).isTrue();
    }

    @Test
    void badBodiesGetClear4xxEnvelopes() {
        Api.Response text = api().send("POST", "/v1/webhooks", VALID, "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.error()).isEqualTo("Content-Type must be application/json");

        Api.Response form = api().send("POST", "/v1/webhooks", "destination=x", "application/x-www-form-urlencoded");
        assertThat(form.status()).isEqualTo(415);

        Api.Response charset = api().send("POST", "/v1/webhooks", VALID, "application/json; charset=utf-8");
        assertThat(charset.status()).isEqualTo(200);

        Api.Response none = api().send("POST", "/v1/webhooks", VALID, null);
        assertThat(none.status()).isEqualTo(200);

        byte[] huge = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        Api.Response tooLarge = api().send("POST", "/v1/webhooks", huge, "application/json");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body()).isEqualTo("{\"data\":null,\"error\":\"Request body too large (limit 10 MiB)\"}");

        Api.Response empty = api().send("POST", "/v1/webhooks", new byte[0], "application/json");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).isEqualTo("Invalid JSON body");

        String deep = "[".repeat(5000) + "]".repeat(5000);
        Api.Response tooDeep = api().post("/v1/webhooks", deep);
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.error()).isEqualTo("Invalid JSON body");
    }

    @Test
    void unknownRoutesAre404Envelopes() {
        Api.Response r = api().get("/v1/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"Not found\"}");
        assertThat(api().send("PUT", "/v1/webhooks", VALID, "application/json").status()).isEqualTo(404);
    }

    @Test
    void requestsHelidonRefusesBeforeRoutingStillGetTheEnvelope() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.heliograph().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/webhooks/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TestServer.BOOTSTRAP_KEY + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400").contains("application/json")
                    .endsWith("{\"data\":null,\"error\":\"Bad Request\"}");
        }
    }

    @Test
    void healthAndReadiness() {
        Api plain = api().withKey(null);
        assertThat(plain.get("/healthz").status()).isEqualTo(200);
        Api.Response ready = plain.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    }
}
