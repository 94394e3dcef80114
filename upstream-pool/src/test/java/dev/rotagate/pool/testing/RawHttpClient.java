package dev.rotagate.pool.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over one TCP connection that sends exactly the bytes it is given: for malformed
 * requests, keep-alive sequences, CONNECT followed by raw bytes, and exact header order checks.
 */
public final class RawHttpClient implements AutoCloseable {

    /** A response head and body; header entries keep order and case. */
    public record Response(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body) {
        public String header(String name) {
            return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttpClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** A client whose connection comes from {@code fromAddress} (any of 127.0.0.0/8 works on Linux loopback). */
    public RawHttpClient(int port, String fromAddress) throws IOException {
        this.socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(fromAddress), 0);
        this.socket.setSoTimeout(15_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response; {@code head} says the request was HEAD (no body whatever the headers say). */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.add(Map.entry(l.substring(0, colon), l.substring(colon + 1).trim()));
        }
        Response r = new Response(status, parts.length > 2 ? parts[2] : "", headers, new byte[0]);
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)
                || (status == 200 && "Connection established".equals(r.reason()))) {
            return r;
        }
        byte[] body;
        String length = r.header("Content-Length");
        if ("chunked".equalsIgnoreCase(r.header("Transfer-Encoding"))) {
            body = chunked();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, r.reason(), headers, body);
    }

    public Response read() throws IOException {
        return read(false);
    }

    public Response exchange(String request) throws IOException {
        send(request);
        return read(request.startsWith("HEAD "));
    }

    public byte[] readExactly(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** Reads until the peer closes; -1 pieces mean closed at once. */
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Sends FIN: the request side is done, the response may still come. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line();
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
