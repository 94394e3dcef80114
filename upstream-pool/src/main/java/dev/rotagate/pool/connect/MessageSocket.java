package dev.rotagate.pool.connect;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The one adapter over Vert.x's internal socket API ({@code io.vertx.core.internal.net}): a socket in
 * message mode, where Netty codecs in the pipeline turn bytes into objects and back. Everything else in
 * Rotagate uses this class, so a Vert.x upgrade that moves the internals changes this file only.
 *
 * <p>Sockets stay in message mode for their whole life (raw bytes arrive as {@code ByteBuf}), so the
 * pause/resume queues of Vert.x's two modes are never mixed.
 */
public final class MessageSocket {

    /** Name of Vert.x's own handler; our codecs go before it. */
    private static final String VERTX_HANDLER = "handler";

    private final NetSocketInternal socket;

    private MessageSocket(NetSocketInternal socket) {
        this.socket = socket;
        closeHandler(null);
    }

    public static MessageSocket of(NetSocket socket) {
        return new MessageSocket((NetSocketInternal) socket);
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

    public EventExecutor eventLoop() {
        return socket.channelHandlerContext().executor();
    }

    /** Adds a codec in front of Vert.x's handler, after any handler added before. */
    public MessageSocket addCodec(String name, io.netty.channel.ChannelHandler handler) {
        pipeline().addBefore(VERTX_HANDLER, name, handler);
        return this;
    }

    public void removeCodec(String name) {
        if (pipeline().get(name) != null) {
            pipeline().remove(name);
        }
    }

    /**
     * Feeds bytes back into the pipeline just after the handler {@code after}, so that the codec behind it decodes
     * them. For bytes a replaced decoder passed on raw (a client that pipelines its SOCKS greeting and request).
     */
    public void refeedAfter(String after, Object message) {
        pipeline().context(after).fireChannelRead(message);
    }

    /** Lets each direction end on its own: a client's FIN becomes an event instead of a close. */
    public MessageSocket allowHalfClosure() {
        channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        return this;
    }

    /** Sends FIN after everything written so far; the other direction stays open. */
    public void shutdownOutput() {
        if (channel() instanceof DuplexChannel duplex && channel().isActive()) {
            duplex.shutdownOutput();
        } else {
            socket.close();
        }
    }

    public boolean isActive() {
        return channel().isActive();
    }

    public MessageSocket messageHandler(Handler<Object> handler) {
        socket.messageHandler(handler);
        return this;
    }

    /** User events from the pipeline (half-close, idle); the handler owns and must release what it gets. */
    public MessageSocket eventHandler(Handler<Object> handler) {
        socket.eventHandler(handler);
        return this;
    }

    /**
     * Writes a message through the codecs. A message Vert.x drops because the connection closed before it reached
     * Netty (its queue fails it with {@code CLOSED_EXCEPTION} and does not release it) is released here.
     */
    /** Runs after each batch of messages one socket read produced (null: nothing). */
    public MessageSocket readCompletionHandler(Handler<Void> handler) {
        socket.readCompletionHandler(handler);
        return this;
    }

    public Future<Void> write(Object message) {
        Future<Void> written = socket.writeMessage(message);
        written.onFailure(e -> {
            if (e == NetSocketInternal.CLOSED_EXCEPTION) {
                io.netty.util.ReferenceCountUtil.release(message);
            }
        });
        return written;
    }

    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    public MessageSocket drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
        return this;
    }

    /**
     * Runs {@code handler} (may be null) when the connection has closed, after releasing what was still queued
     * for it: Vert.x keeps messages that arrived while paused and does not release them on close.
     */
    public MessageSocket closeHandler(Handler<Void> handler) {
        socket.closeHandler(v -> {
            socket.messageHandler(io.netty.util.ReferenceCountUtil::release);
            socket.resume();
            if (handler != null) {
                handler.handle(v);
            }
        });
        return this;
    }

    public MessageSocket exceptionHandler(Handler<Throwable> handler) {
        socket.exceptionHandler(handler);
        return this;
    }

    public void pause() {
        socket.pause();
    }

    public void resume() {
        socket.resume();
    }

    public Future<Void> close() {
        return socket.close();
    }

    public String remoteAddress() {
        return String.valueOf(socket.remoteAddress());
    }
}
