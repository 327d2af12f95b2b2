package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void idsMadeInTheSameMillisecondSortInCreationOrder() {
        // A generator of its own: the process-wide one has already seen other tests' clocks, some
        // set years ahead, and never goes back in time.
        TimeOrderedIds generator = new TimeOrderedIds();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(generator.after(1_768_473_000_000L).toString());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        UUID id = UUID.fromString(ids.get(0));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(1_768_473_000_000L);
        assertThat(generator.after(1_768_473_000_999L).toString()).isGreaterThan(ids.get(ids.size() - 1));
    }
}
