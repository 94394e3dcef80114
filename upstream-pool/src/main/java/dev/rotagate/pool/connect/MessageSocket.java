package dev.rotagate.pool.connect;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayDeque;

/**
 * The one adapter over Vert.x's internal socket API ({@code io.vertx.core.internal.net}): a socket in message mode,
 * where Netty codecs in the pipeline turn bytes into objects and back. A Vert.x upgrade that moves the internals
 * changes this file only.
 *
 * <p><b>One owner at a time.</b> Whoever owns a phase of the connection installs itself with {@link #listen}; every
 * callback (message, end of input, drain, read complete, close) goes to that one {@link Listener}, and only it may
 * pause or resume reading. A handler of an earlier owner can therefore never act on the socket again.
 *
 * <p><b>In order, nothing lost.</b> Vert.x's own pause is never used. While paused, what arrives — messages, the
 * peer's FIN, the close — waits here in arrival order and is delivered on {@link #resume}: a response the upstream
 * finished and closed while the client was slow still reaches the owner before its close. The channel stops reading
 * once something waits (not at every pause: most pauses end before anything arrives, and each stop costs a
 * syscall), so what waits is at most one read's worth. What still waits when the owner closes the socket is released.
 */
public final class MessageSocket {

    /** The owner of the socket for now. It owns, and must release or pass on, every message it gets. */
    public interface Listener {
        void onMessage(Object message);

        /** The peer sent FIN (only with {@link #allowHalfClosure()}); after every message read before it. */
        default void onInputShutdown() {
        }

        /** The write queue has room again. */
        default void onDrain() {
        }

        /** The end of one socket read's worth of messages. */
        default void onReadComplete() {
        }

        /** The connection is closed; after everything read before, unless the owner closed it itself. */
        void onClose();
    }

    /** Name of Vert.x's own handler; our codecs go before it. */
    private static final String VERTX_HANDLER = "handler";
    private static final Object INPUT_SHUTDOWN = new Object();
    private static final Object CLOSED = new Object();
    private static final Listener RELEASING = new Listener() {
        @Override
        public void onMessage(Object message) {
            ReferenceCountUtil.release(message);
        }

        @Override
        public void onClose() {
        }
    };

    private final NetSocketInternal socket;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>(4);
    private Listener listener = RELEASING;
    private Runnable closeHook;
    private boolean paused;
    private boolean readingStopped;
    private boolean closing;
    private long deliveries;

    private MessageSocket(NetSocketInternal socket) {
        this.socket = socket;
        socket.messageHandler(this::arrived);
        socket.eventHandler(this::event);
        socket.closeHandler(v -> arrived(CLOSED));
        socket.drainHandler(v -> listener.onDrain());
        socket.readCompletionHandler(v -> readComplete());
        // a reset is followed by the close; anything else leaves the pipeline in a state nobody defined: end it
        socket.exceptionHandler(e -> {
            if (!(e instanceof IOException)) {
                close();
            }
        });
    }

    /** Takes over a socket; it starts paused, owned by nobody (what arrives waits). */
    public static MessageSocket of(NetSocket socket) {
        OutboundQueues.shrink((NetSocketInternal) socket);
        MessageSocket s = new MessageSocket((NetSocketInternal) socket);
        s.paused = true;
        return s;
    }

    /** The chokepoint: {@code owner} gets every callback from now on. Pause state is the new owner's to set. */
    public void listen(Listener owner) {
        this.listener = owner;
    }

    public Listener owner() {
        return listener;
    }

    /**
     * Runs once, after the owner's {@link Listener#onClose}: for whoever owns the connection as a whole (its phases'
     * timers), not for the owner of a phase.
     */
    public void closeHook(Runnable hook) {
        this.closeHook = hook;
    }

    /** Stops delivering; what arrives waits in order. Only the current owner may pause. */
    public void pause(Listener caller) {
        if (caller == listener) {
            paused = true;
        }
    }

    /** Delivers what waited, then what arrives. Only the current owner may resume. */
    public void resume(Listener caller) {
        if (caller == listener && paused) {
            paused = false;
            deliverWaiting();
            if (!paused && readingStopped) {
                readingStopped = false;
                channel().config().setAutoRead(true);
            }
        }
    }

    public boolean isPaused() {
        return paused;
    }

    private void arrived(Object message) {
        if (closing && message != CLOSED) {
            ReferenceCountUtil.release(message);
        } else if (paused || !waiting.isEmpty()) {
            waiting.add(message);
            if (paused) {
                stopReading();
            }
        } else {
            deliver(message);
        }
    }

    private void stopReading() {
        if (!readingStopped) {
            readingStopped = true;
            channel().config().setAutoRead(false);
        }
    }

    private void event(Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            arrived(INPUT_SHUTDOWN);
        }
        ReferenceCountUtil.release(event);
    }

    private void readComplete() {
        if (readingStopped) {
            channel().config().setAutoRead(false); // Vert.x may have turned reading back on for its own queue
        } else if (waiting.isEmpty()) {
            listener.onReadComplete();
        }
    }

    private void deliverWaiting() {
        Object next;
        while (!paused && (next = waiting.poll()) != null) {
            deliver(next);
        }
    }

    private void deliver(Object message) {
        deliveries++;
        if (message == CLOSED) {
            listener.onClose();
            if (closeHook != null) {
                closeHook.run();
            }
        } else if (message == INPUT_SHUTDOWN) {
            listener.onInputShutdown();
        } else {
            listener.onMessage(message);
        }
    }

    /** Callbacks delivered so far: a bound on the work one connection caused (the fuzz tests check it). */
    public long deliveries() {
        return deliveries;
    }

    public NetSocket netSocket() {
        return socket;
    }

    public Channel channel() {
        return socket.channelHandlerContext().channel();
    }

    public ChannelPipeline pipeline() {
        return socket.channelHandlerContext().pipeline();
    }

    public EventLoop eventLoop() {
        return channel().eventLoop();
    }

    /** Adds a codec in front of Vert.x's handler, after any handler added before. */
    public MessageSocket addCodec(String name, ChannelHandler handler) {
        pipeline().addBefore(VERTX_HANDLER, name, handler);
        return this;
    }

    /** Removes a codec; a decoder hands the bytes it held on, raw, to whoever owns the socket. */
    public void removeCodec(String name) {
        if (pipeline().get(name) != null) {
            pipeline().remove(name);
        }
    }

    /**
     * Hands bytes to the decoder {@code name} as if they had just been read: for bytes a finished decoder passed on
     * raw, which the decoder that replaced it must see. The caller guarantees that decoder has not finished.
     */
    public void feed(String name, Object bytes) {
        ChannelHandlerContext ctx = pipeline().context(name);
        if (ctx == null) {
            ReferenceCountUtil.release(bytes);
            throw new IllegalStateException("decoder: " + name + " (expected: in the pipeline)");
        }
        try {
            ((ChannelInboundHandler) ctx.handler()).channelRead(ctx, bytes);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** Lets each direction end on its own: a peer's FIN becomes {@link Listener#onInputShutdown()}. */
    public MessageSocket allowHalfClosure() {
        return halfClosure(true);
    }

    /**
     * With {@code false}, a peer's FIN closes the connection (the owner hears {@code onClose}). A connection that is
     * closing anyway wants that: with half-closure Netty would shut the input down first, which fails with an
     * exception (and its stack trace) once both directions are down.
     */
    public MessageSocket halfClosure(boolean allowed) {
        channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, allowed);
        return this;
    }

    /**
     * Sends FIN after everything written so far; the other direction stays open. On a native socket the FIN goes
     * straight to the descriptor: Netty's own {@code shutdownOutput} builds an exception with a stack trace for the
     * writes still queued — there are none once the write before it completed — which is paid on every
     * {@code Connection: close}.
     */
    public void shutdownOutput() {
        write(Unpooled.EMPTY_BUFFER).onComplete(v -> {
            Channel channel = channel();
            if (!channel.isActive()) {
                close();
            } else if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket fd) {
                try {
                    fd.shutdown(false, true);
                } catch (IOException | NotYetConnectedException e) {
                    close(); // the kernel has already finished the connection (a reset) before Netty noticed
                }
            } else if (channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                close();
            }
        });
    }

    /** The peer has sent FIN. */
    public boolean isInputShutdown() {
        return channel() instanceof DuplexChannel duplex && duplex.isInputShutdown();
    }

    public boolean isActive() {
        return channel().isActive() && !closing;
    }

    /**
     * Writes a message through the codecs. A message Vert.x drops because the connection closed before it reached
     * Netty (its queue fails it with {@code CLOSED_EXCEPTION} and does not release it) is released here.
     */
    public Future<Void> write(Object message) {
        Future<Void> written = socket.writeMessage(message);
        written.onFailure(e -> {
            if (e == NetSocketInternal.CLOSED_EXCEPTION) {
                ReferenceCountUtil.release(message);
            }
        });
        return written;
    }

    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    /** Closes the connection; what still waits is released. The owner's {@code onClose} follows. */
    public Future<Void> close() {
        if (!closing) {
            closing = true;
            paused = false; // the close must not wait behind a pause nobody will lift
            boolean closeArrived = false;
            for (Object next; (next = waiting.poll()) != null; ) {
                if (next == CLOSED) {
                    closeArrived = true;
                } else if (next != INPUT_SHUTDOWN) {
                    ReferenceCountUtil.release(next);
                }
            }
            if (closeArrived) { // Vert.x will not report it again; never re-enter the owner from its own call
                eventLoop().execute(() -> deliver(CLOSED));
            }
        }
        return socket.close();
    }

    public String remoteAddress() {
        return String.valueOf(socket.remoteAddress());
    }
}
