package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void controlCharactersAndBackslashesAreEscaped() {
        assertThat(AccessLog.escape("scraper-session-a1")).isEqualTo("scraper-session-a1");
        assertThat(AccessLog.escape("a\nb\rc\u0000d\u001b[31m\u007f\\")).isEqualTo("a\\x0ab\\x0dc\\x00d\\x1b[31m\\x7f\\x5c");
    }
}
