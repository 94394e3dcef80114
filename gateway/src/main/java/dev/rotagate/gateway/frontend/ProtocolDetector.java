package dev.rotagate.gateway.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;

/**
 * Looks at the first byte of a client connection and lets the front end install the codecs of that protocol
 * (0x05 SOCKS5, 0x04 SOCKS4, anything else HTTP), then removes itself; Netty hands the bytes it holds to the
 * new codecs. Netty's SocksPortUnificationServerHandler is not used: it closes on anything but SOCKS.
 */
public final class ProtocolDetector extends ByteToMessageDecoder {

    public enum Protocol { HTTP, SOCKS5, SOCKS4 }

    private final Consumer<Protocol> onDetected;

    public ProtocolDetector(Consumer<Protocol> onDetected) {
        this.onDetected = onDetected;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        byte first = in.getByte(in.readerIndex());
        Protocol protocol = first == 5 ? Protocol.SOCKS5 : first == 4 ? Protocol.SOCKS4 : Protocol.HTTP;
        onDetected.accept(protocol);
        ctx.pipeline().remove(this);
    }
}
