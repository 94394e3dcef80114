package dev.rotagate.pool.connect;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.pool.testing.EmbeddedSockets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageSocketTest {

    private static Vertx vertx;

    private final List<ByteBuf> created = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private EmbeddedChannel channel;
    private MessageSocket socket;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void openSocket() {
        channel = new EmbeddedChannel();
        socket = MessageSocket.of(EmbeddedSockets.attach(vertx, channel));
    }

    @AfterEach
    void closeSocketAndCheckEveryBufferWasReleased() {
        socket.close();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).as("refCnt of %s", b).isZero());
    }

    @Test
    void startsPausedAndOwnedByNobody() {
        Recorder stranger = new Recorder("stranger");
        arrive("a");

        socket.resume(stranger);

        assertThat(socket.isPaused()).isTrue();
        assertThat(socket.owner()).isNotSameAs(stranger);
        assertThat(events).isEmpty();
    }

    @Test
    void whatArrivesWhilePausedIsDeliveredInArrivalOrderOnResume() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        arrive("a");
        arrive("b");
        peerSendsFin();
        peerCloses();

        assertThat(events).isEmpty();
        socket.resume(owner);

        assertThat(events).containsExactly("owner: message a", "owner: message b", "owner: fin", "owner: close");
    }

    @Test
    void whatArrivesWhileResumedIsDeliveredAtOnce() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.resume(owner);

        arrive("a");
        peerSendsFin();
        peerCloses();

        assertThat(events).containsExactly("owner: message a", "owner: fin", "owner: close");
    }

    @Test
    void aPauseByTheOwnerHoldsWhatArrivesUntilItResumes() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.resume(owner);
        arrive("a");

        socket.pause(owner);
        arrive("b");
        assertThat(events).containsExactly("owner: message a");
        socket.resume(owner);

        assertThat(events).containsExactly("owner: message a", "owner: message b");
    }

    @Test
    void aResumeByAListenerThatIsNotTheOwnerDoesNothing() {
        Recorder owner = new Recorder("owner");
        Recorder stranger = new Recorder("stranger");
        socket.listen(owner);
        arrive("a");

        socket.resume(stranger);

        assertThat(socket.isPaused()).isTrue();
        assertThat(events).isEmpty();
        assertThat(channel.config().isAutoRead()).isFalse();
    }

    @Test
    void aPauseByAListenerThatIsNotTheOwnerDoesNothing() {
        Recorder owner = new Recorder("owner");
        Recorder stranger = new Recorder("stranger");
        socket.listen(owner);
        socket.resume(owner);

        socket.pause(stranger);
        arrive("a");

        assertThat(socket.isPaused()).isFalse();
        assertThat(events).containsExactly("owner: message a");
    }

    @Test
    void afterListenTheOldOwnersCallbacksStop() {
        Recorder oldOwner = new Recorder("old");
        Recorder newOwner = new Recorder("new");
        socket.listen(oldOwner);
        socket.resume(oldOwner);
        arrive("a");

        socket.listen(newOwner);
        arrive("b");
        peerSendsFin();
        peerCloses();

        assertThat(socket.owner()).isSameAs(newOwner);
        assertThat(events).containsExactly("old: message a", "new: message b", "new: fin", "new: close");
    }

    @Test
    void afterListenOnlyTheNewOwnerMayPauseAndResume() {
        Recorder oldOwner = new Recorder("old");
        Recorder newOwner = new Recorder("new");
        socket.listen(oldOwner);
        socket.listen(newOwner);
        arrive("a");

        socket.resume(oldOwner);
        assertThat(events).isEmpty();
        socket.resume(newOwner);
        socket.pause(oldOwner);
        arrive("b");

        assertThat(socket.isPaused()).isFalse();
        assertThat(events).containsExactly("new: message a", "new: message b");
    }

    @Test
    void whatWaitsWhenTheOwnerClosesIsReleasedAndTheOwnerGetsOneClose() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        ByteBuf a = arrive("a");
        ByteBuf b = arrive("b");

        socket.close();
        channel.runPendingTasks();

        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        assertThat(events).containsExactly("owner: close");
        assertThat(socket.isActive()).isFalse();
    }

    @Test
    void aPeerCloseThatWaitedIsDeliveredOnceWhenTheOwnerClosesToo() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.closeHook(() -> events.add("hook"));
        ByteBuf a = arrive("a");
        peerSendsFin();
        peerCloses();

        socket.close();
        channel.runPendingTasks();
        socket.close();
        channel.runPendingTasks();

        assertThat(a.refCnt()).isZero();
        assertThat(events).containsExactly("owner: close", "hook");
    }

    @Test
    void theCloseHookRunsOnceAfterTheOwnersOnClose() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.resume(owner);
        socket.closeHook(() -> events.add("hook"));

        peerCloses();
        socket.close();
        channel.runPendingTasks();

        assertThat(events).containsExactly("owner: close", "hook");
    }

    @Test
    void theCloseHookRunsOnceWhenTheOwnerCloses() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.closeHook(() -> events.add("hook"));

        socket.close();
        channel.runPendingTasks();
        socket.close();
        channel.runPendingTasks();

        assertThat(events).containsExactly("owner: close", "hook");
    }

    @Test
    void theCloseHookWaitsBehindAPauseLikeTheClose() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.closeHook(() -> events.add("hook"));
        peerCloses();
        assertThat(events).isEmpty();

        socket.resume(owner);

        assertThat(events).containsExactly("owner: close", "hook");
    }

    @Test
    void readingStopsOnceSomethingWaitsAndRestartsOnResume() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        assertThat(channel.config().isAutoRead()).isTrue();

        arrive("a");
        assertThat(channel.config().isAutoRead()).isFalse();
        arrive("b");
        assertThat(channel.config().isAutoRead()).isFalse();
        socket.resume(owner);

        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(events).containsExactly("owner: message a", "owner: message b");
    }

    @Test
    void aPauseAloneDoesNotStopReading() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        socket.resume(owner);

        socket.pause(owner);

        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theOwnerHearsTheEndOfEachReadOnlyWhenNothingWaits() {
        Recorder owner = new Recorder("owner");
        socket.listen(owner);
        arrive("a");
        assertThat(owner.readCompletes).isZero();
        socket.resume(owner);

        arrive("b");

        assertThat(owner.readCompletes).isEqualTo(1);
        assertThat(events).containsExactly("owner: message a", "owner: message b");
    }

    @Test
    void feedHandsBytesToTheNamedDecoder() {
        Recorder owner = new Recorder("owner");
        socket.addCodec("upper", new UpperCaseDecoder());
        socket.listen(owner);
        socket.resume(owner);
        ByteBuf fed = bytes("fed");

        socket.feed("upper", fed);
        arrive("read");

        assertThat(fed.refCnt()).isZero();
        assertThat(events).containsExactly("owner: message FED", "owner: message READ");
    }

    @Test
    void feedWithoutSuchAHandlerThrowsAndReleasesTheBytes() {
        ByteBuf fed = bytes("fed");

        assertThatThrownBy(() -> socket.feed("missing", fed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing");
        assertThat(fed.refCnt()).isZero();
    }

    @Test
    void aRemovedCodecIsNoLongerInThePipeline() {
        socket.addCodec("upper", new UpperCaseDecoder());

        socket.removeCodec("upper");
        socket.removeCodec("upper");

        assertThat(socket.pipeline().get("upper")).isNull();
    }

    @Test
    void aFailingDecoderClosesTheSocketAndTheOwnerHearsOneClose() {
        Recorder owner = new Recorder("owner");
        socket.addCodec("failing", new FailingDecoder());
        socket.listen(owner);
        socket.resume(owner);

        arrive("x");
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(events).containsExactly("owner: close");
    }

    private ByteBuf bytes(String text) {
        ByteBuf b = Unpooled.copiedBuffer(text, US_ASCII);
        created.add(b);
        return b;
    }

    private ByteBuf arrive(String text) {
        ByteBuf b = bytes(text);
        channel.writeInbound(b);
        return b;
    }

    private void peerSendsFin() {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    private void peerCloses() {
        channel.close();
        channel.runPendingTasks();
    }

    /** An owner that writes down what it gets (and releases the messages, as an owner must). */
    private final class Recorder implements MessageSocket.Listener {
        private final String name;
        int readCompletes;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public void onMessage(Object message) {
            String text = message instanceof ByteBuf b ? b.toString(US_ASCII) : String.valueOf(message);
            ReferenceCountUtil.release(message);
            events.add(name + ": message " + text);
        }

        @Override
        public void onInputShutdown() {
            events.add(name + ": fin");
        }

        @Override
        public void onReadComplete() {
            readCompletes++;
        }

        @Override
        public void onClose() {
            events.add(name + ": close");
        }
    }

    /** Reads whatever bytes it has and fails. */
    private static final class FailingDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            in.skipBytes(in.readableBytes());
            throw new IllegalStateException("broken");
        }
    }

    /** Turns whatever bytes it has into one upper-case String. */
    private static final class UpperCaseDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            out.add(in.readCharSequence(in.readableBytes(), US_ASCII).toString().toUpperCase());
        }
    }
}
