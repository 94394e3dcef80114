package dev.rotagate.gateway.forward;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.PrivateAddresses;
import dev.rotagate.common.TargetNames;
import dev.rotagate.config.TargetRule;
import dev.rotagate.config.TargetsConfig;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSRF guard ({@code targets:}): what a client may reach. Before any upstream is chosen, the port, IP literals
 * and {@code localhost} are checked; through upstream proxies that is all (they resolve names themselves). For a
 * pool with {@code direct://} upstreams the name is resolved here, before an upstream is chosen, every address it has
 * is checked, and a direct connection goes to the checked address. A refusal is a {@code target-denied} error (403, SOCKS5 0x02), logged once per target.
 */
public final class TargetPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(TargetPolicy.class);

    private final TargetsConfig config;
    private final OwnEndpoints own;
    private final TargetResolver resolver;
    /** Targets refused and logged already: bounded, so that a client cannot grow it without end. */
    private final Cache<String, Boolean> logged = Caffeine.newBuilder().maximumSize(10_000).build();

    public TargetPolicy(TargetsConfig config, OwnEndpoints own, TargetResolver resolver) {
        this.config = config;
        this.own = own;
        this.resolver = resolver;
    }

    /** Why {@code target} is refused before anything is dialled, or null when it may be tried. */
    public String refusal(HostAndPort target) {
        int port = target.port();
        if (config.denyPorts().contains(port)) {
            return "port " + port + " is refused (targets.deny-ports)";
        }
        InetAddress literal = TargetNames.literal(target.host());
        if (literal != null) {
            return refusal(target.host(), literal, port);
        }
        String name = target.host().toLowerCase(Locale.ROOT);
        if (!name.equals("localhost") && !name.endsWith(".localhost")) {
            return null; // a name: checked after the lookup on direct://, resolved by the upstream otherwise
        }
        if (own.isOwnPort(port)) {
            return target + " is this gateway's own listener";
        }
        return config.allowPrivate() || allowedName(name, port) ? null
                : target.host() + " is this machine (targets.allow-private is off)";
    }

    /**
     * Where a {@code direct://} upstream connects for {@code target}: the target itself for an IP literal, else the
     * checked address its name resolves to. A refused or unresolvable name fails with a {@link GatewayError}.
     */
    public Future<HostAndPort> resolveChecked(HostAndPort target, EventLoop loop) {
        if (TargetNames.literal(target.host()) != null) {
            return Future.succeededFuture(target);
        }
        return resolver.resolveAll(target.host(), loop).transform(ar -> {
            if (ar.failed() || ar.result().isEmpty()) {
                return Future.failedFuture(new GatewayError(FailureKind.TARGET_UNREACHABLE, "target " + target
                        + ": the name does not resolve" + (ar.failed() ? " (" + ar.cause().getMessage() + ")" : "")));
            }
            List<InetAddress> addresses = ar.result();
            for (InetAddress address : addresses) {
                String why = refusal(target.host(), address, target.port());
                if (why != null) {
                    // the log says which address; the client is not told what internal names resolve to
                    return Future.failedFuture(denied(target, target.host() + " resolves to " + why,
                            target.host() + " resolves to an address that is not allowed"));
                }
            }
            return Future.succeededFuture(HostAndPort.of(addresses.get(0).getHostAddress(), target.port()));
        });
    }

    /** The error for a refused target; logged the first time this target is refused. */
    public GatewayError denied(HostAndPort target, String why) {
        return denied(target, why, why);
    }

    private GatewayError denied(HostAndPort target, String why, String toClient) {
        String key = target.toString();
        if (logged.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            LOG.warn("target denied: {} ({}); later refusals of it are not logged", key, why);
        }
        return new GatewayError(FailureKind.TARGET_DENIED, "target " + target + " is not allowed: " + toClient);
    }

    private String refusal(String host, InetAddress address, int port) {
        if (own.isOwn(address, port)) {
            return address.getHostAddress() + ":" + port + ", this gateway's own listener";
        }
        String kind = PrivateAddresses.kind(address);
        if (kind == null || config.allowPrivate() || allowedAddress(address, port) || allowedName(host, port)) {
            return null;
        }
        return address.getHostAddress() + ", " + kind + " (targets.allow-private is off)";
    }

    private boolean allowedAddress(InetAddress address, int port) {
        for (TargetRule rule : config.allow()) {
            if (rule.allows(address, port)) {
                return true;
            }
        }
        return false;
    }

    private boolean allowedName(String host, int port) {
        for (TargetRule rule : config.allow()) {
            if (rule.allows(host, port)) {
                return true;
            }
        }
        return false;
    }
}
