package dev.rotagate.config;

import java.time.Duration;
import java.util.List;

/**
 * Per-(upstream, domain) bans: a plain HTTP response with one of {@code statuses} bans that pair for
 * {@code cooldown}, doubling on repeats up to {@code maxCooldown}. With {@code retry} the request is tried once
 * more on another upstream. {@code bodyPatterns} (case-insensitive regular expressions) are looked for in the first
 * 64 KiB of a response body: a block page served with 200 bans the pair too (the client still gets that page).
 */
public record BansConfig(List<Integer> statuses, Duration cooldown, Duration maxCooldown, boolean retry,
                         List<java.util.regex.Pattern> bodyPatterns) {

    public static final BansConfig DEFAULTS = new BansConfig(List.of(403, 429), Duration.ofSeconds(60),
            Duration.ofMinutes(30), false, List.of());

    public BansConfig {
        statuses = List.copyOf(statuses);
        bodyPatterns = List.copyOf(bodyPatterns);
    }

    public BansConfig(List<Integer> statuses, Duration cooldown, Duration maxCooldown, boolean retry) {
        this(statuses, cooldown, maxCooldown, retry, List.of());
    }
}
