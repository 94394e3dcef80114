package dev.rotagate.pool.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.config.BansConfig;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.Upstreams;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DomainBansTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final DomainBans bans = new DomainBans(new BansConfig(List.of(403, 429), Duration.ofSeconds(60),
            Duration.ofMinutes(30), false), nanos::get);
    private final Upstream up1 = Upstreams.of("up1", 1, 0);
    private final Upstream up2 = Upstreams.of("up2", 1, 0);

    @Test
    void aBanCoversOnePairForItsCoolDown() {
        bans.ban(up1, "Example.com");

        assertThat(bans.isBanned(up1, "example.com")).isTrue();
        assertThat(bans.isBanned(up1, "other.org")).isFalse();
        assertThat(bans.isBanned(up2, "example.com")).isFalse();
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(bans.isBanned(up1, "example.com")).isFalse();
    }

    @Test
    void repeatsDoubleTheCoolDownUpToTheMaximum() {
        long first = bans.ban(up1, "example.com");
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        long second = bans.ban(up1, "example.com");
        long last = second;
        for (int i = 0; i < 10; i++) {
            last = bans.ban(up1, "example.com");
        }

        assertThat(Duration.ofNanos(first)).isEqualTo(Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(second)).isEqualTo(Duration.ofSeconds(120));
        assertThat(Duration.ofNanos(last)).isEqualTo(Duration.ofMinutes(30));
        assertThat(bans.activeCount(up1)).isEqualTo(1);
    }

    @Test
    void anOldOffenceIsForgotten() {
        bans.ban(up1, "example.com");
        nanos.addAndGet(Duration.ofHours(2).toNanos());

        assertThat(Duration.ofNanos(bans.ban(up1, "example.com"))).isEqualTo(Duration.ofSeconds(60));
    }
}
