package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle keep-alive HTTP connections for plain HTTP requests. Through an http:// upstream one connection serves any
 * target (absolute form), so idle connections are kept per upstream, never per upstream × target; through SOCKS or
 * direct upstreams a connection is a tunnel to one target and is kept per (upstream, target).
 *
 * <p>Each event loop has its own idle lists, touched only by that loop: no locks, and a connection is always used on
 * the loop that owns it. While idle, the pool owns the socket: anything the peer sends, or its close, retires it.
 */
public final class HttpConnectionPool implements HttpConnections {

    public static final String CODEC = "http-client";

    private final Dialer dialer;
    private final long maxIdleNanos;
    private final int maxIdlePerKey;
    private final Map<EventLoop, Map<Key, ArrayDeque<Idle>>> idleByLoop = new ConcurrentHashMap<>();

    /** {@code session}: the filled-in credential template, for upstreams whose username has one. */
    private record Key(Upstream upstream, HostAndPort target, String session) {
    }

    public HttpConnectionPool(Dialer dialer, Duration maxIdle, int maxIdlePerKey) {
        this.dialer = dialer;
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxIdlePerKey = maxIdlePerKey;
    }

    @Override
    public Future<HttpConnection> acquire(EventLoop loop, Upstream upstream, HostAndPort target, String session,
                                          boolean sessionIsFresh) {
        if (upstream.isTemplated() && sessionIsFresh) {
            // a one-off exit: nothing to reuse, nothing to keep
            return fresh(upstream, target, session).map(HttpConnection::asOneOff);
        }
        ArrayDeque<Idle> idle = idleByLoop.computeIfAbsent(loop, l -> new HashMap<>()).get(key(upstream, target, session));
        long now = System.nanoTime();
        while (idle != null && !idle.isEmpty()) {
            Idle c = idle.pollLast(); // most recently used first: least likely to be closed by the peer
            MessageSocket s = c.connection.socket();
            if (s.isActive() && now - c.sinceNanos < maxIdleNanos) {
                s.pause(c); // what arrives from now on waits for the next owner
                return Future.succeededFuture(c.connection.reuse());
            }
            s.close();
        }
        return fresh(upstream, target, session);
    }

    @Override
    public Future<HttpConnection> fresh(Upstream upstream, HostAndPort target, String session) {
        Key key = key(upstream, target, session);
        Future<MessageSocket> socket = key.target() == null
                ? dialer.connectToProxy(upstream, target)
                : dialer.connect(upstream, target, session);
        return socket.map(s -> {
            s.addCodec(CODEC, new UpstreamHttpCodec());
            return new HttpConnection(s, upstream, key.target(), key.session(), false, false);
        });
    }

    @Override
    public void release(HttpConnection c) {
        MessageSocket s = c.socket();
        if (!s.isActive() || c.oneOff()) {
            s.close();
            return;
        }
        ArrayDeque<Idle> idle = idleByLoop.computeIfAbsent(s.eventLoop(), l -> new HashMap<>())
                .computeIfAbsent(new Key(c.upstream(), c.tunnelTarget(), c.session()), k -> new ArrayDeque<>());
        if (idle.size() >= maxIdlePerKey) {
            s.close();
            return;
        }
        Idle entry = new Idle(c, idle, System.nanoTime());
        s.listen(entry);
        s.resume(entry);
        if (s.isActive()) { // what waited may have retired it already
            idle.addLast(entry);
        }
    }

    /** The pool as the owner of one idle connection: an idle connection must stay silent. */
    private static final class Idle implements MessageSocket.Listener {
        final HttpConnection connection;
        final ArrayDeque<Idle> list;
        final long sinceNanos;

        Idle(HttpConnection connection, ArrayDeque<Idle> list, long sinceNanos) {
            this.connection = connection;
            this.list = list;
            this.sinceNanos = sinceNanos;
        }

        @Override
        public void onMessage(Object message) {
            ReferenceCountUtil.release(message);
            retire();
        }

        @Override
        public void onInputShutdown() {
            retire();
        }

        @Override
        public void onClose() {
            list.remove(this);
        }

        private void retire() {
            list.remove(this);
            connection.socket().close();
        }
    }

    private static Key key(Upstream upstream, HostAndPort target, String session) {
        String credentials = upstream.isTemplated() ? session : null;
        return upstream.config().absoluteForm()
                ? new Key(upstream, null, credentials) : new Key(upstream, target, credentials);
    }
}
