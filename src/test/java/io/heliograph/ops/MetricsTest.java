package io.heliograph.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void aGaugeGivenAsALambdaStillReadsAfterGarbageCollection() {
        Metrics metrics = new Metrics(() -> new Metrics.Backlog(0, 0));
        AtomicInteger inFlight = new AtomicInteger(7);
        // Only the gauge holds this lambda: a weakly held gauge would read NaN once it is collected.
        metrics.gauge("heliograph_test_in_flight", "A figure only the gauge refers to", inFlight::get);
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        inFlight.set(3);
        Matcher m = Pattern.compile("(?m)^heliograph_test_in_flight ([^ \\n]+)$").matcher(metrics.scrape());
        assertThat(m.find()).as("the gauge is scraped").isTrue();
        assertThat(m.group(1)).isEqualTo("3.0");
    }
}
