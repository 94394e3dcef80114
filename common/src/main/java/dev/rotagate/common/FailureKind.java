package dev.rotagate.common;

/**
 * Why a request or tunnel failed. The {@link #code()} is what clients see in {@code X-Rotagate-Error}
 * and what the access log and metrics use. {@link #isProxyFault()} says whether it counts against the upstream.
 */
public enum FailureKind {
    /** TCP connect to the upstream proxy refused or reset. */
    UPSTREAM_REFUSED("upstream-refused", true),
    /** TCP connect to the upstream proxy timed out. */
    UPSTREAM_CONNECT_TIMEOUT("upstream-connect-timeout", true),
    /** The upstream proxy did not finish its handshake (CONNECT answer, SOCKS reply) in time. */
    UPSTREAM_HANDSHAKE_TIMEOUT("upstream-handshake-timeout", true),
    /** The upstream proxy asked for credentials it was not given or refused the ones it got (407). */
    UPSTREAM_AUTH("upstream-auth", true),
    /** The upstream proxy failed by itself: 5xx to CONNECT, SOCKS general failure, garbage, reset. */
    UPSTREAM_ERROR("upstream-error", true),
    /** The TLS handshake with an https:// upstream failed: its certificate is not trusted or not its name's, or no TLS. */
    UPSTREAM_TLS("upstream-tls", true),
    /** The upstream proxy's host name does not resolve. */
    UPSTREAM_UNRESOLVED("upstream-unresolved", true),
    /** A working upstream reports that the target refused the connection. */
    TARGET_REFUSED("target-refused", false),
    /** A working upstream reports that the target is unreachable or its name does not resolve. */
    TARGET_UNREACHABLE("target-unreachable", false),
    /** The upstream refused this target by its own rules (403 to CONNECT, SOCKS "not allowed"). */
    TARGET_FORBIDDEN("target-forbidden", false),
    /** The gateway's target policy refuses this target (private address, denied port, the gateway itself). */
    TARGET_DENIED("target-denied", false),
    /** No response byte arrived in time for a plain HTTP request. */
    RESPONSE_TIMEOUT("response-timeout", true),
    /** The request names a pool that does not exist, or tags no upstream of its pool carries. */
    UNKNOWN_ROUTE("unknown-route", false),
    /** No upstream can take the request (empty pool, all saturated). */
    NO_UPSTREAM("no-upstream", false),
    /** The client sent something that is not a valid proxy request. */
    BAD_REQUEST("bad-request", false),
    /** The client's request head is larger than the gateway accepts. */
    REQUEST_TOO_LARGE("request-too-large", false),
    /** The client sent no or wrong credentials. */
    AUTH_REQUIRED("auth-required", false),
    /** The client asked for something the gateway does not do (e.g. SOCKS BIND). */
    UNSUPPORTED("unsupported", false),
    /** The gateway is at {@code server.max-connections}, or stopping. */
    OVERLOADED("overloaded", false),
    /** The user is over its {@code rate} or {@code max-connections}. */
    RATE_LIMITED("rate-limited", false),
    /** An unexpected failure inside the gateway. */
    INTERNAL("internal", false);

    private final String code;
    private final boolean proxyFault;

    FailureKind(String code, boolean proxyFault) {
        this.code = code;
        this.proxyFault = proxyFault;
    }

    public String code() {
        return code;
    }

    /** Only proxy faults count against an upstream (breaker, ejection, retry elsewhere). */
    public boolean isProxyFault() {
        return proxyFault;
    }
}
