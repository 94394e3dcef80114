package dev.rotagate.gateway.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The phase table: every connection can reach CLOSED from anywhere, and nothing comes back from CLOSING. */
class PhaseTest {

    private static Set<Phase> next(Phase from) {
        return Arrays.stream(Phase.values()).filter(from::canGoTo).collect(Collectors.toCollection(() -> EnumSet.noneOf(Phase.class)));
    }

    @Test
    void theLegalTransitions() {
        assertThat(next(Phase.DETECTING)).containsExactlyInAnyOrder(Phase.HANDSHAKE, Phase.REQUEST_HEAD, Phase.CLOSING, Phase.CLOSED);
        assertThat(next(Phase.HANDSHAKE)).containsExactlyInAnyOrder(Phase.TUNNEL, Phase.CLOSING, Phase.CLOSED);
        assertThat(next(Phase.REQUEST_HEAD)).containsExactlyInAnyOrder(Phase.EXCHANGE, Phase.TUNNEL, Phase.CLOSING, Phase.CLOSED);
        assertThat(next(Phase.EXCHANGE)).containsExactlyInAnyOrder(Phase.REQUEST_HEAD, Phase.TUNNEL, Phase.CLOSING, Phase.CLOSED);
        assertThat(next(Phase.TUNNEL)).containsExactlyInAnyOrder(Phase.TUNNEL, Phase.CLOSING, Phase.CLOSED);
        assertThat(next(Phase.CLOSING)).containsExactly(Phase.CLOSED);
        assertThat(next(Phase.CLOSED)).isEmpty();
    }

    @Test
    void everyPhaseButClosedCanEndAndNoneGoesBackToDetecting() {
        for (Phase p : Phase.values()) {
            assertThat(p == Phase.CLOSED || p.canGoTo(Phase.CLOSED)).as("%s can close", p).isTrue();
            assertThat(p.canGoTo(Phase.DETECTING)).as("%s back to detecting", p).isFalse();
        }
    }
}
