package io.heliograph.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FairOrderTest {
    @Test
    void oneOfEachGroupInTurnWhateverTheListingOrder() {
        List<String> items = List.of("a1", "a2", "a3", "a4", "b1", "c1", "c2");
        assertThat(FairOrder.interleave(items, s -> s.charAt(0), 0)).containsExactly("a1", "b1", "c1", "a2", "c2", "a3", "a4");
    }

    @Test
    void eachCallStartsElsewhere() {
        List<String> items = List.of("a1", "a2", "b1", "c1");
        Function<String, Character> group = s -> s.charAt(0);
        assertThat(FairOrder.interleave(items, group, 1).get(0)).isEqualTo("b1");
        assertThat(FairOrder.interleave(items, group, 2).get(0)).isEqualTo("c1");
        assertThat(FairOrder.interleave(items, group, 3).get(0)).startsWith("a");
        assertThat(FairOrder.interleave(items, group, 7)).containsExactlyInAnyOrderElementsOf(items);
        assertThat(FairOrder.interleave(List.<String>of(), group, 5)).isEmpty();
    }
}
