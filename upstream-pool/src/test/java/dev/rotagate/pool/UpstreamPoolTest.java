package dev.rotagate.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.pool.select.RotationStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;

    private UpstreamPool pool(List<Upstream> ups) {
        return new UpstreamPool("p", ups, RotationStrategy.roundRobin(), Duration.ofMinutes(10), ticker);
    }

    private static Upstream pickAndRelease(UpstreamPool pool, String session, List<String> tags) {
        var attempt = pool.select(session, tags);
        if (attempt == null) {
            return null;
        }
        attempt.succeeded();
        attempt.finish(0, 0);
        return attempt.upstream();
    }

    @Test
    void aSessionStaysOnOneUpstreamWhileOthersSpread() {
        UpstreamPool pool = pool(Upstreams.named(5));
        Set<String> sticky = new HashSet<>();
        Set<String> spread = new HashSet<>();

        for (int i = 0; i < 20; i++) {
            sticky.add(pickAndRelease(pool, "a1", List.of()).name());
            spread.add(pickAndRelease(pool, "s" + i, List.of()).name());
        }

        assertThat(sticky).hasSize(1);
        assertThat(spread).hasSizeGreaterThan(2);
    }

    @Test
    void aSessionMovesWhenItsUpstreamIsFullAndStaysWhereItMoved() {
        List<Upstream> ups = List.of(Upstreams.of("a", 1, 1), Upstreams.of("b", 1, 1), Upstreams.of("c", 1, 1));
        UpstreamPool pool = pool(ups);
        Upstream first = pickAndRelease(pool, "sess", List.of());

        assertThat(first.tryStart()).isTrue(); // now it is full
        Upstream moved = pickAndRelease(pool, "sess", List.of());
        first.finished(0, 0); // and free again
        Upstream later = pickAndRelease(pool, "sess", List.of());

        assertThat(moved).isNotSameAs(first);
        assertThat(later).as("no bouncing back").isSameAs(moved);
    }

    @Test
    void aSessionEndsAfterItsTtlFromFirstUse() {
        List<Upstream> ups = List.of(Upstreams.of("a", 1, 1), Upstreams.of("b", 1, 1));
        UpstreamPool pool = pool(ups);
        Upstream first = pickAndRelease(pool, "sess", List.of());
        first.tryStart();
        Upstream moved = pickAndRelease(pool, "sess", List.of());
        first.finished(0, 0);

        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(pickAndRelease(pool, "sess", List.of())).as("still pinned within the TTL").isSameAs(moved);
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());

        assertThat(pickAndRelease(pool, "sess", List.of())).as("a new session: rendezvous again").isSameAs(first);
        assertThat(pool.sessionCount()).isEqualTo(1);
    }

    @Test
    void tagsFilterAndCapsSkipSaturatedUpstreams() {
        List<Upstream> ups = List.of(Upstreams.of("us1", 1, 1, "us"), Upstreams.of("us2", 1, 1, "us", "mobile"),
                Upstreams.of("de1", 1, 0, "de"));
        UpstreamPool pool = pool(ups);

        Upstream a = pool.select(null, List.of("us")).upstream();
        Upstream b = pool.select(null, List.of("us")).upstream();
        var none = pool.select(null, List.of("us"));

        assertThat(Set.of(a.name(), b.name())).containsExactlyInAnyOrder("us1", "us2");
        assertThat(none).as("every us upstream is at its cap").isNull();
        assertThat(pool.select(null, List.of("us", "mobile"))).isNull();
        assertThat(pickAndRelease(pool, null, List.of("de")).name()).isEqualTo("de1");
        assertThat(pool.hasUpstreamWithTags(List.of("us", "mobile"))).isTrue();
        assertThat(pool.hasUpstreamWithTags(List.of("fr"))).isFalse();
    }

    @Test
    void templatedUsernamesAreFilledPerSession() {
        Upstream u = new Upstream(new dev.rotagate.config.UpstreamConfig("prov",
                dev.rotagate.common.UpstreamUrl.parse("http://customer-acme-sessid-{session}:pw@gw.example:7777"), 1, List.of()));

        assertThat(u.isTemplated()).isTrue();
        assertThat(u.usernameFor("abc")).isEqualTo("customer-acme-sessid-abc");
        assertThat(u.url().toString()).doesNotContain("pw@");
    }

    @Test
    void tenThousandDistinctTagHintsLeaveRoundRobinEvenOverTheTaggedUpstreams() {
        String[] many = new String[16];
        for (int i = 0; i < many.length; i++) {
            many[i] = "t" + i;
        }
        String[] withUs = new String[many.length + 1];
        System.arraycopy(many, 0, withUs, 0, many.length);
        withUs[many.length] = "us";
        List<Upstream> ups = List.of(Upstreams.of("a", 1, 0, withUs), Upstreams.of("b", 1, 0, withUs),
                Upstreams.of("c", 1, 0, withUs), Upstreams.of("de", 1, 0, "de"));
        UpstreamPool pool = pool(ups);
        java.util.Random random = new Random(42);
        Map<String, Integer> counts = new TreeMap<>();

        for (int i = 0; i < 10_000; i++) {
            List<String> tags = new ArrayList<>(List.of("us"));
            for (String t : many) {
                if (random.nextBoolean()) {
                    tags.add(t);
                }
            }
            Collections.shuffle(tags, random);
            assertThat(pool.hasUpstreamWithTags(tags)).isTrue();
            counts.merge(pickAndRelease(pool, null, tags).name(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("a", "b", "c");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(3333, 3334));
    }

    @Test
    void tagsNoUpstreamCarriesAreRefusedWithoutBeingRemembered() {
        UpstreamPool pool = pool(List.of(Upstreams.of("a", 1, 0, "us"), Upstreams.of("b", 1, 0, "de")));
        for (int i = 0; i < 5_000; i++) {
            assertThat(pool.hasUpstreamWithTags(List.of("us", "x" + i))).isFalse();
        }
        assertThat(pool.hasUpstreamWithTags(List.of("us", "de"))).as("known tags, no upstream carries both").isFalse();
        assertThat(pool.hasUpstreamWithTags(List.of("us"))).isTrue();
    }
}
