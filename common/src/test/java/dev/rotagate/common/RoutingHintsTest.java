package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutingHintsTest {

    @Test
    void splitsTheAccountFromItsHints() {
        RoutingHints h = RoutingHints.parse("scraper-session-abc123-pool-residential-tag-us-tag-mobile");

        assertThat(h.user()).isEqualTo("scraper");
        assertThat(h.session()).contains("abc123");
        assertThat(h.pool()).contains("residential");
        assertThat(h.tags()).containsExactly("us", "mobile");
    }

    @Test
    void aPlainUsernameHasNoHints() {
        assertThat(RoutingHints.parse("scraper")).isEqualTo(new RoutingHints("scraper", Optional.empty(), Optional.empty(), List.of()));
        assertThat(RoutingHints.parse("my-team")).extracting(RoutingHints::user).isEqualTo("my-team");
        assertThat(RoutingHints.parse(null)).isEqualTo(RoutingHints.NONE);
    }

    @Test
    void malformedHintsAreErrorsNotIgnored() {
        assertThatThrownBy(() -> RoutingHints.parse("u-session-")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoutingHints.parse("u-session-a!b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoutingHints.parse("u-session-a-extra")).isInstanceOf(IllegalArgumentException.class);
    }
}
