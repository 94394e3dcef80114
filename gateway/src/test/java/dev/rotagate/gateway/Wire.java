package dev.rotagate.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Raw bytes to a port and everything that comes back until the peer closes: for inputs no client library would send. */
final class Wire {

    /** What came back, and after how long the gateway closed (-1: it did not close within the wait). */
    record Reply(byte[] bytes, long closedAfterMillis) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        String hex() {
            return HexFormat.of().formatHex(bytes);
        }

        boolean closed() {
            return closedAfterMillis >= 0;
        }

        /** The status code of the first HTTP response in the reply, 0 when there is none. */
        int status() {
            String t = text();
            return t.startsWith("HTTP/1.") && t.length() >= 12 ? Integer.parseInt(t.substring(9, 12)) : 0;
        }

        String header(String name) {
            String t = text();
            int end = t.indexOf("\r\n\r\n");
            for (String line : (end < 0 ? t : t.substring(0, end)).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "reply " + hex() + " '" + text().replaceAll("[^\\x20-\\x7e]", ".") + "', closed after " + closedAfterMillis + " ms";
        }
    }

    private Wire() {
    }

    /** Sends {@code bytes}, then reads until the gateway closes or {@code waitMillis} pass. */
    static Reply send(int port, byte[] bytes, long waitMillis) throws IOException {
        return send(port, bytes, waitMillis, false);
    }

    /** Like {@link #send(int, byte[], long)}; {@code halfClose} sends FIN right after the bytes. */
    static Reply send(int port, byte[] bytes, long waitMillis, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            long start = System.nanoTime();
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            long deadline = start + waitMillis * 1_000_000;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return new Reply(out.toByteArray(), -1);
                }
                s.setSoTimeout((int) left);
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    return new Reply(out.toByteArray(), -1);
                } catch (IOException e) { // a reset is a close too
                    return new Reply(out.toByteArray(), (System.nanoTime() - start) / 1_000_000);
                }
                if (n < 0) {
                    return new Reply(out.toByteArray(), (System.nanoTime() - start) / 1_000_000);
                }
                out.write(buf, 0, n);
            }
        }
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else if (p instanceof byte[] b) {
                out.writeBytes(b);
            } else if (p instanceof Integer i) {
                out.write(i);
            } else {
                throw new IllegalArgumentException("part: " + p + " (expected: String, byte[] or Integer)");
            }
        }
        return out.toByteArray();
    }
}
