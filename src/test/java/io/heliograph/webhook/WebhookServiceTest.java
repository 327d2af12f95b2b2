package io.heliograph.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliograph.api.ApiException;
import io.heliograph.auth.ApiKeyStore;
import io.heliograph.store.Database;
import io.heliograph.webhook.WebhookInput.NewWebhook;
import io.heliograph.webhook.WebhookInput.WebhookPatch;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook resource's behaviour without HTTP, on a SQLite store and a clock the test moves. */
class WebhookServiceTest {
    private static final long T0 = Instant.parse("2026-01-15T10:30:00Z").toEpochMilli();
    private static final WebhookConfig DEFAULTS = new WebhookConfig(100, List.of(), true);
    private static final WebhookPatch NOTHING = new WebhookPatch(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private final List<String> deleted = new ArrayList<>();
    private Database database;
    private WebhookService service;
    private String org;
    private String otherOrg;

    @BeforeEach
    void open() {
        database = Database.open(null, dir, clock);
        service = new WebhookService(new WebhookStore(database), (o, id) -> deleted.add(o + "/" + id), clock);
        ApiKeyStore keys = new ApiKeyStore(database);
        org = keys.authenticate(keys.createKey("a").key()).orElseThrow().orgId();
        otherOrg = keys.authenticate(keys.createKey("b").key()).orElseThrow().orgId();
    }

    @AfterEach
    void close() {
        database.close();
    }

    private Webhook create(String destination) {
        return service.create(org, new NewWebhook(destination, DEFAULTS));
    }

    private static void assertNotFound(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("Webhook not found");
    }

    @Test
    void aCreatedWebhookIsStoredAsAnsweredWithAFreshKey() {
        Webhook w = create("https://hooks.example.com/x");
        assertThat(w.orgId()).isEqualTo(org);
        assertThat(w.createdAt()).isEqualTo(T0);
        assertThat(w.enabled()).isTrue();
        assertThat(w.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(w.hmacKey()).matches("[0-9a-f]{64}");
        assertThat(service.get(org, w.id())).isEqualTo(w);
        assertThat(create("https://hooks.example.com/x").hmacKey()).isNotEqualTo(w.hmacKey());
    }

    @Test
    void theListIsNewestFirstAndOnlyTheOrgsOwn() {
        Webhook first = create("https://hooks.example.com/1");
        now.addAndGet(1_000);
        Webhook second = create("https://hooks.example.com/2");
        service.create(otherOrg, new NewWebhook("https://hooks.example.com/other", DEFAULTS));
        assertThat(service.list(org)).containsExactly(second, first);
    }

    @Test
    void anotherOrgsWebhookIsNotFoundForAnything() {
        Webhook w = create("https://hooks.example.com/x");
        assertNotFound(() -> service.get(otherOrg, w.id()));
        assertNotFound(() -> service.patch(otherOrg, w.id(), NOTHING));
        assertNotFound(() -> service.rotateSecret(otherOrg, w.id()));
        assertNotFound(() -> service.delete(otherOrg, w.id()));
        assertThat(service.get(org, w.id())).isEqualTo(w);
        assertThat(deleted).isEmpty();
    }

    @Test
    void aPatchChangesOnlyTheFieldsItHolds() {
        Webhook w = create("https://hooks.example.com/x");
        Webhook sampled = service.patch(org, w.id(), new WebhookPatch(Optional.empty(), Optional.empty(), Optional.of(25.0),
                Optional.empty(), Optional.empty()));
        assertThat(sampled).isEqualTo(w.withConfig(DEFAULTS.withSampleRate(25)));

        List<PropertyFilter> filters = List.of(new PropertyFilter("env", "prod"));
        Webhook changed = service.patch(org, w.id(), new WebhookPatch(Optional.of("https://hooks.example.com/y"), Optional.of(false),
                Optional.empty(), Optional.of(filters), Optional.of(false)));
        assertThat(changed).isEqualTo(w.withDestination("https://hooks.example.com/y").withEnabled(false)
                .withConfig(new WebhookConfig(25, filters, false)));
        assertThat(service.get(org, w.id())).isEqualTo(changed);
        assertThat(service.patch(org, w.id(), NOTHING)).isEqualTo(changed);
    }

    @Test
    void aDeletedWebhookIsGoneAndItsBacklogIsHandedOnOnce() {
        Webhook w = create("https://hooks.example.com/x");
        service.delete(org, w.id());
        assertThat(deleted).containsExactly(org + "/" + w.id());
        assertNotFound(() -> service.get(org, w.id()));
        assertNotFound(() -> service.delete(org, w.id()));
        assertNotFound(() -> service.patch(org, w.id(), NOTHING));
        assertThat(service.list(org)).isEmpty();
        assertThat(deleted).hasSize(1);
    }

    @Test
    void aRotatedKeySignsBesideTheNewOneForADay() {
        Webhook w = create("https://hooks.example.com/x");
        now.addAndGet(5_000);
        Webhook rotated = service.rotateSecret(org, w.id());
        assertThat(rotated.hmacKey()).matches("[0-9a-f]{64}").isNotEqualTo(w.hmacKey());
        assertThat(rotated.previousKeys()).containsExactly(new Webhook.PreviousKey(w.hmacKey(), T0 + 5_000 + 24 * 3_600_000L));
        assertThat(service.get(org, w.id())).isEqualTo(rotated);
        assertThat(rotated.signingKeys(now.get())).containsExactly(rotated.hmacKey(), w.hmacKey());
        assertThat(rotated.signingKeys(T0 + 5_000 + 24 * 3_600_000L)).containsExactly(rotated.hmacKey());
    }

    @Test
    void anUnknownIdIsNotFound() {
        assertNotFound(() -> service.get(org, "0194b4f2-1e2d-7c3a-9f00-000000000001"));
        assertNotFound(() -> service.rotateSecret(org, "nope"));
    }
}
