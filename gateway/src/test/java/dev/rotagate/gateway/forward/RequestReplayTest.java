package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import org.junit.jupiter.api.Test;

/** A replay is the whole body or nothing, and holds no buffer once released. */
class RequestReplayTest {

    private static HttpContent part(int size) {
        return new DefaultHttpContent(Unpooled.buffer(size).writeZero(size));
    }

    @Test
    void keepsEveryPartUntilTheLimitThenNothing() {
        RequestReplay replay = new RequestReplay();
        HttpContent a = part(RequestReplay.LIMIT - 10);
        HttpContent b = part(20);

        replay.add(a);
        assertThat(replay.whole()).isTrue();
        assertThat(a.refCnt()).as("a copy is kept").isEqualTo(2);
        replay.add(b);

        assertThat(replay.whole()).as("over the limit: never sent again").isFalse();
        assertThat(a.refCnt()).as("the copy is let go").isEqualTo(1);
        assertThat(b.refCnt()).isEqualTo(1);
        a.release();
        b.release();
    }

    @Test
    void knowsWhenTheBodyIsCompleteAndReleasesItsCopies() {
        RequestReplay replay = new RequestReplay();
        HttpContent last = new DefaultLastHttpContent(Unpooled.buffer(5).writeZero(5));

        replay.add(last);
        replay.release();

        assertThat(replay.complete()).isTrue();
        assertThat(replay.whole()).isFalse();
        assertThat(last.refCnt()).isEqualTo(1);
        last.release();
    }
}
