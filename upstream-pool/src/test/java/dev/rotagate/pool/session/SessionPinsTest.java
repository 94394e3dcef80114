package dev.rotagate.pool.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.Upstreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionPinsTest {

    private final Upstream[] three = Upstreams.named(3).toArray(new Upstream[0]);
    private final SessionPins pins = new SessionPins(Duration.ofMinutes(10), 1000, Ticker.systemTicker());
    private final long hash = Rendezvous.sessionHash("port10042");

    private Upstream pick(List<Upstream> ineligible, List<Upstream> avoided) {
        return pins.pick("port10042", hash, three, true, u -> true, u -> !ineligible.contains(u), avoided::contains);
    }

    @Test
    void anUpstreamOneRequestAvoidsServesItsNextChoiceButKeepsThePin() {
        Upstream pinned = pick(List.of(), List.of());

        Upstream retry = pick(List.of(), List.of(pinned));

        assertThat(retry).isNotNull().isNotEqualTo(pinned);
        assertThat(pick(List.of(), List.of())).as("the next request").isSameAs(pinned);
    }

    @Test
    void anUpstreamOutOfRotationMovesThePinForGood() {
        Upstream pinned = pick(List.of(), List.of());

        Upstream moved = pick(List.of(pinned), List.of());

        assertThat(moved).isNotEqualTo(pinned);
        assertThat(pick(List.of(), List.of())).as("no bounce back").isSameAs(moved);
    }

    @Test
    void aNewSessionWhoseFirstChoiceIsAvoidedIsStillPinnedToItsFirstChoice() {
        Upstream first = Rendezvous.pick(three, hash, u -> true, true);

        Upstream served = pick(List.of(), List.of(first));

        assertThat(served).isNotEqualTo(first);
        assertThat(pick(List.of(), List.of())).isSameAs(first);
    }

    @Test
    void aMoveIsToldOnlyWhenTheSessionChangesUpstreamNotWhenAReloadRebuiltTheSameOne() {
        List<String> told = new ArrayList<>();
        pins.onMove((key, upstream, remaining) -> told.add(upstream.name()));
        Upstream pinned = pick(List.of(), List.of());
        Upstream[] reloaded = Upstreams.named(3).toArray(new Upstream[0]); // new objects, the same names

        Upstream after = pins.pick("port10042", hash, reloaded, true, u -> List.of(reloaded).contains(u), u -> true,
                u -> false);

        assertThat(after).isNotSameAs(pinned);
        assertThat(after.name()).isEqualTo(pinned.name());
        assertThat(told).as("no move for the same upstream").isEmpty();
        Upstream moved = pins.pick("port10042", hash, reloaded, true, u -> true, u -> u != after, u -> false);
        assertThat(told).containsExactly(moved.name());
    }
}
