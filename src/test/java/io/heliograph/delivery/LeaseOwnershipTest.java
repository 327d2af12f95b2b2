package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliograph.store.Database;
import io.heliograph.support.PostgresDatabase;
import io.heliograph.support.StoreKind;
import io.heliograph.webhook.Webhook;
import io.heliograph.webhook.WebhookConfig;
import io.heliograph.webhook.WebhookStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leases, as two nodes sharing a store see them: an attempt counts only while its node holds the
 * lease, and each claim's lease runs from that claim's own moment.
 */
class LeaseOwnershipTest {
    private static final long LEASE = 60_000;

    /** A store whose clock the test moves. */
    private record Store(Database db, DeliveryStore deliveries, AtomicLong now, AutoCloseable cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            db.close();
            cleanup.close();
        }
    }

    private static Store open(StoreKind kind) throws Exception {
        AtomicLong now = new AtomicLong(1_800_000_000_000L);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        if (kind == StoreKind.POSTGRES) {
            PostgresDatabase pg = PostgresDatabase.create();
            Database db = Database.open(pg.jdbcUrl(), Path.of("unused"), clock);
            return new Store(db, new DeliveryStore(db), now, pg);
        }
        Path dir = Files.createTempDirectory("heliograph-lease-");
        Database db = Database.open(null, dir, clock);
        return new Store(db, new DeliveryStore(db), now, () -> {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        });
    }

    private static DeliveryStore.Due webhook(Store s, String id) {
        s.db().jdbi().useHandle(h -> h.execute(
                "INSERT INTO organizations (id, name, created_at) VALUES ('org', 'org', 0) ON CONFLICT DO NOTHING"));
        new WebhookStore(s.db()).insert(Webhook.builder()
                .orgId("org")
                .id(id)
                .destination("https://example.com/hook")
                .config(new WebhookConfig(100, List.of(), true))
                .hmacKey("k".repeat(64))
                .build());
        return new DeliveryStore.Due("org", id);
    }

    private static String pending(Store s, DeliveryStore.Due w) {
        String id = Delivery.newId(s.now().get());
        s.db().jdbi().useTransaction(h -> s.deliveries().insertAll(h,
                List.of(new DeliveryStore.New(id, w.orgId(), w.webhookId(), java.util.UUID.randomUUID().toString(), s.now().get(), null)),
                s.now().get(), LEASE));
        return id;
    }

    private static DeliveryStore.Recorded attempt(DeliveryStore.Claimed c, int status, DeliveryStatus next) {
        return new DeliveryStore.Recorded(c, new Attempt(c.attemptsCount() + 1, 0, status, 5, null, "node said " + status),
                new DeliveryStore.Outcome(next, next == DeliveryStatus.PENDING ? 1L : null), DeliveryStore.Health.NONE);
    }

    private static Map<String, Object> row(Store s, String id) {
        return s.db().jdbi().withHandle(h -> h.createQuery("SELECT status, attempts_count, leased_by FROM deliveries WHERE id = :id")
                .bind("id", id).mapToMap().one());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aNodeWhoseLeaseWasTakenOverCannotOverwriteTheNewHoldersAttempt(StoreKind kind) throws Exception {
        try (Store s = open(kind)) {
            DeliveryStore.Due w = webhook(s, "w1");
            String id = pending(s, w);
            DeliveryStore.Claimed byA = s.deliveries().claim("node-a", w, LEASE, 10).get(0);
            s.now().addAndGet(LEASE + 1); // node A stalls past its lease; node B takes the delivery
            DeliveryStore.Claimed byB = s.deliveries().claim("node-b", w, LEASE, 10).get(0);
            assertThat(byB.id()).isEqualTo(id);

            List<Boolean> late = s.deliveries().recordAttempts("node-a", List.of(attempt(byA, 500, DeliveryStatus.PENDING)), (h, r) -> { });
            assertThat(late).containsExactly(false);
            assertThat(row(s, id)).containsEntry("leased_by", "node-b");

            List<Boolean> holder = s.deliveries().recordAttempts("node-b", List.of(attempt(byB, 200, DeliveryStatus.DELIVERED)),
                    (h, r) -> { });
            assertThat(holder).containsExactly(true);
            Map<String, Object> after = row(s, id);
            assertThat(after.get("status")).isEqualTo("delivered");
            assertThat(((Number) after.get("attempts_count")).intValue()).isEqualTo(1);
            List<Map<String, Object>> attempts = s.db().jdbi().withHandle(h -> h.createQuery(
                    "SELECT attempt, status_code FROM delivery_attempts WHERE delivery_id = :id").bind("id", id).mapToMap().list());
            assertThat(attempts).hasSize(1);
            assertThat(((Number) attempts.get(0).get("status_code")).intValue()).as("the holder's attempt, not the stale one").isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aLeaseThatExpiredButWasNotTakenStillCounts(StoreKind kind) throws Exception {
        try (Store s = open(kind)) {
            DeliveryStore.Due w = webhook(s, "w1");
            String id = pending(s, w);
            DeliveryStore.Claimed c = s.deliveries().claim("node-a", w, LEASE, 10).get(0);
            s.now().addAndGet(LEASE + 1);
            assertThat(s.deliveries().recordAttempts("node-a", List.of(attempt(c, 200, DeliveryStatus.DELIVERED)), (h, r) -> { }))
                    .containsExactly(true);
            assertThat(row(s, id).get("status")).isEqualTo("delivered");
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void eachClaimsLeaseRunsFromThatClaimsOwnMoment(StoreKind kind) throws Exception {
        try (Store s = open(kind)) {
            DeliveryStore.Due first = webhook(s, "w1");
            DeliveryStore.Due second = webhook(s, "w2");
            pending(s, first);
            pending(s, second);
            long start = s.now().get();
            DeliveryStore.Claimed a = s.deliveries().claim("node", first, LEASE, 10).get(0);
            s.now().addAndGet(45_000); // a sweep over many webhooks can take this long
            DeliveryStore.Claimed b = s.deliveries().claim("node", second, LEASE, 10).get(0);
            assertThat(a.leaseUntil()).isEqualTo(start + LEASE);
            assertThat(b.leaseUntil()).isEqualTo(start + 45_000 + LEASE);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void nothingIsClaimedForADisabledOrDeletedWebhook(StoreKind kind) throws Exception {
        try (Store s = open(kind)) {
            DeliveryStore.Due disabled = webhook(s, "w1");
            DeliveryStore.Due deleted = webhook(s, "w2");
            pending(s, disabled);
            pending(s, deleted);
            WebhookStore webhooks = new WebhookStore(s.db());
            webhooks.update("org", "w1", wh -> wh.withEnabled(false));
            webhooks.delete("org", "w2");
            assertThat(s.deliveries().claim("node", disabled, LEASE, 10)).isEmpty();
            assertThat(s.deliveries().claim("node", deleted, LEASE, 10)).isEmpty();
        }
    }
}
