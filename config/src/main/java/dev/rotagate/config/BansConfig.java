package dev.rotagate.config;

import java.time.Duration;
import java.util.List;

/**
 * Per-(upstream, domain) bans: a plain HTTP response with one of {@code statuses} bans that pair for
 * {@code cooldown}, doubling on repeats up to {@code maxCooldown}. With {@code retry} the request is tried once
 * more on another upstream.
 */
public record BansConfig(List<Integer> statuses, Duration cooldown, Duration maxCooldown, boolean retry) {

    public static final BansConfig DEFAULTS = new BansConfig(List.of(403, 429), Duration.ofSeconds(60),
            Duration.ofMinutes(30), false);

    public BansConfig {
        statuses = List.copyOf(statuses);
    }
}
