package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseUrlsTest {

    @Test
    void passwordsInTheQueryAndTheUserInfoAreBlankedOut() {
        assertThat(DatabaseUrls.redact("jdbc:postgresql://db/hg?user=hg&password=hunter2"))
                .isEqualTo("jdbc:postgresql://db/hg?user=hg&password=***");
        assertThat(DatabaseUrls.redact("jdbc:postgresql://db/hg?PASSWORD=a&sslpassword=b;password=c#x"))
                .isEqualTo("jdbc:postgresql://db/hg?PASSWORD=***&sslpassword=***;password=***#x");
        assertThat(DatabaseUrls.redact("postgresql://hg:p%40ss@db:5432/hg")).isEqualTo("postgresql://hg:***@db:5432/hg");
        assertThat(DatabaseUrls.redact("jdbc:postgresql://hg:secret@[::1]:5432/hg")).isEqualTo("jdbc:postgresql://hg:***@[::1]:5432/hg");
    }

    @Test
    void aUrlWithoutCredentialsIsUnchanged() {
        for (String url : new String[] {"jdbc:postgresql://db:5432/hg?user=hg", "jdbc:sqlite:/data/heliograph.db", "", "not a url"}) {
            assertThat(DatabaseUrls.redact(url)).isEqualTo(url);
        }
    }
}
