package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.pool.Upstream;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle keep-alive HTTP connections for plain HTTP requests. Through an http:// upstream one connection serves
 * any target (absolute form), so idle connections are kept per upstream, never per upstream × target; through
 * SOCKS or direct upstreams a connection is a tunnel to one target and is kept per (upstream, target).
 *
 * <p>Each event loop has its own idle lists, touched only by that loop: no locks, and a connection is always
 * used on the loop that owns it.
 */
public final class HttpConnectionPool {

    public static final String CODEC = "http-client";

    private final UpstreamConnector connector;
    private final long maxIdleNanos;
    private final int maxIdlePerKey;
    private final Map<EventExecutor, Map<Key, ArrayDeque<HttpConnection>>> idleByLoop = new ConcurrentHashMap<>();

    /** {@code session}: the filled-in credential template, for upstreams whose username has one. */
    private record Key(Upstream upstream, HostAndPort target, String session) {
    }

    public HttpConnectionPool(UpstreamConnector connector, Duration maxIdle, int maxIdlePerKey) {
        this.connector = connector;
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxIdlePerKey = maxIdlePerKey;
    }

    /** An idle connection to reuse if there is a fresh one, else a new one; paused. Call on {@code loop}. */
    public Future<HttpConnection> acquire(EventExecutor loop, Upstream upstream, HostAndPort target, String session,
                                          boolean sessionIsFresh) {
        if (upstream.isTemplated() && sessionIsFresh) {
            // a one-off exit: nothing to reuse, nothing to keep
            return fresh(upstream, target, session).map(c -> {
                c.oneOff = true;
                return c;
            });
        }
        Key key = key(upstream, target, session);
        ArrayDeque<HttpConnection> idle = idleByLoop.computeIfAbsent(loop, l -> new HashMap<>()).get(key);
        long now = System.nanoTime();
        while (idle != null && !idle.isEmpty()) {
            HttpConnection c = idle.pollLast(); // most recently used first: least likely to be closed by the peer
            if (c.socket().isActive() && now - c.idleSinceNanos < maxIdleNanos) {
                c.socket().closeHandler(null);
                c.socket().messageHandler(ReferenceCountUtil::release);
                c.socket().pause(); // like a fresh one: the caller sets its handler, then resumes
                return Future.succeededFuture(c.reuse());
            }
            c.socket().close();
        }
        return fresh(upstream, target, session);
    }

    /** A new connection, never a pooled one: for the retry after a reused connection turned out dead. */
    public Future<HttpConnection> fresh(Upstream upstream, HostAndPort target, String session) {
        Key key = key(upstream, target, session);
        Future<MessageSocket> socket = key.target() == null
                ? connector.connectToProxy(upstream, target)
                : connector.connect(upstream, target, session);
        return socket.map(s -> {
            s.addCodec(CODEC, new HttpClientCodec(8192, 64 * 1024, 64 * 1024, true));
            return new HttpConnection(s, upstream, key.target(), key.session(), false);
        });
    }

    /** Hands a connection back after a complete exchange; it is kept only while the peer keeps it open. */
    public void release(HttpConnection c) {
        MessageSocket s = c.socket();
        if (!s.isActive() || c.oneOff) {
            s.close();
            return;
        }
        Key key = new Key(c.upstream(), c.tunnelTarget(), c.session());
        ArrayDeque<HttpConnection> idle = idleByLoop.computeIfAbsent(s.eventLoop(), l -> new HashMap<>())
                .computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() >= maxIdlePerKey) {
            s.close();
            return;
        }
        c.idleSinceNanos = System.nanoTime();
        // an idle connection must stay silent: anything it sends, or its close, retires it
        s.messageHandler(msg -> {
            ReferenceCountUtil.release(msg);
            idle.remove(c);
            s.close();
        });
        s.closeHandler(v -> idle.remove(c));
        s.drainHandler(null);
        s.resume();
        idle.addLast(c);
    }

    private static Key key(Upstream upstream, HostAndPort target, String session) {
        String credentials = upstream.isTemplated() ? session : null;
        return upstream.url().scheme() == UpstreamScheme.HTTP
                ? new Key(upstream, null, credentials) : new Key(upstream, target, credentials);
    }
}
