package dev.rotagate.pool.connect;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.TimeoutsConfig;
import dev.rotagate.config.UpstreamConfig;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.Upstreams;
import dev.rotagate.pool.testing.EmbeddedSockets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpConnectionPoolTest {

    private static final HostAndPort TARGET = HostAndPort.of("example.com", 80);
    private static final HostAndPort OTHER_TARGET = HostAndPort.of("example.org", 80);
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private static Vertx vertx;

    private final Upstream httpUpstream = Upstreams.of("u0", 1, 0);
    private final Upstream socksUpstream = upstream("s0", "socks5://10.0.1.1:1080");
    private final Upstream templated = upstream("t0", "http://cust-{session}:pw@10.0.2.1:3128");
    /** Every connection dialled in a test lives on this one loop, as connections of one event loop do. */
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final EventLoop loop = loopOwner.eventLoop();
    private final FakeDialer dialer = new FakeDialer();
    private final List<ByteBuf> created = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeEverythingAndCheckEveryBufferWasReleased() {
        dialer.sockets.forEach(MessageSocket::close);
        loopOwner.runPendingTasks();
        dialer.channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        loopOwner.finishAndReleaseAll();
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).as("refCnt of %s", b).isZero());
    }

    @Test
    void aReleasedConnectionIsReusedOnTheSameLoopAndComesBackPaused() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);

        pool.release(first);
        HttpConnection second = acquire(pool, httpUpstream, TARGET);

        assertThat(first.reused()).isFalse();
        assertThat(second.reused()).isTrue();
        assertThat(second.socket()).isSameAs(first.socket());
        assertThat(second.socket().isPaused()).isTrue();
        assertThat(second.socket().isActive()).isTrue();
        assertThat(dialer.calls).containsExactly("connectToProxy u0");
    }

    @Test
    void aFreshConnectionHasTheHttpCodecAndComesPaused() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);

        HttpConnection connection = acquire(pool, httpUpstream, TARGET);

        assertThat(connection.socket().pipeline().get(HttpConnectionPool.CODEC)).isInstanceOf(UpstreamHttpCodec.class);
        assertThat(connection.socket().isPaused()).isTrue();
        assertThat(connection.absoluteForm()).isTrue();
    }

    @Test
    void whatArrivesOnAReusedConnectionWaitsForItsNextOwner() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);
        HttpConnection second = acquire(pool, httpUpstream, TARGET);

        arrive(second, RESPONSE);
        Exchange next = new Exchange();
        second.socket().listen(next);
        second.socket().resume(next);

        assertThat(second.socket().isActive()).isTrue();
        assertThat(next.events).containsExactly("head", "content");
    }

    @Test
    void aMessageOnAnIdleConnectionRetiresIt() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);

        arrive(first, RESPONSE);
        loopOwner.runPendingTasks();
        HttpConnection next = acquire(pool, httpUpstream, TARGET);

        assertThat(first.socket().isActive()).isFalse();
        assertThat(dialer.channels.get(0).isOpen()).isFalse();
        assertThat(next.socket()).isNotSameAs(first.socket());
        assertThat(next.reused()).isFalse();
        assertThat(dialer.calls).hasSize(2);
    }

    @Test
    void aConnectionReleasedWithAnAnswerWaitingIsRetired() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        arrive(first, RESPONSE);

        pool.release(first);
        loopOwner.runPendingTasks();
        HttpConnection next = acquire(pool, httpUpstream, TARGET);

        assertThat(first.socket().isActive()).isFalse();
        assertThat(next.socket()).isNotSameAs(first.socket());
    }

    @Test
    void aFinOnAnIdleConnectionRetiresIt() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);

        dialer.channels.get(0).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        loopOwner.runPendingTasks();
        HttpConnection next = acquire(pool, httpUpstream, TARGET);

        assertThat(first.socket().isActive()).isFalse();
        assertThat(next.socket()).isNotSameAs(first.socket());
    }

    @Test
    void aPeerCloseWhileIdleRemovesTheConnection() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 1);
        HttpConnection a = acquire(pool, httpUpstream, TARGET);
        HttpConnection b = acquire(pool, httpUpstream, TARGET);
        useAndFinish(a);
        useAndFinish(b);
        pool.release(a);

        peerCloses(0);
        pool.release(b); // kept only if the closed one left its place
        HttpConnection next = acquire(pool, httpUpstream, TARGET);

        assertThat(b.socket().isActive()).isTrue();
        assertThat(next.socket()).isSameAs(b.socket());
        assertThat(next.reused()).isTrue();
    }

    @Test
    void aReleasedConnectionWhoseSocketIsClosedIsNotKept() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 1);
        HttpConnection closed = acquire(pool, httpUpstream, TARGET);
        HttpConnection open = acquire(pool, httpUpstream, TARGET);
        useAndFinish(closed);
        useAndFinish(open);
        peerCloses(0);

        pool.release(closed);
        pool.release(open); // kept only if the closed one took no place
        HttpConnection next = acquire(pool, httpUpstream, TARGET);

        assertThat(next.socket()).isSameAs(open.socket());
        assertThat(dialer.calls).hasSize(2);
    }

    @Test
    void atMostMaxIdlePerKeyConnectionsAreKeptAndTheRestAreClosed() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 2);
        HttpConnection a = acquire(pool, httpUpstream, TARGET);
        HttpConnection b = acquire(pool, httpUpstream, TARGET);
        HttpConnection c = acquire(pool, httpUpstream, TARGET);
        List.of(a, b, c).forEach(HttpConnectionPoolTest::useAndFinish);

        pool.release(a);
        pool.release(b);
        pool.release(c);
        loopOwner.runPendingTasks();
        HttpConnection mostRecent = acquire(pool, httpUpstream, TARGET);
        HttpConnection older = acquire(pool, httpUpstream, TARGET);
        HttpConnection fresh = acquire(pool, httpUpstream, TARGET);

        assertThat(c.socket().isActive()).isFalse();
        assertThat(mostRecent.socket()).isSameAs(b.socket());
        assertThat(older.socket()).isSameAs(a.socket());
        assertThat(fresh.reused()).isFalse();
        assertThat(dialer.calls).hasSize(4);
    }

    @Test
    void theIdleLimitIsPerKey() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 1);
        HttpConnection viaHttp = acquire(pool, httpUpstream, TARGET);
        HttpConnection viaSocks = acquire(pool, socksUpstream, TARGET);
        useAndFinish(viaHttp);
        useAndFinish(viaSocks);

        pool.release(viaHttp);
        pool.release(viaSocks);

        assertThat(acquire(pool, httpUpstream, TARGET).socket()).isSameAs(viaHttp.socket());
        assertThat(acquire(pool, socksUpstream, TARGET).socket()).isSameAs(viaSocks.socket());
    }

    @Test
    void throughAnHttpUpstreamOneConnectionServesAnyTarget() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);

        HttpConnection second = acquire(pool, httpUpstream, OTHER_TARGET);

        assertThat(second.socket()).isSameAs(first.socket());
        assertThat(dialer.calls).containsExactly("connectToProxy u0");
    }

    @Test
    void throughASocksUpstreamConnectionsAreKeptPerTarget() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, socksUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);

        HttpConnection toOther = acquire(pool, socksUpstream, OTHER_TARGET);
        HttpConnection toSame = acquire(pool, socksUpstream, TARGET);

        assertThat(first.absoluteForm()).isFalse();
        assertThat(toOther.socket()).isNotSameAs(first.socket());
        assertThat(toSame.socket()).isSameAs(first.socket());
        assertThat(dialer.calls).containsExactly("connect s0 example.com:80 null", "connect s0 example.org:80 null");
    }

    @Test
    void anIdleConnectionIsOnlyUsedOnItsOwnLoop() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);
        EmbeddedChannel otherLoopOwner = new EmbeddedChannel();

        Future<HttpConnection> onOtherLoop = pool.acquire(otherLoopOwner.eventLoop(), httpUpstream, TARGET, null, false);

        assertThat(onOtherLoop.result().socket()).isNotSameAs(first.socket());
        assertThat(acquire(pool, httpUpstream, TARGET).socket()).isSameAs(first.socket());
        otherLoopOwner.finishAndReleaseAll();
    }

    @Test
    void aConnectionIdleForLongerThanMaxIdleIsClosedInsteadOfReused() {
        HttpConnectionPool pool = pool(Duration.ZERO, 4);
        HttpConnection first = acquire(pool, httpUpstream, TARGET);
        useAndFinish(first);
        pool.release(first);

        HttpConnection next = acquire(pool, httpUpstream, TARGET);
        loopOwner.runPendingTasks();

        assertThat(next.socket()).isNotSameAs(first.socket());
        assertThat(first.socket().isActive()).isFalse();
    }

    @Test
    void aFreshSessionOfATemplatedUpstreamAlwaysGetsANewConnectionThatIsNeverPooled() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection pooled = pool.acquire(loop, templated, TARGET, "s1", false).result();
        useAndFinish(pooled);
        pool.release(pooled);

        HttpConnection oneOff = pool.acquire(loop, templated, TARGET, "s1", true).result();
        useAndFinish(oneOff);
        pool.release(oneOff);
        loopOwner.runPendingTasks();
        HttpConnection another = pool.acquire(loop, templated, TARGET, "s1", true).result();

        assertThat(oneOff.socket()).isNotSameAs(pooled.socket());
        assertThat(oneOff.reused()).isFalse();
        assertThat(oneOff.socket().isActive()).as("a one-off connection is closed on release").isFalse();
        assertThat(another.socket()).isNotSameAs(oneOff.socket()).isNotSameAs(pooled.socket());
        assertThat(another.reused()).isFalse();
        assertThat(pool.acquire(loop, templated, TARGET, "s1", false).result().socket()).isSameAs(pooled.socket());
        assertThat(dialer.calls).hasSize(3);
    }

    @Test
    void eachSessionOfATemplatedUpstreamHasItsOwnConnections() {
        HttpConnectionPool pool = pool(Duration.ofMinutes(1), 4);
        HttpConnection s1 = pool.acquire(loop, templated, TARGET, "s1", false).result();
        useAndFinish(s1);
        pool.release(s1);

        HttpConnection s2 = pool.acquire(loop, templated, TARGET, "s2", false).result();
        HttpConnection s1Again = pool.acquire(loop, templated, TARGET, "s1", false).result();

        assertThat(s2.socket()).isNotSameAs(s1.socket());
        assertThat(s1Again.socket()).isSameAs(s1.socket());
    }

    private HttpConnectionPool pool(Duration maxIdle, int maxIdlePerKey) {
        return new HttpConnectionPool(dialer, maxIdle, maxIdlePerKey);
    }

    private HttpConnection acquire(HttpConnectionPool pool, Upstream upstream, HostAndPort target) {
        Future<HttpConnection> connection = pool.acquire(loop, upstream, target, null, false);
        assertThat(connection.succeeded()).isTrue();
        return connection.result();
    }

    /** An exchange takes the connection, reads a whole answer and gives the connection up again. */
    private static void useAndFinish(HttpConnection connection) {
        Exchange exchange = new Exchange();
        connection.socket().listen(exchange);
        connection.socket().resume(exchange);
    }

    private void arrive(HttpConnection connection, String text) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, US_ASCII);
        created.add(bytes);
        channelOf(connection).writeInbound(bytes);
    }

    private EmbeddedChannel channelOf(HttpConnection connection) {
        return dialer.channels.get(dialer.sockets.indexOf(connection.socket()));
    }

    private void peerCloses(int dialled) {
        dialer.channels.get(dialled).close();
        loopOwner.runPendingTasks();
    }

    private static Upstream upstream(String name, String url) {
        return new Upstream(new UpstreamConfig(name, UpstreamUrl.parse(url), 1, List.of(), 0));
    }

    /** An exchange's owner: it releases what it gets and notes what kind of thing it was. */
    private static final class Exchange implements MessageSocket.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onMessage(Object message) {
            events.add(message instanceof HttpResponse ? "head" : "content");
            ReferenceCountUtil.release(message);
        }

        @Override
        public void onClose() {
            events.add("close");
        }
    }

    /** Hands out in-memory sockets on the test's loop, as the real dialer does: paused, owned by nobody. */
    private final class FakeDialer implements Dialer {
        final List<String> calls = new ArrayList<>();
        final List<MessageSocket> sockets = new ArrayList<>();
        final List<EmbeddedChannel> channels = new ArrayList<>();

        @Override
        public Future<MessageSocket> connect(Upstream via, HostAndPort target, String session) {
            calls.add("connect " + via.name() + " " + target + " " + session);
            return Future.succeededFuture(newSocket());
        }

        @Override
        public Future<MessageSocket> connectToProxy(Upstream via, HostAndPort targetForErrors) {
            calls.add("connectToProxy " + via.name());
            return Future.succeededFuture(newSocket());
        }

        @Override
        public void timeouts(TimeoutsConfig timeouts) {
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }

        private MessageSocket newSocket() {
            EmbeddedChannel channel = EmbeddedChannel.builder().register(false).build();
            loop.register(channel);
            MessageSocket socket = MessageSocket.of(EmbeddedSockets.attach(vertx, channel));
            channels.add(channel);
            sockets.add(socket);
            return socket;
        }
    }
}
