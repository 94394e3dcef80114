package dev.rotagate.pool.connect;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The framing rules of RFC 9112 that Netty's HTTP decoders are lenient about, for one decoder (requests or responses):
 * a message whose length two parties could read differently is refused, never repaired. Netty reads the head; this
 * guard watches it through the decoder's hooks and, at the end of each head, throws {@link IllegalArgumentException},
 * which Netty turns into an invalid message (its decoder then discards everything until the connection ends).
 *
 * <p>Refused: {@code Transfer-Encoding} other than exactly {@code chunked}, or on HTTP/1.0, or with
 * {@code Content-Length}; several {@code Content-Length} fields (Netty refuses differing values and signs itself);
 * obs-fold (Netty would unfold it); versions other than HTTP/1.0 and 1.1; for requests several {@code Host} fields
 * and a request target with spaces or control characters; for responses a control character in the reason phrase.
 * Netty itself refuses bare LF line endings, whitespace before a colon in requests, and CR, LF or NUL in names and
 * values.
 */
public final class HeadGuard {

    private int contentLengths;
    private int transferEncodings;
    private int hosts;
    private boolean fold;
    /** Between messages or inside a head: only there can obs-fold occur. */
    private boolean inHead = true;
    /** The decoder has read the start line of the head it is in. */
    private boolean headBegun;
    /** The decoder stopped after a line of an unfinished head: a fold may start the next read. */
    private boolean stoppedAtLineEnd;
    /** After a protocol switch (101) the bytes are not HTTP any more. */
    private boolean off;

    /** Before the decoder reads {@code in}: looks for obs-fold in what is left of the current head. */
    public void beforeDecode(ByteBuf in) {
        if (off || !inHead) {
            return;
        }
        int i = in.readerIndex();
        int end = in.writerIndex();
        if (!headBegun) {
            while (i < end && isLineBreakOrBlank(in.getByte(i))) { // the decoder skips these before a start line
                i++;
            }
        } else if (stoppedAtLineEnd && i < end) {
            byte first = in.getByte(i);
            if (isBlank(first)) {
                fold = true; // the line this read starts with continues the one before
            }
            if (isBlank(first) || first == '\r' || first == '\n') {
                return; // a fold, or the empty line that ends the head: nothing after it is a header
            }
        }
        for (; i < end - 1; i++) {
            if (in.getByte(i) == '\n') {
                byte next = in.getByte(i + 1);
                if (isBlank(next)) {
                    fold = true;
                    return;
                }
                if (next == '\n' || next == '\r' && i + 2 < end && in.getByte(i + 2) == '\n') {
                    return; // the end of this head
                }
            }
        }
    }

    /** After the decoder read: notes which messages it completed. */
    public void afterDecode(ByteBuf in, List<Object> out, int from) {
        for (int i = from; i < out.size(); i++) {
            Object message = out.get(i);
            if (message instanceof HttpMessage m) {
                inHead = false;
                if (m instanceof HttpResponse r && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    off = true;
                }
            }
            if (message instanceof LastHttpContent) {
                inHead = true;
                headBegun = false;
            }
        }
        int read = in.readerIndex();
        stoppedAtLineEnd = inHead && headBegun && read > 0 && in.getByte(read - 1) == '\n';
    }

    /** The decoder read a start line: a new head. */
    public void headStarted() {
        headBegun = true;
        contentLengths = 0;
        transferEncodings = 0;
        hosts = 0;
    }

    /** The decoder read a header line with this name. */
    public void header(AsciiString name) {
        if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
            contentLengths++;
        } else if (HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
            transferEncodings++;
        } else if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
            hosts++;
        }
    }

    /** At the end of a request head. */
    public void checkRequest(HttpRequest request) {
        checkCommon(request);
        if (hosts > 1) {
            throw new IllegalArgumentException("several Host fields (expected: one)");
        }
        String target = request.uri();
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new IllegalArgumentException("request target: character 0x" + Integer.toHexString(c)
                        + " (expected: visible ASCII, percent-encode the rest)");
            }
        }
    }

    /** At the end of a response head. */
    public void checkResponse(HttpResponse response) {
        checkCommon(response);
        String reason = response.status().reasonPhrase();
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7F) { // it is passed on: the next hop must read the same line
                throw new IllegalArgumentException("reason phrase: character 0x" + Integer.toHexString(c)
                        + " (expected: visible characters, spaces and tabs)");
            }
        }
    }

    private void checkCommon(HttpMessage message) {
        boolean folded = fold;
        fold = false;
        if (folded) {
            throw new IllegalArgumentException("obs-fold: a header line starts with whitespace (RFC 9112 §5.2)");
        }
        HttpVersion version = message.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: HTTP/1.0 or HTTP/1.1)");
        }
        if (contentLengths > 1) {
            throw new IllegalArgumentException("several Content-Length fields (expected: one)");
        }
        if (transferEncodings == 0) {
            return;
        }
        HttpHeaders headers = message.headers();
        if (version.minorVersion() == 0) {
            throw new IllegalArgumentException("Transfer-Encoding on an HTTP/1.0 message (RFC 9112 §6.1)");
        }
        if (contentLengths > 0) {
            throw new IllegalArgumentException("Content-Length with Transfer-Encoding (RFC 9112 §6.3)");
        }
        String coding = headers.get(HttpHeaderNames.TRANSFER_ENCODING).trim();
        if (transferEncodings > 1 || !coding.equalsIgnoreCase("chunked")) {
            throw new IllegalArgumentException("Transfer-Encoding: " + String.join(", ", headers.getAll(HttpHeaderNames.TRANSFER_ENCODING))
                    + " (expected: chunked)");
        }
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isLineBreakOrBlank(byte b) {
        return b == '\r' || b == '\n' || isBlank(b);
    }
}
