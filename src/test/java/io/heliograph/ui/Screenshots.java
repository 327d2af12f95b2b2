package io.heliograph.ui;

import io.heliograph.support.Chromium;
import io.heliograph.support.StoreKind;
import java.nio.file.Path;

/**
 * Screenshots of the dashboard's pages, taken by the browser tests: always under
 * target/screenshots/&lt;store&gt;/, and, when {@code -Dheliograph.screenshots=<dir>} is given (as
 * docs/screenshots/ was made), the SQLite run's also there, named by page and width.
 */
final class Screenshots {
    private Screenshots() {
    }

    /** The whole page (the window grown to its height, up to 2,400 px, then put back). */
    static void take(Chromium chromium, StoreKind store, String page, int width) {
        long height = ((Number) chromium.script("return document.documentElement.scrollHeight")).longValue();
        chromium.resize(width, (int) Math.min(2_400, Math.max(700, height)));
        String name = page.replaceAll("^webhooks/[0-9a-f-]{36}$", "webhook").replaceAll("^requests/[0-9a-f-]{36}$", "request")
                .replace('/', '-') + "-" + width + ".png";
        chromium.screenshot(Path.of("target", "screenshots", store.name().toLowerCase(), name));
        String docs = System.getProperty("heliograph.screenshots");
        if (docs != null && !docs.isBlank() && store == StoreKind.SQLITE) {
            chromium.screenshot(Path.of(docs, name));
        }
        chromium.resize(width, 900);
    }
}
