package dev.rotagate.gateway.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The status page: one self-contained HTML document (its own small script, no CDN) that loads {@code api/report}
 * every 2 s and updates in place — filters, sort and scroll stay as they are. Relative links, so it also works
 * behind a reverse proxy under a path.
 */
final class StatusPage {

    private static final String HTML = load();

    private StatusPage() {
    }

    static String html() {
        return HTML;
    }

    private static String load() {
        try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
