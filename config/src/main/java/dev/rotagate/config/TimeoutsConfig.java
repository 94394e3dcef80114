package dev.rotagate.config;

import java.time.Duration;

/**
 * {@code connect}: TCP connect to the upstream; {@code handshake}: the upstream's CONNECT/SOCKS answer after that
 * (the two add up); {@code response}: first response byte of a plain HTTP request; {@code idle}: no byte either way;
 * {@code request}: a client's complete request (HTTP head, SOCKS greeting and command) after connecting or after its
 * previous answer; {@code halfClosed}: a tunnel one side of which has sent its FIN (HAProxy's client-fin/server-fin).
 */
public record TimeoutsConfig(Duration connect, Duration handshake, Duration response, Duration idle, Duration request,
                             Duration halfClosed) {

    public static final TimeoutsConfig DEFAULTS = new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(30));

    public TimeoutsConfig(Duration connect, Duration handshake, Duration response, Duration idle) {
        this(connect, handshake, response, idle, DEFAULTS.request(), DEFAULTS.halfClosed());
    }
}
