package dev.rotagate.gateway.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client-facing codec: request framing it refuses, and answers encoded for the request they answer. */
class ClientHttpCodecTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new ClientHttpCodec(new HttpDecoderConfig().setMaxHeaderSize(32 * 1024)));
    }

    /** The request heads decoded from {@code text}; whether each was refused. */
    private static List<Boolean> refused(String text, int piece) {
        EmbeddedChannel ch = channel();
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
        }
        List<Boolean> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof HttpRequest r) {
                out.add(r.decoderResult().isFailure());
            }
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: chunked, identity\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: xchunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 5\r\nContent-Length: 5\r\n",
        "Content-Length: 5, 5\r\n",
        "Content-Length: +5\r\n",
        "Host: second\r\n",
        "Host : x\r\n",
        "X-A: a\r\n b\r\n",
        "X-A: a\r\n\tb\r\n",
        "X-A: a\u0000b\r\n",
    })
    void refusesAmbiguousFraming(String headers) {
        String request = "POST http://h/ HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n";

        assertThat(refused(request, Integer.MAX_VALUE)).as("in one piece").startsWith(true);
        assertThat(refused(request, 1)).as("a byte at a time").startsWith(true);
    }

    @Test
    void refusesTransferEncodingOnHttp10AndOtherVersions() {
        assertThat(refused("POST http://h/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 7)).containsExactly(true);
        assertThat(refused("GET http://h/ HTTP/1.2\r\nHost: h\r\n\r\n", 7)).containsExactly(true);
        assertThat(refused("GET http://h/a\u0001b HTTP/1.1\r\nHost: h\r\n\r\n", 7)).containsExactly(true);
    }

    @Test
    void aFoldIsFoundWhereverTheBytesAreSplit() {
        String folded = "GET http://h/ HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n";
        for (int split = 1; split < folded.length(); split++) {
            EmbeddedChannel ch = channel();
            byte[] b = folded.getBytes(StandardCharsets.ISO_8859_1);
            ch.writeInbound(Unpooled.wrappedBuffer(b, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(b, split, b.length - split));
            HttpRequest r = ch.readInbound();

            assertThat(r.decoderResult().isFailure()).as("split at %d", split).isTrue();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void acceptsWellFramedRequestsOneAfterAnother() {
        String two = "POST http://h/ HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT http://h/ HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "GET http://h/ HTTP/1.1\r\nHost: h\r\nX-Spaces: a b  c\r\n\r\n";

        assertThat(refused(two, Integer.MAX_VALUE)).containsExactly(false, false, false);
        assertThat(refused(two, 3)).containsExactly(false, false, false);
    }

    @Test
    void anInterimAnswerDoesNotUseUpTheRequestItAnswers() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("POST http://h/ HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
                + "HEAD http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.ISO_8859_1));
        for (Object m; (m = ch.readInbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }

        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ch.writeOutbound(answer("post"));
        ch.writeOutbound(answer("head"));

        String out = outbound(ch);
        assertThat(out).contains("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(out).contains("\r\n\r\npost").doesNotContain("head").endsWith("content-length: 4\r\n\r\n");
        ch.finishAndReleaseAll();
    }

    private static DefaultFullHttpResponse answer(String body) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1));
        r.headers().set("content-length", body.length());
        return r;
    }

    private static String outbound(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            out.append(((ByteBuf) m).toString(StandardCharsets.ISO_8859_1));
            ReferenceCountUtil.release(m);
        }
        return out.toString();
    }
}
