package dev.rotagate.pool.connect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * Netty's request encoder and response decoder for a connection to an upstream (or an origin through one), as
 * Netty's {@code HttpClientCodec} combines them, with two differences: an interim answer (1xx other than 101) does
 * not use up the request it answers — Netty's codec pairs it with the request, so the final answer to a HEAD would
 * be read as having a body — and the response framing is checked by a {@link HeadGuard}.
 */
public final class UpstreamHttpCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {

    private final Queue<HttpMethod> methods = new ArrayDeque<>(2);

    public UpstreamHttpCodec() {
        init(new Decoder(new HttpDecoderConfig().setMaxInitialLineLength(8192).setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024)), new Encoder());
    }

    private final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                methods.add(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }

    private final class Decoder extends HttpResponseDecoder {
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
        }

        @Override
        protected HttpMessage createMessage(String[] initialLine) {
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
            HttpResponse response = (HttpResponse) msg;
            guard.checkResponse(response);
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && response.status().code() != 101) {
                return true; // an interim answer: the final one to the same request follows
            }
            return HttpMethod.HEAD.equals(methods.poll()) || super.isContentAlwaysEmpty(msg);
        }
    }
}
