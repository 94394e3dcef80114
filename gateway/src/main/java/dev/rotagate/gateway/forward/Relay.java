package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;

/**
 * Copies bytes both ways between the client and the upstream: the last owner of both sockets. No copy of the
 * buffers; backpressure by pausing a reader while the other side's write queue is full; TCP half-close passed
 * through — the sockets deliver a FIN after every byte read before it, so it is passed on after them — and both
 * sockets closed as soon as one closes or both directions have ended — or once a tunnel one direction of which has
 * ended has carried nothing for {@code timeouts.half-closed}, so that a peer that never finishes its half cannot
 * hold it open for ever (a download after the client's FIN goes on as long as bytes flow).
 */
public final class Relay {

    /** Bytes each way once the relay has ended. */
    public record Result(long clientToUpstream, long upstreamToClient) {
    }

    private final MessageSocket client;
    private final MessageSocket upstream;
    private final Pipe up;
    private final Pipe down;
    private final Promise<Result> done = Promise.promise();
    /** Re-armed by every byte once one direction has ended: arming is a field write (see {@link LoopTimer}). */
    private final LoopTimer halfClosedTimer;
    private final long halfClosedMillis;
    private final Runnable closeBoth = this::closeBoth;
    private boolean closed;

    public Relay(MessageSocket client, MessageSocket upstream, Duration halfClosed) {
        this.client = client;
        this.upstream = upstream;
        this.halfClosedMillis = halfClosed.toMillis();
        this.halfClosedTimer = new LoopTimer(client.eventLoop());
        this.up = new Pipe(client, upstream);
        this.down = new Pipe(upstream, client);
        up.peer = down;
        down.peer = up;
    }

    /** Takes both sockets over and starts relaying; call on their event loop. */
    public Future<Result> start(ClientLink link) {
        upstream.allowHalfClosure();
        link.enterTunnel(up);
        upstream.listen(down);
        client.resume(up);
        upstream.resume(down);
        return done.future();
    }

    /** One direction: the owner of its source socket. */
    private final class Pipe implements MessageSocket.Listener {
        private final MessageSocket from;
        private final MessageSocket to;
        private Pipe peer;
        private long bytes;
        private boolean ended;

        Pipe(MessageSocket from, MessageSocket to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void onMessage(Object message) {
            if (message instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
                if (ended || peer.ended) {
                    halfClosedTimer.arm(halfClosedMillis, closeBoth);
                }
                to.write(buf);
                if (to.writeQueueFull()) {
                    from.pause(this);
                }
                return;
            }
            boolean endMarker = message instanceof LastHttpContent last && !last.content().isReadable();
            ReferenceCountUtil.release(message);
            if (!endMarker) {
                closeBoth(); // HTTP was parsed where bytes were due: the stream is corrupt already
            }
        }

        /** {@code from}'s write queue drained: the other direction, which writes to it, may go on. */
        @Override
        public void onDrain() {
            peer.from.resume(peer);
        }

        @Override
        public void onInputShutdown() {
            ended = true;
            to.shutdownOutput();
            if (peer.ended) {
                closeBoth();
            } else {
                halfClosedTimer.arm(halfClosedMillis, closeBoth);
            }
        }

        @Override
        public void onClose() {
            closeBoth();
        }
    }

    private void closeBoth() {
        if (closed) {
            return;
        }
        closed = true;
        halfClosedTimer.stop();
        Future.all(client.close(), upstream.close()).onComplete(v -> done.tryComplete(new Result(up.bytes, down.bytes)));
    }
}
