package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import io.heliograph.support.Webhooks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code /v1/keys} and key scopes (SPEC §2), on each store: an admin key lists, makes and revokes its
 * organization's keys; a new key works at once and a revoked one is refused at once; {@code write}
 * keys do everything but keys, {@code ingest} keys only log; the last admin key stays; another
 * organization's keys are not there; bad input is a 400 in the envelope.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreKind.class)
class KeysApiTest {
    static final String NOT_ALLOWED = "{\"data\":null,\"error\":\"This API key is not allowed to do that\"}";

    @Parameter
    StoreKind store;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        server = TestServer.builder(store).loopbackReceivers().start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Api freshOrg() {
        return server.apiForNewKey("org-" + UUID.randomUUID());
    }

    private static String log() {
        return Webhooks.log(UUID.randomUUID().toString(), "gpt-4o", "prod");
    }

    @Test
    void anAdminKeyMakesKeysOfEachScopeThatWorkAtOnceAndOnlyWithinTheirScope() {
        Api admin = freshOrg();
        JsonNode write = admin.post("/v1/keys", "{\"scope\":\"write\",\"name\":\"backend\"}").data();
        JsonNode ingest = admin.post("/v1/keys", "{\"name\":\"  app  \"}").data();
        assertThat(write.get("scope").asText()).isEqualTo("write");
        assertThat(write.get("name").asText()).isEqualTo("backend");
        assertThat(write.get("key").asText()).startsWith("hg_").startsWith(write.get("prefix").asText());
        assertThat(write.get("revoked_at").isNull()).isTrue();
        assertThat(ingest.get("scope").asText()).as("the default: the least a key can do").isEqualTo("ingest");
        assertThat(ingest.get("name").asText()).isEqualTo("app");

        Api asWrite = admin.withKey(write.get("key").asText());
        Api asIngest = admin.withKey(ingest.get("key").asText());
        // ingest: the log routes, nothing else — not even reading back what it logged.
        assertThat(asIngest.post("/v1/request/log", log()).status()).isEqualTo(200);
        assertThat(asIngest.post("/oai/v1/log", "{}").status()).as("a Helicone log route: past the scope check").isNotEqualTo(403);
        for (String[] call : new String[][] {{"GET", "/v1/requests"}, {"GET", "/v1/webhooks"}, {"POST", "/v1/webhooks"},
                {"GET", "/v1/keys"}, {"POST", "/v1/keys"}, {"GET", "/v1/request/" + UUID.randomUUID()}}) {
            Api.Response r = asIngest.send(call[0], call[1], "{}", "application/json");
            assertThat(r.status()).as("ingest key: " + call[0] + " " + call[1]).isEqualTo(403);
            assertThat(r.body()).isEqualTo(NOT_ALLOWED);
        }
        // write: webhooks, logs, reads; not keys.
        assertThat(asWrite.get("/v1/requests").status()).isEqualTo(200);
        assertThat(asWrite.post("/v1/request/log", log()).status()).isEqualTo(200);
        assertThat(Webhooks.create(asWrite, "http://127.0.0.1:9/hook", "{}", false).get("id").asText()).isNotEmpty();
        for (String[] call : new String[][] {{"GET", "/v1/keys"}, {"POST", "/v1/keys"}, {"DELETE", "/v1/keys/" + write.get("id").asText()}}) {
            Api.Response r = asWrite.send(call[0], call[1], "{}", "application/json");
            assertThat(r.status()).as("write key: " + call[0] + " " + call[1]).isEqualTo(403);
            assertThat(r.body()).isEqualTo(NOT_ALLOWED);
        }

        JsonNode listed = admin.get("/v1/keys").data();
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0).get("id").asText()).as("newest first").isEqualTo(ingest.get("id").asText());
        for (JsonNode k : listed) {
            assertThat(k.has("key")).as("a key is shown once, when made").isFalse();
        }
        assertThat(admin.get("/v1/keys").body()).doesNotContain(write.get("key").asText()).doesNotContain(ingest.get("key").asText());
        assertThat(admin.get("/v1/keys/" + write.get("id").asText()).data().get("scope").asText()).isEqualTo("write");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndTheLastAdminKeyIsKept() {
        Api admin = freshOrg();
        String firstAdminId = admin.get("/v1/keys").data().get(0).get("id").asText();
        Api.Response last = admin.delete("/v1/keys/" + firstAdminId);
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.error()).isEqualTo("The last admin key of an organization cannot be revoked");
        assertThat(admin.get("/v1/webhooks").status()).as("still works").isEqualTo(200);

        JsonNode second = admin.post("/v1/keys", "{\"scope\":\"admin\"}").data();
        Api secondAdmin = admin.withKey(second.get("key").asText());
        assertThat(secondAdmin.get("/v1/keys").status()).as("works at once").isEqualTo(200);
        JsonNode revoked = secondAdmin.delete("/v1/keys/" + firstAdminId).data();
        assertThat(revoked.get("revoked_at").isTextual()).isTrue();
        Api.Response refused = admin.get("/v1/webhooks");
        assertThat(refused.status()).as("revoked through the API: refused at once").isEqualTo(401);
        assertThat(refused.body()).isEqualTo("{\"data\":null,\"error\":\"Unauthorized\"}");
        assertThat(secondAdmin.delete("/v1/keys/" + firstAdminId).data().get("revoked_at").asText())
                .as("revoking again answers the key as it is").isEqualTo(revoked.get("revoked_at").asText());
        Api.Response self = secondAdmin.delete("/v1/keys/" + second.get("id").asText());
        assertThat(self.status()).as("now the last admin key").isEqualTo(409);

        JsonNode writeKey = secondAdmin.post("/v1/keys", "{\"scope\":\"write\"}").data();
        assertThat(secondAdmin.delete("/v1/keys/" + writeKey.get("id").asText()).status()).isEqualTo(200);
        assertThat(admin.withKey(writeKey.get("key").asText()).get("/v1/requests").status()).isEqualTo(401);
    }

    @Test
    void anotherOrganizationsKeysAreNotThere() {
        Api a = freshOrg();
        Api b = freshOrg();
        JsonNode bKey = b.post("/v1/keys", "{\"scope\":\"write\"}").data();
        String bId = bKey.get("id").asText();
        assertThat(a.get("/v1/keys").body()).doesNotContain(bId);
        for (Api.Response r : List.of(a.get("/v1/keys/" + bId), a.delete("/v1/keys/" + bId))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"data\":null,\"error\":\"API key not found\"}");
        }
        assertThat(b.withKey(bKey.get("key").asText()).get("/v1/requests").status()).as("untouched").isEqualTo(200);
        assertThat(a.get("/v1/keys/not-a-uuid").status()).isEqualTo(404);
        assertThat(a.delete("/v1/keys/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void badInputIsA400InTheEnvelopeWithGeneratedBodiesToo() {
        Api admin = freshOrg();
        String[][] cases = {
                {"{\"scope\":\"root\"}", "scope must be one of admin, write, ingest"},
                {"{\"scope\":\"ADMIN\"}", "scope must be one of admin, write, ingest"},
                {"{\"scope\":1}", "scope must be one of admin, write, ingest"},
                {"{\"name\":\"" + "n".repeat(101) + "\"}", "name must be a string of at most 100 characters, without control characters"},
                {"{\"name\":\"a\\u0000b\"}", "name must be a string of at most 100 characters, without control characters"},
                {"{\"name\":[]}", "name must be a string of at most 100 characters, without control characters"},
                {"[]", "Invalid JSON body"},
                {"{", "Invalid JSON body"},
                {"", "Invalid JSON body"},
        };
        for (String[] c : cases) {
            Api.Response r = admin.post("/v1/keys", c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.error()).as(c[0]).isEqualTo(c[1]);
        }
        int before = admin.get("/v1/keys").data().size();
        Random random = new Random(42);
        String[] values = {"null", "true", "0", "-1", "1e999", "\"\"", "\"admin\"", "\"write\"", "\"ingest\"", "\"\\ud800\"", "{}", "[1]",
                "\"" + "x".repeat(5000) + "\"", "\"<script>\"", "\"a\\tb\""};
        String[] fields = {"scope", "name", "key", "org", "id", "\u0000"};
        int made = 0;
        for (int i = 0; i < 300; i++) {
            StringBuilder body = new StringBuilder("{");
            int n = random.nextInt(4);
            for (int f = 0; f < n; f++) {
                body.append(f == 0 ? "" : ",").append('"').append(fields[random.nextInt(fields.length)].replace("\u0000", "\\u0000"))
                        .append("\":").append(values[random.nextInt(values.length)]);
            }
            body.append('}');
            Api.Response r = admin.post("/v1/keys", body.toString());
            assertThat(r.status()).as(body.toString()).isIn(200, 400);
            assertThat(r.json().has("data") && r.json().has("error")).as(body.toString()).isTrue();
            if (r.status() == 200) {
                made++;
                assertThat(r.data().get("key").asText()).startsWith("hg_");
            } else {
                assertThat(r.error()).as(body.toString()).doesNotContain("Exception").doesNotContain("at io.");
            }
        }
        assertThat(admin.get("/v1/keys").data().size()).as("every key made answered 200, no other").isEqualTo(before + made);
    }

    @Test
    void keysMadeOnTheCommandLineAreAdminAndListedWithTheirScope() {
        Api admin = freshOrg();
        assertThat(admin.get("/v1/keys").data().get(0).get("scope").asText()).isEqualTo("admin");
        var cli = server.keys().createKey("cli-" + UUID.randomUUID());
        assertThat(server.keys().list().stream().filter(k -> k.id().equals(cli.id())).findFirst().orElseThrow().scope())
                .isEqualTo("admin");
        String made = admin.post("/v1/keys", "{\"scope\":\"write\"}").data().get("id").asText();
        assertThat(server.keys().list().stream().filter(k -> k.id().equals(made)).findFirst().orElseThrow().scope())
                .as("what `keys list` shows").isEqualTo("write");
    }
}
