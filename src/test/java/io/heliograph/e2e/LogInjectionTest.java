package io.heliograph.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import io.heliograph.http.ErrorMapping;
import io.heliograph.support.StoreKind;
import io.heliograph.support.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A request cannot forge log lines: a path is logged as it came on the wire (still percent-encoded),
 * and no CR or LF in a logged message starts a new line.
 */
class LogInjectionTest {

    @Test
    void aFailedRequestIsLoggedWithItsRawPathOnOneLine() {
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorMapping.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (TestServer server = TestServer.start(StoreKind.SQLITE)) {
            server.heliograph().database().close(); // every request that needs the store now fails and is logged
            var r = server.api().withKey("hg_unknown_key_0123456789abcdefghijklmnopqrstuvw")
                    .get("/v1/x%0D%0A2026-01-01T00:00:00.000Z%20INFO%20forged");
            assertThat(r.status()).isEqualTo(503);
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).isNotEmpty();
        for (ILoggingEvent event : events.list) {
            assertThat(event.getFormattedMessage()).doesNotContain("\r").doesNotContain("\n");
        }
        assertThat(events.list.getFirst().getFormattedMessage())
                .contains("/v1/x%0D%0A2026-01-01T00:00:00.000Z%20INFO%20forged");
    }

    @Test
    void theConsoleLayoutKeepsEveryMessageOnOneLine() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        var appender = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
        LoggingEvent event = new LoggingEvent(LogInjectionTest.class.getName(), root, Level.WARN,
                "Something about {}", null, new Object[] {"a\r\n2026-01-01T00:00:00.000Z INFO forged\nline"});
        String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
        assertThat(line.indexOf('\n')).as(line).isEqualTo(line.length() - 1);
        assertThat(line).doesNotContain("\r").contains("a\\r\\n2026-01-01T00:00:00.000Z INFO forged\\nline");
    }
}
