package io.heliograph.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliograph.api.ApiException;
import org.junit.jupiter.api.Test;

class IngestBudgetTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aLogsShareIsItsFixedPartPlusFourTimesItsBody() {
        IngestBudget budget = new IngestBudget(64 * MIB);
        try (IngestBudget.Reservation share = budget.reserve()) {
            assertThat(budget.used()).isEqualTo(IngestBudget.PER_LOG);
            share.addBody(MIB);
            assertThat(share.held()).isEqualTo(IngestBudget.PER_LOG + IngestBudget.COPIES * MIB);
            assertThat(budget.used()).isEqualTo(share.held());
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void whenTheBudgetIsSpentAnotherLogIsRefusedWith503AndRetryAfterAndHoldsNothing() {
        IngestBudget budget = new IngestBudget(8 * MIB);
        IngestBudget.Reservation first = budget.reserve();
        first.addBody(MIB + MIB / 2); // 6 MiB + 16 KiB of 8
        IngestBudget.Reservation second = budget.reserve();
        assertThatThrownBy(() -> second.addBody(MIB))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfterSeconds()).isEqualTo("1");
                    assertThat(e.getMessage()).isEqualTo(IngestBudget.OVERLOADED);
                });
        assertThat(second.held()).isEqualTo(IngestBudget.PER_LOG);
        second.close();
        first.close();
        first.close(); // twice is harmless
        assertThat(budget.used()).isZero();
        try (IngestBudget.Reservation again = budget.reserve()) {
            again.addBody(MIB); // room again
        }
    }

    @Test
    void aLogAloneMayBeLargerThanTheWholeBudget() {
        IngestBudget budget = new IngestBudget(MIB);
        try (IngestBudget.Reservation alone = budget.reserve()) {
            alone.addBody(2 * MIB);
            alone.addBody(MIB);
            assertThatThrownBy(budget::reserve).isInstanceOf(ApiException.class);
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void workAlreadyUnderWayIsCountedPastTheBudgetAndHoldsOthersBack() {
        IngestBudget budget = new IngestBudget(MIB);
        try (IngestBudget.Reservation exchange = budget.reserve()) {
            exchange.addBodyAnyway(MIB); // a gateway response being captured cannot be refused
            assertThat(budget.used()).isGreaterThan(budget.capacity());
            assertThatThrownBy(budget::reserve).isInstanceOf(ApiException.class);
        }
        budget.reserve().close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aBudgetMustBePositive() {
        assertThatThrownBy(() -> new IngestBudget(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(IngestBudget.ofHeap().capacity()).isGreaterThanOrEqualTo(16 * MIB);
    }
}
