package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.common.HostAndPort;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpMessagesTest {

    @Test
    void parsesAbsoluteUris() {
        assertThat(HttpMessages.parseAbsolute("http://example.com/a?b=1"))
                .isEqualTo(new HttpMessages.AbsoluteUri(HostAndPort.of("example.com", 80), "/a?b=1"));
        assertThat(HttpMessages.parseAbsolute("HTTP://[::1]:8080"))
                .isEqualTo(new HttpMessages.AbsoluteUri(HostAndPort.of("::1", 8080), "/"));
        assertThat(HttpMessages.parseAbsolute("http://h:81?q")).extracting(HttpMessages.AbsoluteUri::originForm).isEqualTo("/?q");
        assertThat(HttpMessages.parseAbsolute("http://h/x#frag"))
                .isEqualTo(new HttpMessages.AbsoluteUri(HostAndPort.of("h", 80), "/x"));
        assertThatThrownBy(() -> HttpMessages.parseAbsolute("http://user:pw@h/x")).hasMessageContaining("user info");
        assertThatThrownBy(() -> HttpMessages.parseAbsolute("http://a..b/")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> HttpMessages.parseAbsolute("http://h:0/")).hasMessageContaining("port");
        assertThat(HttpMessages.parseAbsolute("/index.html")).isNull();
        assertThat(HttpMessages.parseAbsolute("https://example.com/")).isNull();
    }

    @Test
    void stripsHopByHopAndConnectionNamedHeadersKeepingTheRestInOrder() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h/");
        r.headers().add("Host", "h").add("Connection", "keep-alive, X-Secret").add("X-Secret", "1")
                .add("x-Keep", "2").add("Proxy-Authorization", "Basic x").add("Keep-Alive", "timeout=5")
                .add("TE", "trailers").add("X-Rotagate-Session", "s").add("Accept", "*/*");

        HttpRequest out = HttpMessages.forUpstream(r, HttpMessages.parseAbsolute("http://h/"), true, "Basic dTpw");

        assertThat(out.headers().entries()).extracting(Map.Entry::getKey)
                .containsExactly("Host", "x-Keep", "Accept", "Proxy-Authorization");
        assertThat(out.uri()).isEqualTo("http://h/");
        assertThat(r.headers().contains("X-Secret")).as("the original is left as received").isTrue();
    }

    @Test
    void connectionCannotRemoveFramingOrHostAndHostIsTheTargetsAuthority() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "http://h:8080/");
        r.headers().add("Host", "other").add("Connection", "content-length, transfer-encoding, host, x-a")
                .add("Content-Length", "5").add("X-A", "1").add("Accept", "*/*");

        HttpRequest out = HttpMessages.forUpstream(r, HttpMessages.parseAbsolute(r.uri()), true, null);

        assertThat(out.headers().entries()).extracting(Map.Entry::getKey).containsExactly("Host", "Content-Length", "Accept");
        assertThat(out.headers().get("Host")).isEqualTo("h:8080");
    }

    @Test
    void anUpgradeRequestKeepsItsUpgrade() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h/ws");
        r.headers().add("Host", "h").add("Upgrade", "websocket").add("Connection", "Upgrade").add("Sec-WebSocket-Key", "k");

        HttpRequest out = HttpMessages.forUpstream(r, HttpMessages.parseAbsolute(r.uri()), false, null);

        assertThat(out.headers().entries()).extracting(Map.Entry::getKey)
                .containsExactly("Host", "Upgrade", "Sec-WebSocket-Key", "connection");
        assertThat(out.headers().get("Connection")).isEqualTo("upgrade");
    }

    @Test
    void aChunkedAnswerGoesToAnHttp10ClientUnchunkedAndACloseDelimitedOneAsHttp11Chunked() {
        HttpRequest get10 = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "http://h/");
        HttpRequest get11 = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h/");
        HttpResponse chunked = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        chunked.headers().set("Transfer-Encoding", "chunked");
        HttpResponse closeDelimited = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);

        assertThat(HttpMessages.prepareResponse(chunked, get10, true, "up1")).isFalse();
        assertThat(HttpMessages.prepareResponse(closeDelimited, get11, true, "up1")).isTrue();
        assertThat(chunked.headers().contains("Transfer-Encoding")).isFalse();
        assertThat(closeDelimited.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(closeDelimited.headers().get("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void originFormThroughTunnelsAddsHostWhenMissing() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h:8080/p?q");

        HttpRequest out = HttpMessages.forUpstream(r, HttpMessages.parseAbsolute(r.uri()), false, null);

        assertThat(out.uri()).isEqualTo("/p?q");
        assertThat(out.headers().get("Host")).isEqualTo("h:8080");
    }

    @Test
    void responsesWithoutFramingAreChunkedForHttp11ClientsAndCloseForHttp10() {
        HttpRequest get11 = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h/");
        HttpRequest get10 = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "http://h/");
        HttpResponse a = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        HttpResponse b = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);

        boolean keep11 = HttpMessages.prepareResponse(a, get11, true, "up1");
        boolean keep10 = HttpMessages.prepareResponse(b, get10, true, "up1");

        assertThat(keep11).isTrue();
        assertThat(a.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(a.headers().get("X-Rotagate-Upstream")).isEqualTo("up1");
        assertThat(keep10).isFalse();
    }

    @Test
    void headAnswersAreLeftAsTheyAre() {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "http://h/");
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);

        assertThat(HttpMessages.prepareResponse(r, head, true, "up1")).isTrue();
        assertThat(r.headers().contains("Transfer-Encoding")).isFalse();
    }
}
