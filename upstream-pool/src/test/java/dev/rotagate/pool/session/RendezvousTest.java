package dev.rotagate.pool.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.Upstreams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {

    private static Map<String, String> assign(List<Upstream> ups, int sessions) {
        Upstream[] arr = ups.toArray(new Upstream[0]);
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < sessions; i++) {
            String s = "session" + i;
            out.put(s, Rendezvous.pick(arr, Rendezvous.sessionHash(s), u -> true).name());
        }
        return out;
    }

    @Test
    void addingOneOfElevenMovesAboutOneEleventhOfTheSessionsAllToTheNewOne() {
        List<Upstream> ten = Upstreams.named(10);
        List<Upstream> eleven = new ArrayList<>(ten);
        eleven.add(Upstreams.of("u10", 1, 0));

        Map<String, String> before = assign(ten, 20_000);
        Map<String, String> after = assign(eleven, 20_000);

        long moved = before.keySet().stream().filter(s -> !before.get(s).equals(after.get(s))).count();
        assertThat(moved).isBetween(20_000L / 11 - 300, 20_000L / 11 + 300);
        assertThat(before.keySet().stream().filter(s -> !before.get(s).equals(after.get(s))))
                .allMatch(s -> after.get(s).equals("u10"));
    }

    @Test
    void removingOneMovesOnlyItsOwnSessions() {
        List<Upstream> ten = Upstreams.named(10);
        List<Upstream> nine = ten.subList(0, 9);

        Map<String, String> before = assign(ten, 10_000);
        Map<String, String> after = assign(nine, 10_000);

        assertThat(before.keySet().stream().filter(s -> !before.get(s).equals(after.get(s))))
                .allMatch(s -> before.get(s).equals("u9"));
    }

    @Test
    void theSameConfigGivesTheSameAnswerEverywhere() {
        // fresh objects, as in another gateway process: only names and weights count
        assertThat(assign(Upstreams.named(5), 1000)).isEqualTo(assign(Upstreams.named(5), 1000));
    }

    @Test
    void theFastPathForEqualWeightsRanksExactlyLikeTheScores() {
        Upstream[] ups = Upstreams.named(50).toArray(new Upstream[0]);
        for (int i = 0; i < 5000; i++) {
            long h = Rendezvous.sessionHash("s" + i);

            assertThat(Rendezvous.pick(ups, h, u -> true, true)).isSameAs(Rendezvous.pick(ups, h, u -> true, false));
        }
    }

    @Test
    void theBoundedWeightedPickIsTheHighestScore() {
        List<Upstream> ups = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ups.add(Upstreams.of("w" + i, 1 + i % 7, 0));
        }
        Upstream[] arr = ups.toArray(new Upstream[0]);
        for (int i = 0; i < 2000; i++) {
            long h = Rendezvous.sessionHash("s" + i);
            Upstream naive = ups.stream().max(java.util.Comparator.comparingDouble(u -> Rendezvous.score(h, u))).orElseThrow();

            assertThat(Rendezvous.pick(arr, h, u -> true, false)).isSameAs(naive);
        }
    }

    @Test
    void weightsShiftTheShare() {
        List<Upstream> ups = List.of(Upstreams.of("a", 1, 0), Upstreams.of("b", 3, 0));

        Map<String, String> a = assign(ups, 40_000);

        long onB = a.values().stream().filter("b"::equals).count();
        assertThat(onB).isBetween(29_000L, 31_000L);
    }
}
