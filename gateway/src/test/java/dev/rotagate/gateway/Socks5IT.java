package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.TestOrigin;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SOCKS5 (and SOCKS4a) front end, spoken byte by byte, through a working HTTP upstream. */
class Socks5IT extends WithOrigin {

    static FakeUpstream upstream;
    static TestGateway open;
    static TestGateway withAuth;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "up");
        open = TestGateway.start(vertx, "listen: 127.0.0.1:0\npools:\n  p:\n    upstreams:\n      - { url: \""
                + upstream.url() + "\", name: up }\n");
        withAuth = TestGateway.start(vertx, "listen: 127.0.0.1:0\nauth:\n  users:\n    - { username: scraper, password: pw }\n"
                + "pools:\n  p:\n    upstreams:\n      - \"" + upstream.url() + "\"\n");
    }

    @AfterAll
    static void stop() throws Exception {
        open.close();
        withAuth.close();
        upstream.close();
    }

    private static byte[] domainConnect(String host, int port) {
        byte[] h = host.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[7 + h.length];
        b[0] = 5; b[1] = 1; b[2] = 0; b[3] = 3; b[4] = (byte) h.length;
        System.arraycopy(h, 0, b, 5, h.length);
        b[5 + h.length] = (byte) (port >> 8); b[6 + h.length] = (byte) port;
        return b;
    }

    private static byte[] ipv4Connect(int port) {
        return new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port};
    }

    private static String fetchOverTunnel(Socket s, int bytes) throws IOException {
        s.getOutputStream().write(("GET /bytes/" + bytes + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] all = s.getInputStream().readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n")) + " body=" + (all.length - text.indexOf("\r\n\r\n") - 4);
    }

    @Test
    void noAuthConnectByDomainAndByIpv4() throws Exception {
        for (byte[] request : new byte[][] {domainConnect("127.0.0.1", origin.port()), ipv4Connect(origin.port())}) {
            try (Socket s = new Socket("127.0.0.1", open.port())) {
                s.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();

                out.write(new byte[] {5, 1, 0});
                byte[] method = in.readNBytes(2);
                out.write(request);
                byte[] reply = in.readNBytes(10);

                assertThat(method).containsExactly(5, 0);
                assertThat(reply[1]).as("SOCKS5 reply code").isEqualTo((byte) 0);
                assertThat(fetchOverTunnel(s, 70000)).isEqualTo("HTTP/1.1 200 OK body=70000");
            }
        }
    }

    @Test
    void greetingAndRequestPipelinedInOneWrite() throws Exception {
        try (Socket s = new Socket("127.0.0.1", open.port())) {
            s.setSoTimeout(10_000);
            byte[] connect = ipv4Connect(origin.port());
            byte[] both = new byte[3 + connect.length];
            both[0] = 5; both[1] = 1; both[2] = 0;
            System.arraycopy(connect, 0, both, 3, connect.length);

            s.getOutputStream().write(both);
            byte[] replies = new DataInputStream(s.getInputStream()).readNBytes(12);

            assertThat(replies[0]).isEqualTo((byte) 5);
            assertThat(replies[3]).as("command reply code").isEqualTo((byte) 0);
            assertThat(fetchOverTunnel(s, 10)).isEqualTo("HTTP/1.1 200 OK body=10");
        }
    }

    @Test
    void ipv6TargetIsPassedToTheUpstream() throws Exception {
        try (Socket s = new Socket("127.0.0.1", open.port())) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write(new byte[] {5, 1, 0});
            in.readNBytes(2);
            byte[] req = new byte[22];
            req[0] = 5; req[1] = 1; req[3] = 4; req[19] = 1; // ::1
            req[20] = (byte) (origin.port() >> 8); req[21] = (byte) origin.port();

            s.getOutputStream().write(req);
            byte[] reply = in.readNBytes(10);

            // the origin listens on 127.0.0.1 only: ::1 is refused behind the upstream, which the reply must say
            assertThat(reply[1]).isIn((byte) 0, (byte) 1, (byte) 4, (byte) 5);
            assertThat(upstream.seen()).anyMatch(seen -> seen.uri().startsWith("[::1]:") || seen.uri().startsWith("0:0:0:0:0:0:0:1"));
        }
    }

    @Test
    void bindAndUdpAreAnsweredCommandNotSupported() throws Exception {
        try (Socket s = new Socket("127.0.0.1", open.port())) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write(new byte[] {5, 1, 0});
            in.readNBytes(2);

            s.getOutputStream().write(new byte[] {5, 2, 0, 1, 127, 0, 0, 1, 0, 80});
            byte[] reply = in.readNBytes(10);

            assertThat(reply[1]).isEqualTo((byte) 7);
        }
    }

    @Test
    void usernamePasswordIsCheckedAndHintsAreAllowedInTheUsername() throws Exception {
        assertThat(authenticate("scraper", "wrong")).as("RFC 1929: non-zero is failure").isNotZero();
        assertThat(authenticate("scraper-session-abc123", "pw")).isEqualTo(0);
        try (Socket s = new Socket("127.0.0.1", withAuth.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {5, 1, 0});
            assertThat(new DataInputStream(s.getInputStream()).readNBytes(2)).containsExactly(5, 0xFF);
        }
    }

    private int authenticate(String user, String password) throws IOException {
        try (Socket s = new Socket("127.0.0.1", withAuth.port())) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {5, 2, 0, 2});
            assertThat(in.readNBytes(2)).containsExactly(5, 2);
            byte[] u = user.getBytes(StandardCharsets.US_ASCII);
            byte[] p = password.getBytes(StandardCharsets.US_ASCII);
            byte[] auth = new byte[3 + u.length + p.length];
            auth[0] = 1; auth[1] = (byte) u.length;
            System.arraycopy(u, 0, auth, 2, u.length);
            auth[2 + u.length] = (byte) p.length;
            System.arraycopy(p, 0, auth, 3 + u.length, p.length);
            out.write(auth);
            int status = in.readNBytes(2)[1];
            if (status == 0) {
                out.write(ipv4Connect(origin.port()));
                assertThat(in.readNBytes(10)[1]).isEqualTo((byte) 0);
                assertThat(fetchOverTunnel(s, 5)).isEqualTo("HTTP/1.1 200 OK body=5");
            }
            return status;
        }
    }

    @Test
    void socks4aConnectByName() throws Exception {
        try (Socket s = new Socket("127.0.0.1", open.port())) {
            s.setSoTimeout(10_000);
            byte[] host = "127.0.0.1".getBytes(StandardCharsets.US_ASCII);
            byte[] req = new byte[9 + host.length + 1]; // head, empty user id + NUL, name + NUL
            req[0] = 4; req[1] = 1; req[2] = (byte) (origin.port() >> 8); req[3] = (byte) origin.port();
            req[7] = 1; // 0.0.0.1: the name follows
            System.arraycopy(host, 0, req, 9, host.length);

            s.getOutputStream().write(req);
            byte[] reply = new DataInputStream(s.getInputStream()).readNBytes(8);

            assertThat(reply[1]).isEqualTo((byte) 90);
            assertThat(fetchOverTunnel(s, 20)).isEqualTo("HTTP/1.1 200 OK body=20");
        }
    }
}
