package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of everything of one request's body sent so far, while it is small enough to keep (up to {@link #LIMIT}
 * bytes), so that the request can be sent again whole: on a fresh connection when a pooled one turns out dead, or on
 * another upstream. Once a part does not fit, everything is let go and the request can never be sent again — a
 * replay is whole or not at all.
 */
final class RequestReplay {

    static final int LIMIT = 64 * 1024;

    private final List<HttpContent> kept = new ArrayList<>(2);
    private long keptBytes;
    private boolean whole = true;
    private boolean complete;

    /** Notes a body part as it is sent; the caller still owns {@code part}. */
    void add(HttpContent part) {
        int size = part.content().readableBytes();
        if (part instanceof LastHttpContent) {
            complete = true;
        }
        if (!whole) {
            return;
        }
        if (keptBytes + size > LIMIT) {
            release();
            return;
        }
        keptBytes += size;
        kept.add(part.retainedDuplicate());
    }

    /** Every part so far is kept: the request can be sent again whole. */
    boolean whole() {
        return whole;
    }

    /** The client has sent the whole body. */
    boolean complete() {
        return complete;
    }

    /** Writes the kept parts (after the head) to a new connection; the copies stay for another replay. */
    void writeTo(MessageSocket upstream) {
        for (HttpContent part : kept) {
            upstream.write(part.retainedDuplicate());
        }
    }

    /** No replay any more: the copies go. */
    void release() {
        kept.forEach(ReferenceCountUtil::release);
        kept.clear();
        whole = false;
    }
}
