package dev.rotagate.gateway.interop;

import dev.rotagate.pool.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Starts real third-party proxies on 127.0.0.1, each on a free port with its own config and directory under
 * {@code root} (no system-wide config, nothing outside the directory, every log inside it). Facts they rely on:
 * <ul>
 *   <li>squid 5 started as root switches to {@code cache_effective_user} (Debian: proxy), so its directory must be
 *       writable for that user; {@code -n NAME} gives each squid its own shared-memory segment names (they would
 *       collide with any other squid on the machine otherwise); no cache_dir means no {@code squid -z}.</li>
 *   <li>tinyproxy 1.11 runs as the current user when no {@code User} is set (it only warns); without
 *       {@code ConnectPort} lines CONNECT is allowed to every port.</li>
 *   <li>microsocks takes everything on its command line and logs one line per connection on stdout.</li>
 *   <li>stunnel 5 in the foreground logs to stderr and runs as the user that started it.</li>
 *   <li>dante 1.4 forks a tree of children and drops to {@code user.unprivileged}; it speaks SOCKS4 and SOCKS5 on
 *       one port but not SOCKS4a (a 4a name request is answered 91 "rejected or failed").</li>
 * </ul>
 */
final class RealProxies {

    static final String SQUID = "/usr/sbin/squid";
    static final String TINYPROXY = "/usr/bin/tinyproxy";
    static final String MICROSOCKS = "/usr/bin/microsocks";
    static final String DANTE = "/usr/sbin/danted";
    static final String STUNNEL = "/usr/bin/stunnel4";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path root;
    private final List<ProxyProcess> started = new ArrayList<>();

    RealProxies(Path root) {
        this.root = root;
    }

    /** A squid whose {@code Via} header and error pages say {@code visibleHostname}. */
    ProxyProcess squid(String visibleHostname) {
        return squid(visibleHostname, null);
    }

    /**
     * A squid as above that connects to targets from {@code outgoingAddress} (one of 127.0.0.0/8; null: the
     * system's choice), so that a target can tell which squid a tunnel came through.
     */
    ProxyProcess squid(String visibleHostname, String outgoingAddress) {
        Interop.binary(SQUID, "squid");
        String service = "rgi" + ProcessHandle.current().pid() + "x" + SEQUENCE.incrementAndGet();
        return launch("squid", visibleHostname, (port, dir) -> {
            Path conf = write(dir, "squid.conf", String.join("\n",
                    "http_port 127.0.0.1:" + port,
                    "workers 1",
                    ROOT ? "cache_effective_user " + (userExists("proxy") ? "proxy" : "nobody") : "",
                    "pid_filename " + dir.resolve("squid.pid"),
                    "cache_log " + dir.resolve("cache.log"),
                    "access_log stdio:" + dir.resolve("access.log"),
                    "coredump_dir " + dir,
                    "logfile_rotate 0",
                    "cache deny all",
                    "cache_mem 0 MB",
                    "netdb_filename none",
                    "pinger_enable off",
                    "visible_hostname " + visibleHostname,
                    "via on",
                    outgoingAddress == null ? "" : "tcp_outgoing_address " + outgoingAddress,
                    "shutdown_lifetime 0 seconds",
                    "max_filedescriptors 1024",
                    "acl interop_clients src 127.0.0.1/32",
                    "http_access allow interop_clients",
                    "http_access deny all",
                    ""));
            return new Launch(List.of(SQUID, "-N", "-n", service, "-f", conf.toString()),
                    List.of(dir.resolve("cache.log"), dir.resolve("access.log")), "127.0.0.1:%d");
        });
    }

    /** A tinyproxy; with {@code user} non-null it demands HTTP Basic credentials. */
    ProxyProcess tinyproxy(String name, String user, String password) {
        Interop.binary(TINYPROXY, "tinyproxy");
        return launch("tinyproxy", name, (port, dir) -> {
            Path log = dir.resolve("tinyproxy.log");
            Path conf = write(dir, "tinyproxy.conf", String.join("\n",
                    "Port " + port,
                    "Listen 127.0.0.1",
                    "Timeout 30",
                    "Allow 127.0.0.1",
                    "LogFile \"" + log + "\"",
                    "LogLevel Info",
                    "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
                    "MaxClients 64",
                    user == null ? "" : "BasicAuth " + user + " " + password,
                    ""));
            return new Launch(List.of(TINYPROXY, "-d", "-c", conf.toString()), List.of(log), "127.0.0.1:%d");
        });
    }

    /** A microsocks (SOCKS5 only); with {@code user} non-null it demands username/password. */
    ProxyProcess microsocks(String name, String user, String password) {
        Interop.binary(MICROSOCKS, "microsocks");
        return launch("microsocks", name, (port, dir) -> {
            List<String> command = new ArrayList<>(List.of(MICROSOCKS, "-i", "127.0.0.1", "-p", String.valueOf(port)));
            if (user != null) {
                command.addAll(List.of("-u", user, "-P", password));
            }
            return new Launch(command, List.of(), "connected to 127.0.0.1:%d");
        });
    }

    /** A dante server speaking SOCKS5 and SOCKS4 without authentication. */
    ProxyProcess dante(String name) {
        Interop.binary(DANTE, "dante-server");
        return launch("dante", name, (port, dir) -> {
            Path log = dir.resolve("danted.log");
            Path conf = write(dir, "danted.conf", String.join("\n",
                    "logoutput: " + log,
                    "internal: 127.0.0.1 port = " + port,
                    "external: 127.0.0.1",
                    "clientmethod: none",
                    "socksmethod: none",
                    ROOT ? "user.privileged: root" : "",
                    ROOT ? "user.unprivileged: nobody" : "",
                    "client pass {",
                    "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                    "  log: error",
                    "}",
                    "socks pass {",
                    "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                    "  command: connect",
                    "  protocol: tcp",
                    "  log: connect error",
                    "}",
                    ""));
            return new Launch(List.of(DANTE, "-f", conf.toString(), "-p", dir.resolve("danted.pid").toString()),
                    List.of(log), "127.0.0.1.%d");
        });
    }

    /**
     * A stunnel 5 terminating TLS with {@code certificate} in front of {@code backendPort} on 127.0.0.1: an https://
     * proxy when the backend is one, an https:// origin when it is an origin.
     */
    ProxyProcess stunnel(String name, int backendPort, TestCertificates.Pair certificate) {
        Interop.binary(STUNNEL, "stunnel4");
        return launch("stunnel", name, (port, dir) -> {
            Path conf = write(dir, "stunnel.conf", String.join("\n",
                    "foreground = yes",
                    "pid = " + dir.resolve("stunnel.pid"),
                    "debug = info",
                    "[" + name + "]",
                    "accept = 127.0.0.1:" + port,
                    "connect = 127.0.0.1:" + backendPort,
                    "cert = " + certificate.cert(),
                    "key = " + certificate.key(),
                    ""));
            return new Launch(List.of(STUNNEL, conf.toString()), List.of(), "connected to 127.0.0.1:%d");
        });
    }

    static final String HAPROXY = "/usr/sbin/haproxy";

    /** An HAProxy 2.6 in the foreground ({@code -db}) with the config {@code config} makes for its port. */
    ProxyProcess haproxy(String name, IntFunction<String> config) {
        Interop.binary(HAPROXY, "haproxy");
        return launch("haproxy", name, (port, dir) -> {
            Path conf = write(dir, "haproxy.cfg", config.apply(port));
            return new Launch(List.of(HAPROXY, "-db", "-f", conf.toString()), List.of(), "%d");
        });
    }

    /** Stops every daemon started here, in parallel. */
    void stopAll() {
        ProxyProcess.closeAll(started);
        started.clear();
    }

    private record Launch(List<String> command, List<Path> logs, String targetMarkerFormat) {
    }

    @FunctionalInterface
    private interface Configurer {
        Launch configure(int port, Path dir) throws IOException;
    }

    /** Free port, own directory, start, wait; another port if the daemon dies at once (someone took the port). */
    private ProxyProcess launch(String kind, String name, Configurer configurer) {
        ProxyProcess.DaemonExited last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            Path dir;
            Launch launch;
            try {
                dir = Files.createDirectory(root.resolve(kind + "-" + name + "-" + SEQUENCE.incrementAndGet()));
                // the daemon may drop root for an unprivileged user that must still write its logs here
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                launch = configurer.configure(port, dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + kind + " " + name, e);
            }
            try {
                ProxyProcess proxy = ProxyProcess.start(name, kind, port, dir, launch.command(), launch.logs(),
                        launch.targetMarkerFormat());
                started.add(proxy);
                return proxy;
            } catch (ProxyProcess.DaemonExited e) {
                last = e;
            }
        }
        throw last;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static Path write(Path dir, String file, String text) throws IOException {
        Path p = dir.resolve(file);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        return p;
    }

    private static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }
}
