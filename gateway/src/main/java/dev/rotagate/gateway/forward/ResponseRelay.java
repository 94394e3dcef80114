package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One response on its way to the client: interim answers, the head, the body parts. A head is held until the end of
 * the upstream read it came in, so that a small answer leaves as one message in one packet. The first
 * {@link #BODY_SCAN_LIMIT} bytes of the body are searched for ban patterns (a block page served with a normal status).
 */
final class ResponseRelay {

    /** How much of a response body is searched for ban patterns. */
    private static final int BODY_SCAN_LIMIT = 64 * 1024;

    private final MessageSocket client;
    private final HttpRequest request;
    private final List<Pattern> banPatterns;
    private final Runnable onBlockPage;
    private HttpResponse heldHead;
    private int status;
    private long bytes;
    private int bodyToScan;
    private boolean keepAlive;
    private boolean upstreamKeepAlive;
    private Future<Void> lastWrite = Future.succeededFuture();

    ResponseRelay(MessageSocket client, HttpRequest request, List<Pattern> banPatterns, Runnable onBlockPage) {
        this.client = client;
        this.request = request;
        this.banPatterns = banPatterns;
        this.onBlockPage = onBlockPage;
    }

    /** An interim answer (100, 102, 103): passed on to an HTTP/1.1 client, never to a 1.0 one (RFC 9110 §15.2). */
    void interim(HttpResponse response) {
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            HttpMessages.stripHopByHop(response.headers(), false);
            // whole (with its empty end) so that the encoder is ready for the final answer
            lastWrite = client.write(new DefaultFullHttpResponse(response.protocolVersion(), response.status(),
                    Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE));
        }
    }

    /**
     * The final answer's head, prepared for the client; it waits for the end of the read.
     *
     * @param clientKeepAlive the client may send another request after this one
     */
    void head(HttpResponse response, boolean clientKeepAlive, String upstreamName) {
        status = response.status().code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        keepAlive = HttpMessages.prepareResponse(response, request, clientKeepAlive, upstreamName);
        bodyToScan = banPatterns.isEmpty() ? 0 : BODY_SCAN_LIMIT;
        heldHead = response;
    }

    /** A part of the body; true when it was the last. */
    boolean content(HttpContent part) {
        bytes += part.content().readableBytes();
        if (bodyToScan > 0) {
            scan(part.content());
        }
        if (heldHead != null && part instanceof LastHttpContent last) {
            lastWrite = client.write(new DefaultFullHttpResponse(heldHead.protocolVersion(), heldHead.status(),
                    last.content(), heldHead.headers(), last.trailingHeaders()));
            heldHead = null;
        } else {
            flushHead();
            lastWrite = client.write(part);
        }
        return part instanceof LastHttpContent;
    }

    /** The upstream read ended with the head alone: it goes now. */
    void flushHead() {
        if (heldHead != null) {
            lastWrite = client.write(heldHead);
            heldHead = null;
        }
    }

    private void scan(ByteBuf content) {
        int n = Math.min(bodyToScan, content.readableBytes());
        bodyToScan -= n;
        String text = content.toString(content.readerIndex(), n, StandardCharsets.UTF_8);
        for (Pattern pattern : banPatterns) {
            if (pattern.matcher(text).find()) {
                bodyToScan = 0;
                onBlockPage.run();
                return;
            }
        }
    }

    int status() {
        return status;
    }

    long bytes() {
        return bytes;
    }

    /** The client connection may serve another request after this answer. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** The upstream keeps its connection open after this answer. */
    boolean upstreamKeepAlive() {
        return upstreamKeepAlive;
    }

    /** The write of the last part so far: the connection may close only after it. */
    Future<Void> lastWrite() {
        return lastWrite;
    }
}
