package dev.rotagate.config;

import java.util.List;
import java.util.Set;

/**
 * The SSRF guard: which targets clients may reach. {@code allowPrivate} false refuses loopback, private, link-local
 * and other non-public addresses (and {@code localhost}) unless an {@code allow} rule names them; {@code denyPorts}
 * are refused everywhere. The gateway's own listen and admin addresses are refused whatever this says.
 */
public record TargetsConfig(boolean allowPrivate, List<TargetRule> allow, Set<Integer> denyPorts) {

    public static final TargetsConfig DEFAULTS = new TargetsConfig(false, List.of(), Set.of());

    public TargetsConfig {
        allow = List.copyOf(allow);
        denyPorts = Set.copyOf(denyPorts);
    }
}
