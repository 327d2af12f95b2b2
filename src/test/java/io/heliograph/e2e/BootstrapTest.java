package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.auth.ApiKeyStore;
import io.heliograph.support.Api;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** First start of an empty store, and the bootstrap key, on each store. */
class BootstrapTest {
    private static final Pattern PRINTED_KEY = Pattern.compile("\\s(hg_[A-Za-z0-9_-]{43})\\s");

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void firstStartCreatesTheDefaultOrgAndPrintsOneKeyOnce(StoreKind store) {
        try (TestServer server = TestServer.builder(store).bootstrapKey(null).start()) {
            Matcher m = PRINTED_KEY.matcher(server.printed());
            assertThat(m.find()).as(server.printed()).isTrue();
            String key = m.group(1);
            assertThat(server.printed()).contains("Created organization \"default\"").contains("keys create --org");

            Api api = new Api(server.baseUrl(), key);
            assertThat(api.get("/v1/webhooks").status()).isEqualTo(200);
            assertThat(server.keys().list()).singleElement()
                    .satisfies(k -> {
                        assertThat(k.organization()).isEqualTo("default");
                        assertThat(key).startsWith(k.prefix());
                    });

            server.restart();
            assertThat(PRINTED_KEY.matcher(server.printed()).results().count()).isEqualTo(1);
            assertThat(server.keys().list()).hasSize(1);
            assertThat(new Api(server.baseUrl(), key).get("/v1/webhooks").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void theBootstrapKeyExistsAfterStartAndNothingIsPrinted(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            assertThat(server.printed()).doesNotContain("hg_");
            assertThat(server.api().get("/v1/webhooks").status()).isEqualTo(200);
            server.restart();
            assertThat(server.keys().list()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aRevokedBootstrapKeyStaysRevokedAcrossRestarts(StoreKind store) {
        try (TestServer server = TestServer.start(store)) {
            String id = server.keys().list().get(0).id();
            assertThat(server.keys().revoke(id)).isEqualTo(ApiKeyStore.RevokeResult.REVOKED);
            server.restart();
            assertThat(server.api().get("/v1/webhooks").status()).isEqualTo(401);
        }
    }
}
