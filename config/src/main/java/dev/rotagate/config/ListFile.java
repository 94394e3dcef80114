package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.internal.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An upstream list file: one upstream per line as a URL ({@code socks5://user:pass@host:port}), {@code host:port}, or
 * {@code host:port:user:pass} (the format providers export), with the pool's default scheme where none is given.
 * {@code #} starts a comment; blank lines are skipped. A bad line is a located problem; with {@code lenient} it is
 * skipped instead (and reported as a warning by the caller).
 */
public final class ListFile {

    /** The upstreams of the file, and the lines that were skipped in lenient mode. */
    public record Result(List<UpstreamConfig> upstreams, List<ConfigProblem> skipped) {
    }

    private ListFile() {
    }

    /** @param seen names of the pool's upstreams so far; a line repeating one is a problem (lenient: skipped) */
    public static Result read(Path file, String defaultScheme, int maxConnections, boolean lenient, Problems problems,
                              java.util.Set<String> seen) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(file.toString(), 0, "", "cannot read the upstream list: " + e.getClass().getSimpleName() + " " + e.getMessage());
            return new Result(List.of(), List.of());
        }
        List<UpstreamConfig> out = new ArrayList<>();
        List<ConfigProblem> skipped = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (text.isEmpty()) {
                continue;
            }
            try {
                UpstreamUrl url = parseLine(text, defaultScheme);
                if (!seen.add(UpstreamConfig.defaultName(url))) {
                    throw new IllegalArgumentException("duplicate upstream " + url + " (also listed before in the pool)");
                }
                out.add(new UpstreamConfig(UpstreamConfig.defaultName(url), url, 1, List.of(), maxConnections));
            } catch (IllegalArgumentException e) {
                ConfigProblem p = new ConfigProblem(file.toString(), i + 1, "", e.getMessage());
                if (lenient) {
                    skipped.add(p);
                } else {
                    problems.add(p.file(), p.line(), p.path(), p.message());
                }
            }
        }
        if (out.isEmpty() && skipped.isEmpty()) {
            // an editor truncating the list before writing it must not empty the pool
            problems.add(file.toString(), 0, "", "the upstream list is empty (expected: one upstream per line)");
        }
        return new Result(out, skipped);
    }

    /** A line as it may appear in a message: whatever follows {@code host:port:user:} is a password. */
    static String maskLine(String text) {
        if (text.contains("://")) {
            return UpstreamUrl.mask(text);
        }
        int start = text.startsWith("[") && text.indexOf(']') > 0 ? text.indexOf(']') : 0;
        int colons = 0;
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) == ':' && ++colons == 3) {
                return text.substring(0, i + 1) + "****";
            }
        }
        return text;
    }

    /** One line: URL, host:port or host:port:user:pass. */
    static UpstreamUrl parseLine(String text, String defaultScheme) {
        if (text.contains("://")) {
            return UpstreamUrl.parse(text);
        }
        if (!text.startsWith("[")) {
            String[] parts = text.split(":", 4);
            if (parts.length == 4) {
                HostAndPort hp = HostAndPort.parse(parts[0] + ":" + parts[1]);
                if (parts[2].isEmpty()) {
                    throw new IllegalArgumentException("upstream line: " + parts[0] + ":" + parts[1] + ":(empty user):****"
                            + " (expected: host:port:user:pass)");
                }
                return new UpstreamUrl(dev.rotagate.common.UpstreamScheme.parse(defaultScheme), hp.host(), hp.port(), parts[2], parts[3]);
            }
            if (parts.length == 3) {
                throw new IllegalArgumentException("upstream line: " + maskLine(text)
                        + " (expected: a URL, host:port or host:port:user:pass)");
            }
        }
        HostAndPort hp;
        try {
            hp = HostAndPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstream line: " + maskLine(text)
                    + " (expected: a URL, host:port or host:port:user:pass)");
        }
        if (hp.port() == 0) {
            throw new IllegalArgumentException("upstream line: " + maskLine(text) + " (expected: port 1-65535)");
        }
        return new UpstreamUrl(dev.rotagate.common.UpstreamScheme.parse(defaultScheme), hp.host(), hp.port(), null, null);
    }
}
