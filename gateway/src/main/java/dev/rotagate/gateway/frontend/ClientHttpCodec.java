package dev.rotagate.gateway.frontend;

import dev.rotagate.pool.connect.HeadGuard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * Netty's request decoder and response encoder for a client connection, as Netty's {@code HttpServerCodec} combines
 * them, with two differences: an interim answer (1xx other than 101) does not use up the request it answers —
 * Netty's codec pairs it with the request, so after a {@code 100 Continue} every later answer would be encoded for
 * the request before it (a pipelined HEAD would get a body) — and request framing is checked by a {@link HeadGuard}.
 */
public final class ClientHttpCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {

    public static final String NAME = "http";

    private final Queue<HttpMethod> methods = new ArrayDeque<>(2);

    public ClientHttpCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    private final class Decoder extends HttpRequestDecoder {
        private final HeadGuard guard = new HeadGuard();

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            guard.beforeDecode(in);
            int from = out.size();
            super.decode(ctx, in, out);
            guard.afterDecode(in, out, from);
            for (int i = from; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                }
            }
        }

        @Override
        protected HttpMessage createMessage(String[] initialLine) throws Exception {
            guard.headStarted();
            return super.createMessage(initialLine);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            AsciiString name = super.splitHeaderName(sb, start, length);
            guard.header(name);
            return name;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            guard.checkRequest((HttpRequest) msg);
            return super.isContentAlwaysEmpty(msg);
        }
    }

    private final class Encoder extends HttpResponseEncoder {
        private HttpMethod method;

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL && msg.status().code() != 101) {
                return true; // an interim answer: the final one to the same request follows
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9110 §9.3.6: no body framing on a tunnel
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }
    }
}
