package dev.rotagate.pool.testing;

import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for {@code 127.0.0.1} and {@code localhost}, made by {@code openssl} (installed wherever
 * the JDK's trust store is: Debian's ca-certificates needs it). Each is its own CA: {@code ca-file: cert} trusts it,
 * and a certificate made by another call does not.
 */
public final class TestCertificates {

    /** A certificate and its unencrypted PKCS#8 key, both PEM. */
    public record Pair(Path cert, Path key) {
        public PemKeyCertOptions keyCertOptions() {
            return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
        }
    }

    private TestCertificates() {
    }

    public static Pair create(Path dir, String name) {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        List<String> command = List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + command + "\n" + output);
            }
            if (!Files.exists(cert) || !Files.exists(key)) {
                throw new IllegalStateException("openssl made no certificate: " + output);
            }
            return new Pair(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
