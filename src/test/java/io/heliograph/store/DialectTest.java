package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A database URL that reaches an error message or a log has its credentials blanked out. */
class DialectTest {

    @Test
    void eachSupportedUrlPicksItsDialect() {
        assertThat(Dialect.forUrl("jdbc:postgresql://db:5432/hg?user=hg&password=x")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.forUrl("jdbc:sqlite:/var/lib/heliograph/heliograph.db")).isEqualTo(Dialect.SQLITE);
    }

    @Test
    void anUnsupportedUrlIsNamedWithoutItsCredentials() {
        assertThatThrownBy(() -> Dialect.forUrl("jdbc:mysql://admin:s3cr3t@db:3306/hg?user=admin&password=hunter2&ssl=true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cr3t")
                .hasMessageNotContaining("hunter2")
                .hasMessageContaining("jdbc:mysql://admin:***@db:3306/hg?user=admin&password=***&ssl=true");
    }
}
