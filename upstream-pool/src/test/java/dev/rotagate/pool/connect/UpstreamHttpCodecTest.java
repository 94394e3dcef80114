package dev.rotagate.pool.connect;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamHttpCodecTest {

    private static final String FOLDED_WITH_SPACE =
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n continued\r\nContent-Length: 0\r\n\r\n";
    private static final String FOLDED_WITH_TAB =
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tcontinued\r\nContent-Length: 0\r\n\r\n";
    private static final String VALID = "HTTP/1.1 200 OK\r\nServer: a b  c\r\nX-Empty:\r\nContent-Length: 5\r\n\r\nhello";

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Object> decoded = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        decoded.forEach(ReferenceCountUtil::release);
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void decodesAContentLengthAnswer() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        List<String> objects = answer(channel, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(objects).containsExactly("head 200", "last hello");
    }

    @Test
    void decodesAChunkedAnswer() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        List<String> objects = answer(channel,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        assertThat(objects).containsExactly("head 200", "content hello", "content  world", "last ");
    }

    @Test
    void acceptsTransferEncodingChunkedInAnyCase() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        List<String> objects = answer(channel,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");

        assertThat(objects).containsExactly("head 200", "content ok", "last ");
    }

    static Stream<Arguments> invalidAnswers() {
        return Stream.of(
                Arguments.of("Content-Length with Transfer-Encoding",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        "Content-Length with Transfer-Encoding"),
                Arguments.of("Transfer-Encoding with Content-Length",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        "Content-Length with Transfer-Encoding"),
                Arguments.of("Transfer-Encoding: gzip, chunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                        "Transfer-Encoding: gzip, chunked (expected: chunked)"),
                Arguments.of("Transfer-Encoding: xchunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
                        "Transfer-Encoding: xchunked (expected: chunked)"),
                Arguments.of("two Transfer-Encoding fields",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        "Transfer-Encoding: chunked, chunked (expected: chunked)"),
                Arguments.of("Transfer-Encoding on HTTP/1.0",
                        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        "Transfer-Encoding on an HTTP/1.0 message"),
                Arguments.of("two equal Content-Length fields",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                        "Content-Length"),
                Arguments.of("two different Content-Length fields",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                        "Content-Length"),
                Arguments.of("Content-Length: +5",
                        "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
                        "Content-Length value is not a number"),
                Arguments.of("a control character in the reason phrase (a fuzzer finding: it was passed on)",
                        "HTTP/1.1 200 O\u0001K\t\r\nContent-Length: 2\r\n\r\nok", "reason phrase: character 0x1"),
                Arguments.of("obs-fold with a space", FOLDED_WITH_SPACE, "obs-fold"),
                Arguments.of("obs-fold with a tab", FOLDED_WITH_TAB, "obs-fold"),
                Arguments.of("bare LF line endings",
                        "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",
                        "Line Feed must be preceded by Carriage Return"),
                Arguments.of("bare LF after a header",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\n\r\nhello",
                        "Line Feed must be preceded by Carriage Return"),
                Arguments.of("NUL in a header value",
                        "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n",
                        "Validation failed for header 'X-A'"),
                Arguments.of("HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", "version: HTTP/1.2"),
                Arguments.of("HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", "version: HTTP/2.0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidAnswers")
    void refusesAnswersWhoseFramingCouldBeReadTwoWays(String description, String response, String reason) {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        List<String> objects = answer(channel, response);

        assertThat(objects).singleElement().asString().startsWith("invalid: ");
        HttpResponse refused = (HttpResponse) decoded.get(0);
        assertThat(refused.decoderResult().isFailure()).isTrue();
        assertThat(refused.decoderResult().cause()).hasMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {FOLDED_WITH_SPACE, FOLDED_WITH_TAB})
    void detectsObsFoldWhenTheAnswerArrivesOneByteAtATime(String folded) {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        for (int i = 0; i < folded.length(); i++) {
            channel.writeInbound(Unpooled.copiedBuffer(folded.substring(i, i + 1), ISO_8859_1));
        }
        List<String> objects = drain(channel);

        assertThat(objects).first().isEqualTo("invalid: obs-fold");
    }

    @ParameterizedTest
    @ValueSource(strings = {FOLDED_WITH_SPACE, FOLDED_WITH_TAB})
    void detectsObsFoldWhereverTheAnswerIsSplitInTwo(String folded) {
        for (int split = 1; split < folded.length(); split++) {
            EmbeddedChannel channel = afterRequests(HttpMethod.GET);

            List<String> objects = answer(channel, folded.substring(0, split), folded.substring(split));

            assertThat(objects).as("split at %d", split).first().isEqualTo("invalid: obs-fold");
        }
    }

    @Test
    void detectsObsFoldInASecondPipelinedAnswerWhereverTheBytesAreSplit() {
        String bytes = VALID + FOLDED_WITH_SPACE;
        Map<Integer, String> unexpected = new TreeMap<>();
        for (int split = 1; split < bytes.length(); split++) {
            EmbeddedChannel channel = afterRequests(HttpMethod.GET, HttpMethod.GET);

            String objects = String.join("|", answer(channel, bytes.substring(0, split), bytes.substring(split)));

            if (!objects.matches("head 200\\|(content [a-z]+\\|)*last [a-z]*\\|invalid: obs-fold")) {
                unexpected.put(split, objects);
            }
        }

        assertThat(unexpected).as("splits where the valid first answer is not followed by the refused second one")
                .isEmpty();
    }

    @Test
    void acceptsAValidAnswerWhereverItIsSplitInTwo() {
        for (int split = 1; split < VALID.length(); split++) {
            EmbeddedChannel channel = afterRequests(HttpMethod.GET);

            List<String> objects = answer(channel, VALID.substring(0, split), VALID.substring(split));

            assertThat(objects).as("split at %d", split).first().isEqualTo("head 200");
            assertThat(objects).as("split at %d", split).last().asString().startsWith("last ");
            assertThat(objects).as("split at %d", split).noneMatch(o -> o.startsWith("invalid"));
        }
    }

    @Test
    void anIndentedBodyIsNotMistakenForObsFoldWhenTheReadEndsJustBeforeTheEndOfTheHead() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        List<String> objects = answer(channel, "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n",
                "\r\n<p>\n  hello</p>");

        assertThat(objects).containsExactly("head 200", "last <p>\n  hello</p>");
    }

    @Test
    void acceptsAValidAnswerArrivingOneByteAtATime() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        for (int i = 0; i < VALID.length(); i++) {
            channel.writeInbound(Unpooled.copiedBuffer(VALID.substring(i, i + 1), ISO_8859_1));
        }
        List<String> objects = drain(channel);

        assertThat(objects).containsExactly("head 200", "content h", "content e", "content l", "content l", "last o");
    }

    @Test
    void anInterimAnswerDoesNotUseUpTheHeadRequestItAnswers() {
        EmbeddedChannel channel = afterRequests(HttpMethod.HEAD, HttpMethod.GET);

        List<String> objects = answer(channel, "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(objects).containsExactly("head 100", "last ", "head 200", "last ", "head 200", "last ok");
        assertThat(((HttpResponse) decoded.get(2)).headers().get("Content-Length")).isEqualTo("5000");
    }

    @Test
    void severalInterimAnswersBeforeTheFinalAnswerToAHead() {
        EmbeddedChannel channel = afterRequests(HttpMethod.HEAD, HttpMethod.GET);

        List<String> objects = answer(channel, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(objects).containsExactly("head 100", "last ", "head 103", "last ", "head 200", "last ",
                "head 200", "last ok");
    }

    @Test
    void afterA101TheBytesComeThroughRaw() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);

        List<String> objects = answer(channel,
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: tunnel\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                "\0binary\r\n folded? no, raw\n");

        assertThat(objects).containsExactly("head 101", "last ", "raw HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                "raw \0binary\r\n folded? no, raw\n");
    }

    @Test
    void anHttp10AnswerWithoutALengthIsReadUntilTheConnectionCloses() {
        EmbeddedChannel channel = afterRequests(HttpMethod.GET);
        List<String> beforeClose = answer(channel, "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nhello ", "world");

        channel.finish();
        List<String> afterClose = drain(channel);

        assertThat(beforeClose).containsExactly("head 200", "content hello ", "content world");
        assertThat(afterClose).containsExactly("last ");
    }

    private EmbeddedChannel afterRequests(HttpMethod... methods) {
        EmbeddedChannel channel = new EmbeddedChannel(new UpstreamHttpCodec());
        channels.add(channel);
        for (HttpMethod method : methods) {
            channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        }
        channel.releaseOutbound();
        return channel;
    }

    /** Feeds {@code pieces}, one read each, and describes what the decoder made of them. */
    private List<String> answer(EmbeddedChannel channel, String... pieces) {
        for (String piece : pieces) {
            channel.writeInbound(Unpooled.copiedBuffer(piece, ISO_8859_1));
        }
        return drain(channel);
    }

    private List<String> drain(EmbeddedChannel channel) {
        List<String> described = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            decoded.add(message);
            described.add(describe(message));
        }
        return described;
    }

    private static String describe(Object message) {
        if (message instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
            return "invalid: " + (p.decoderResult().cause().getMessage().startsWith("obs-fold") ? "obs-fold"
                    : p.decoderResult().cause().getMessage());
        }
        if (message instanceof HttpResponse response) {
            return "head " + response.status().code();
        }
        if (message instanceof LastHttpContent last) {
            return "last " + last.content().toString(ISO_8859_1);
        }
        if (message instanceof ByteBufHolder content) {
            return "content " + content.content().toString(ISO_8859_1);
        }
        if (message instanceof ByteBuf raw) {
            return "raw " + raw.toString(ISO_8859_1);
        }
        return "unexpected " + message;
    }
}
