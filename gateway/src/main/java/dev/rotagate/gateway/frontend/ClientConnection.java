package dev.rotagate.gateway.frontend;

import dev.rotagate.common.TargetNames;
import dev.rotagate.gateway.forward.ClientLink;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.LoopTimer;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * One client connection, from accept to close, and the one place that moves it from phase to phase ({@link Phase}).
 *
 * <p>Who owns the socket: {@link #enter} makes one listener its owner for a phase — that listener alone gets its
 * messages, FIN, drain and close, and alone may pause or resume it ({@link MessageSocket}). DETECTING: this class
 * (the {@link ProtocolDetector} in the pipeline picks the protocol). HANDSHAKE: {@link Socks5Handshake} or
 * {@link Socks4Handshake}. REQUEST_HEAD: {@link HttpRequestReader}. EXCHANGE: the request's {@code HttpExchange}.
 * TUNNEL: the {@code TunnelOpener}, then the {@code Relay}. CLOSING: this class again, discarding. The codecs in
 * the pipeline belong to the phase that installed them; a decoder that has finished is removed before anything else
 * is read — when the connection becomes a tunnel or starts closing, after the new owner took over — never fed again.
 *
 * <p>Timers: while a request is due (DETECTING, HANDSHAKE, REQUEST_HEAD) the request deadline runs; in CLOSING a
 * one-second limit. Every way out of every phase ends here: an answer, a flush, a FIN, and the close.
 */
public final class ClientConnection implements ClientLink {

    static final String DETECTOR = "detect";
    private static final long CLOSING_LIMIT_MILLIS = 1000;
    /** How long a connection over {@code server.max-connections} has to send the request it is refused. */
    private static final long OVER_LIMIT_DEADLINE_MILLIS = 2000;

    private final MessageSocket socket;
    private final Supplier<GatewayContext> contexts;
    private long requestDeadlineMillis;
    private final Discarding discarding = new Discarding();
    private Phase phase = Phase.DETECTING;
    private final LoopTimer timer;
    /** The protocol's decoder while it parses; null once removed. */
    private String decoder;
    /** The protocol's codecs, removed when the connection becomes a byte stream. */
    private String[] codecs = {};
    private HttpRequestReader reader;
    private final ClientConnections registry;
    /** Within {@code server.max-connections}; false: served only as far as a refusal of its first request. */
    private boolean admitted;
    /** The user whose connection slot this holds, and how to give it back. */
    private String user;
    private Runnable releaseUser;
    /** The client's address as text, made once: every request's access-log line and limits name it. */
    private String remoteAddress;
    private final Entrance entrance;
    private InetAddress clientAddress;
    private boolean clientAddressKnown;
    /** Its listener was removed by a reload: no next request on this connection. */
    private boolean draining;

    private ClientConnection(MessageSocket socket, Supplier<GatewayContext> contexts, ClientConnections registry,
                             Entrance entrance) {
        this.socket = socket;
        this.contexts = contexts;
        this.registry = registry;
        this.entrance = entrance;
        this.requestDeadlineMillis = contexts.get().timeouts().request().toMillis();
        this.timer = new LoopTimer(socket.eventLoop());
    }

    /** Takes over a new client connection that came in through {@code entrance}. */
    public static ClientConnection accept(NetSocket netSocket, Supplier<GatewayContext> contexts, int maxRequestHead,
                                          ClientConnections registry, Entrance entrance) {
        MessageSocket socket = MessageSocket.of(netSocket);
        socket.allowHalfClosure(); // a client's FIN in a tunnel must not cut the download it is waiting for
        ClientConnection connection = new ClientConnection(socket, contexts, registry, entrance);
        entrance.stats().connectionOpened();
        connection.admitted = registry.opened(connection);
        if (!connection.admitted) {
            connection.requestDeadlineMillis = Math.min(connection.requestDeadlineMillis, OVER_LIMIT_DEADLINE_MILLIS);
        }
        socket.closeHook(connection::closed);
        HttpDecoderConfig http = new HttpDecoderConfig().setMaxInitialLineLength(Math.min(maxRequestHead, 16 * 1024))
                .setMaxHeaderSize(maxRequestHead).setMaxChunkSize(64 * 1024);
        socket.addCodec(DETECTOR, new ProtocolDetector(protocol -> connection.detected(protocol, http)));
        connection.arm(connection.requestDeadlineMillis);
        connection.own(connection.discarding);
        return connection;
    }

    private void detected(ProtocolDetector.Protocol protocol, HttpDecoderConfig http) {
        GatewayContext ctx = contexts.get();
        switch (protocol) {
            case SOCKS5 -> {
                Socks5Handshake.install(socket);
                decoder = Socks5Handshake.DECODER;
                codecs = new String[] {Socks5Handshake.DECODER, Socks5Handshake.ENCODER};
                enter(Phase.HANDSHAKE, new Socks5Handshake(ctx, this));
            }
            case SOCKS4 -> {
                Socks4Handshake.install(socket);
                decoder = Socks4Handshake.DECODER;
                codecs = new String[] {Socks4Handshake.DECODER, Socks4Handshake.ENCODER};
                enter(Phase.HANDSHAKE, new Socks4Handshake(ctx, this));
            }
            case HTTP -> {
                socket.addCodec(ClientHttpCodec.NAME, new ClientHttpCodec(http));
                decoder = ClientHttpCodec.NAME;
                codecs = new String[] {ClientHttpCodec.NAME};
                reader = new HttpRequestReader(contexts, this);
                enter(Phase.REQUEST_HEAD, reader);
            }
        }
    }

    @Override
    public MessageSocket socket() {
        return socket;
    }

    public Phase phase() {
        return phase;
    }

    public Entrance entrance() {
        return entrance;
    }

    /**
     * The client's address (the PROXY header's, when there is one): what {@code allow-ips} is checked against. Parsed
     * once per connection, like {@link #remoteAddress()}: every request of a keep-alive client is authenticated.
     */
    public InetAddress clientAddress() {
        if (!clientAddressKnown) {
            clientAddressKnown = true;
            SocketAddress address = socket.netSocket().remoteAddress();
            try {
                clientAddress = address == null || address.hostAddress() == null ? null
                        : TargetNames.literal(address.hostAddress());
            } catch (IllegalArgumentException e) {
                clientAddress = null;
            }
        }
        return clientAddress;
    }

    @Override
    public LoopTimer deadline() {
        return timer;
    }

    @Override
    public String remoteAddress() {
        if (remoteAddress == null) {
            remoteAddress = socket.remoteAddress(); // first asked for after a PROXY header, if any, was read
        }
        return remoteAddress;
    }

    @Override
    public void enterExchange(MessageSocket.Listener exchange) {
        enter(Phase.EXCHANGE, exchange);
    }

    @Override
    public void enterTunnel(MessageSocket.Listener owner) {
        enter(Phase.TUNNEL, owner);
    }

    /**
     * The chokepoint: moves to {@code next} with {@code owner} as the socket's owner.
     *
     * @throws IllegalStateException for a transition {@link Phase} does not allow
     */
    public void enter(Phase next, MessageSocket.Listener owner) {
        if (!phase.canGoTo(next)) {
            throw new IllegalStateException("client connection: " + phase + " → " + next + " (not a legal transition)");
        }
        boolean requestNowDue = next.awaitsRequest() && !phase.awaitsRequest();
        phase = next;
        if (requestNowDue) {
            arm(requestDeadlineMillis);
        } else if (!next.awaitsRequest()) {
            timer.cancel();
        }
        own(owner);
        if (next == Phase.TUNNEL || next == Phase.CLOSING) {
            // only now: the decoder hands what it still holds on at once, and it must reach the new owner
            stopDecoding();
        }
    }

    /**
     * Hands the socket to {@code owner} with what the phase implies: reading on while a request is due, otherwise
     * paused until the new owner is ready for what arrives.
     */
    private void own(MessageSocket.Listener owner) {
        socket.listen(owner);
        if (phase.awaitsRequest()) {
            socket.resume(owner);
        } else {
            socket.pause(owner);
        }
    }

    /** A request was answered without leaving the REQUEST_HEAD phase: the next one is due from now. */
    public void nextRequestDue() {
        if (phase == Phase.REQUEST_HEAD) {
            arm(requestDeadlineMillis);
        }
    }

    /**
     * An exchange ended: the next request may come ({@code keepAlive}), or the connection closes once
     * {@code lastWrite} — the end of the answer — has been flushed.
     */
    @Override
    public void exchangeDone(boolean keepAlive, Future<Void> lastWrite) {
        if (phase != Phase.EXCHANGE) {
            return;
        }
        if (keepAlive && admitted && !socket.isInputShutdown() && !registry.draining() && !draining) {
            enter(Phase.REQUEST_HEAD, reader);
        } else {
            closeAfter(lastWrite);
        }
    }

    /**
     * The end of the conversation: writes {@code answer} (an HTTP response or SOCKS reply; null for none) and closes
     * as {@link #closeAfter} does.
     */
    @Override
    public void closeWith(Object answer) {
        if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
            ReferenceCountUtil.release(answer);
            return;
        }
        closeAfter(answer == null ? null : socket.write(answer));
    }

    /**
     * Closes once {@code lastWrite} is flushed (null: at once): a FIN after it, then what the client still sends is
     * discarded until it closes too — at the latest after a second, so that an unread request body does not turn the
     * close into a reset that destroys the answer. The decoder is removed first: nothing is parsed any more.
     */
    public void closeAfter(Future<Void> lastWrite) {
        if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
            return;
        }
        enter(Phase.CLOSING, discarding);
        socket.resume(discarding);
        if (lastWrite == null) {
            socket.close();
            return;
        }
        arm(CLOSING_LIMIT_MILLIS);
        lastWrite.onComplete(v -> {
            if (socket.isInputShutdown()) {
                socket.close(); // the client is done sending too
            } else {
                socket.halfClosure(false).shutdownOutput(); // the client's FIN then closes at once
            }
        });
    }

    /** Removes the protocol's decoder: what it still held, and everything after, reaches the owner as raw bytes. */
    private void stopDecoding() {
        if (decoder == null) {
            return;
        }
        if (decoder.equals(ClientHttpCodec.NAME)) {
            if (socket.pipeline().get(ClientHttpCodec.NAME) instanceof ClientHttpCodec codec) {
                codec.removeInboundHandler();
            }
        } else {
            socket.removeCodec(decoder);
        }
        decoder = null;
    }

    @Override
    public void rawFromNowOn() {
        stopDecoding();
        for (String name : codecs) {
            socket.removeCodec(name);
        }
        codecs = new String[0];
    }

    @Override
    public boolean overLimit() {
        return !admitted;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public void heldBy(String user, Runnable release) {
        if (releaseUser != null) {
            releaseUser.run(); // another user on the same connection: the previous one's slot goes back
        }
        this.user = user;
        this.releaseUser = release;
    }

    /** A request or tunnel is under way (not waiting for one, not closing). */
    boolean busy() {
        return phase == Phase.HANDSHAKE || phase == Phase.EXCHANGE || phase == Phase.TUNNEL;
    }

    /**
     * The gateway, or this connection's listener, is stopping (on this connection's loop): if nothing is under way the
     * connection closes now, else after the request or tunnel under way.
     */
    void drain() {
        draining = true;
        if (phase == Phase.DETECTING || phase == Phase.REQUEST_HEAD) {
            closeAfter(null);
        }
    }

    private void closed() {
        timer.stop();
        entrance.stats().connectionClosed();
        phase = Phase.CLOSED;
        registry.closed(this, admitted);
        if (releaseUser != null) {
            releaseUser.run();
            releaseUser = null;
        }
    }

    private void arm(long millis) {
        timer.arm(millis, () -> {
            if (phase == Phase.CLOSING || phase.awaitsRequest()) {
                socket.close(); // a request that did not come in time, or a client that does not close
            }
        });
    }

    /** The owner while detecting and while closing: nothing the client sends is read any more. */
    private final class Discarding implements MessageSocket.Listener {
        @Override
        public void onMessage(Object message) {
            ReferenceCountUtil.release(message);
        }

        @Override
        public void onInputShutdown() {
            socket.close(); // nothing sent (detecting), or the answer is out and the client is done too
        }

        @Override
        public void onClose() {
        }
    }
}
