package dev.rotagate.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.ListenerConfig;
import dev.rotagate.config.LogConfig;
import dev.rotagate.config.TimeoutsConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.gateway.forward.AccessLog;
import dev.rotagate.gateway.forward.Admission;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.OwnEndpoints;
import dev.rotagate.gateway.forward.RetryBudget;
import dev.rotagate.gateway.frontend.ClientConnection;
import dev.rotagate.gateway.frontend.ClientConnections;
import dev.rotagate.gateway.frontend.Entrance;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.Dialer;
import dev.rotagate.pool.connect.HttpConnectionPool;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.testing.EmbeddedSockets;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real front end and forwarding code on in-memory sockets: each client and upstream connection is a Netty
 * {@link EmbeddedChannel} under a real Vert.x socket, everything runs on the test's thread, and time moves only when
 * the test says so. No syscalls: fast enough for millions of fuzz inputs, and deterministic. Every buffer the
 * channels allocate is recorded, so a test can check that all of them were released.
 */
final class EmbeddedGateway implements AutoCloseable {

    /** One shared Vert.x: it only provides contexts bound to the embedded event loops. */
    private static final Vertx VERTX = Vertx.vertx();
    private static final List<Throwable> UNHANDLED = new CopyOnWriteArrayList<>();

    static {
        VERTX.exceptionHandler(UNHANDLED::add);
    }

    private final GatewayContext context;
    private final int maxRequestHead;
    private final ClientConnections connections = new ClientConnections(0);
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<EmbeddedChannel> upstreams = new ArrayList<>();
    private final List<MessageSocket> sockets = new ArrayList<>();

    private EmbeddedGateway(GatewayConfig config) {
        FakeDialer dialer = new FakeDialer();
        Generation.Shared shared = new Generation.Shared(VERTX, dialer, new HttpConnectionPool(dialer, Duration.ofSeconds(15), 8),
                new DomainBans(config.bans(), Ticker.systemTicker()), new RetryBudget(config.retry()),
                new AccessLog(new GatewayMetrics(), LogConfig.AccessFormat.TEXT, line -> { }), Ticker.systemTicker(), config.server(), EmbeddedGateway::resolve,
                new OwnEndpoints(), new Admission(System::nanoTime));
        this.context = Generation.build(config, shared, null).context();
        this.maxRequestHead = config.server().maxRequestHead();
    }

    /** Every name has one public address (TEST-NET-3): nothing leaves the process anyway. */
    private static Future<List<InetAddress>> resolve(String host, EventLoop loop) {
        try {
            return Future.succeededFuture(List.of(InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 7})));
        } catch (UnknownHostException e) {
            return Future.failedFuture(e);
        }
    }

    static EmbeddedGateway start(String yaml) throws Exception {
        return start(config(yaml));
    }

    /** A gateway of its own (pools, breakers, bans, connection pool) for a config parsed once. */
    static EmbeddedGateway start(GatewayConfig config) {
        return new EmbeddedGateway(config);
    }

    static GatewayConfig config(String yaml) {
        try {
            return new ConfigLoader(System::getenv).parse(TestGateway.allowingLoopback(yaml), Path.of("embedded.yaml"));
        } catch (Exception e) {
            throw new IllegalArgumentException("config: " + yaml, e);
        }
    }

    /** Exceptions that escaped a handler anywhere so far (and forgets them). */
    static List<Throwable> takeUnhandled() {
        List<Throwable> out = List.copyOf(UNHANDLED);
        UNHANDLED.clear();
        return out;
    }

    private static final Entrance ENTRANCE = new Entrance(ListenerConfig.plain(HostAndPort.of("127.0.0.1", 8080)), 8080,
            new GatewayMetrics().listener("embedded"));

    /** A new client connection to the gateway. */
    EmbeddedChannel connect() {
        return accept().socket().channel() instanceof EmbeddedChannel ch ? ch : null;
    }

    /** A new client connection to the gateway, as the gateway sees it. */
    ClientConnection accept() {
        EmbeddedChannel ch = channel();
        ClientConnection connection = ClientConnection.accept(socket(ch), () -> context, maxRequestHead, connections,
                ENTRANCE);
        sockets.add(connection.socket());
        return connection;
    }

    /** Upstream connections the gateway opened, in order. */
    List<EmbeddedChannel> upstreams() {
        return upstreams;
    }

    /** Every socket in message mode so far (the client's and the upstreams'). */
    long deliveries() {
        return sockets.stream().mapToLong(MessageSocket::deliveries).sum();
    }

    ByteBuf buffer(byte[] bytes) {
        return allocator.heapBuffer(bytes.length).writeBytes(bytes);
    }

    /** Bytes arrive on {@code ch} from its peer. */
    void send(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(buffer(bytes));
    }

    /** The peer of {@code ch} sends FIN. */
    static void finish(EmbeddedChannel ch) {
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    /** Everything {@code ch} wrote so far, as text (ISO-8859-1), released. */
    static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            if (m instanceof ByteBuf b) {
                out.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
        }
        return out.toString();
    }

    /**
     * Plays a simple upstream on every upstream connection: each request line it was sent (a line ending in
     * {@code HTTP/1.x}) gets {@code response}; everything else it was sent is read and dropped.
     */
    void answerEveryRequest(String response) {
        for (int i = 0; i < upstreams.size(); i++) { // answers may open new upstream connections (the next request)
            EmbeddedChannel up = upstreams.get(i);
            String sent = written(up);
            int requests = 0;
            for (int at = sent.indexOf(" HTTP/1."); at >= 0; at = sent.indexOf(" HTTP/1.", at + 1)) {
                requests++;
            }
            for (int r = 0; r < requests && up.isOpen(); r++) {
                send(up, response.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** Moves every channel's clock on and runs what is due. */
    void advance(Duration d) {
        for (EmbeddedChannel ch : List.copyOf(channels)) {
            ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
            ch.runPendingTasks();
            ch.runScheduledPendingTasks();
        }
    }

    /** Closes every channel and drops what they still hold; afterwards every buffer must be released. */
    @Override
    public void close() {
        for (EmbeddedChannel ch : List.copyOf(channels)) {
            ch.close();
            ch.runPendingTasks();
        }
        for (EmbeddedChannel ch : List.copyOf(channels)) {
            ch.finishAndReleaseAll();
        }
    }

    /** Buffers allocated by the channels (or {@link #buffer}) that are still referenced. */
    List<ByteBuf> unreleased() {
        return allocator.live();
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(allocator);
        channels.add(ch);
        return ch;
    }

    private static NetSocket socket(EmbeddedChannel ch) {
        return EmbeddedSockets.attach(VERTX, ch);
    }

    /** Hands out upstream connections that are embedded channels; the test plays the upstream's part. */
    private final class FakeDialer implements Dialer {
        @Override
        public Future<MessageSocket> connect(Upstream via, HostAndPort target, String session) {
            EmbeddedChannel ch = channel();
            upstreams.add(ch);
            MessageSocket s = MessageSocket.of(socket(ch));
            sockets.add(s);
            return Future.succeededFuture(s);
        }

        @Override
        public Future<MessageSocket> connectToProxy(Upstream via, HostAndPort targetForErrors) {
            return connect(via, targetForErrors, null);
        }

        @Override
        public void timeouts(TimeoutsConfig timeouts) {
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }

    /** Unpooled buffers, each remembered until it is released. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> created = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            created.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        List<ByteBuf> live() {
            return created.stream().filter(b -> b.refCnt() > 0).toList();
        }
    }
}
