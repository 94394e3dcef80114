package dev.rotagate.config;

import dev.rotagate.common.ByteSizes;
import dev.rotagate.common.Durations;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.config.internal.Problems;
import dev.rotagate.config.internal.YamlNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a YAML config into {@link GatewayConfig}, reporting every problem as {@code file:line: path: message}.
 * We walk snakeyaml's node tree ourselves (rather than a JsonObject from vertx-config) because only the
 * nodes carry line numbers.
 */
public final class ConfigLoader {

    private static final List<String> TOP_KEYS = List.of("listen", "admin", "auth", "pools", "routes", "timeouts", "server",
            "breaker", "retry", "bans", "health", "targets", "log", "cluster");
    private static final List<String> LOG_KEYS = List.of("access", "access-file");
    private static final List<String> TARGETS_KEYS = List.of("allow-private", "allow", "deny-ports");
    private static final List<String> HEALTH_KEYS = List.of("interval", "timeout", "target", "connect-target",
            "expect-status", "rise", "fall", "concurrency", "probe-before-use", "exit-ip-url", "max-backoff");
    private static final List<String> ADMIN_KEYS = List.of("address", "token");
    private static final List<String> BREAKER_KEYS = List.of("failure-rate", "window", "minimum-calls",
            "consecutive-failures", "open-for", "ejection-time", "max-ejection-time", "max-ejected-percent", "panic");
    private static final List<String> RETRY_KEYS = List.of("attempts", "budget-percent", "min-concurrent");
    private static final List<String> BANS_KEYS = List.of("status", "cooldown", "max-cooldown", "retry", "body-patterns");
    private static final List<String> POOL_KEYS = concat(List.of("strategy", "upstreams", "session-ttl", "max-connections",
            "upstream-files", "default-scheme", "upstream-files-lenient"), UpstreamSection.POOL_DEFAULT_KEYS);
    private static final List<String> ROUTE_KEYS = List.of("match", "pool", "tags");
    private static final List<String> TIMEOUT_KEYS = List.of("connect", "handshake", "response", "idle", "request",
            "half-closed");
    private static final List<String> SERVER_KEYS = List.of("transport", "proxy-protocol", "max-request-head", "event-loops",
            "max-connections", "drain-timeout", "error-detail", "proxy-protocol-from");
    /** Pool names and tags appear in username hints, so they cannot contain '-'. */

    private final Function<String, String> env;
    /** Per parse: the list files read, and lines skipped in lenient mode (the loader is used by one thread at a time). */
    private List<Path> listFilesRead = new ArrayList<>();
    private List<ConfigProblem> skippedLines = new ArrayList<>();

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader withSystemEnv() {
        return new ConfigLoader(System::getenv);
    }

    public synchronized GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "",
                    "cannot read the file: " + e.getClass().getSimpleName() + " " + e.getMessage())));
        }
        return parse(text, file);
    }

    public synchronized GatewayConfig parse(String text, Path file) throws ConfigException {
        listFilesRead = new ArrayList<>();
        skippedLines = new ArrayList<>();
        Problems problems = new Problems(file.toString());
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported by YamlNode with a line number instead
            options.setMaxAliasesForCollections(50);
            options.setCodePointLimit(16 * 1024 * 1024);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            int column = e.getProblemMark() == null ? 0 : e.getProblemMark().getColumn() + 1;
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), line, "",
                    "YAML syntax error at column " + column + ": " + e.getProblem())));
        } catch (YAMLException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "", "YAML error: " + e.getMessage())));
        }
        if (root == null) {
            // an editor truncating before it writes leaves an empty file: never treat that as "no pools"
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "",
                    "the file is empty (expected: at least a pools: section)")));
        }
        GatewayConfig config = read(new YamlNode(root, "", problems, env), file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        return config.withSources(listFilesRead, skippedLines);
    }

    private GatewayConfig read(YamlNode root, Path file, Problems problems) {
        Map<String, YamlNode> top = root.entries(TOP_KEYS);
        List<ListenerConfig> listeners = top.containsKey("listen") ? ListenSection.read(top.get("listen"), problems)
                : List.of(ListenerConfig.plain(ListenSection.DEFAULT_LISTEN));
        AuthConfig auth = top.containsKey("auth") ? AuthSection.read(top.get("auth")) : AuthConfig.NONE;
        List<PoolConfig> pools = top.containsKey("pools") ? pools(top.get("pools"), file, problems) : List.of();
        if (!top.containsKey("pools")) {
            problems.add(root.line(), "pools", "missing (expected: at least one pool with upstreams)");
        }
        List<RouteConfig> routes = top.containsKey("routes") ? routes(top.get("routes")) : List.of();
        TimeoutsConfig timeouts = top.containsKey("timeouts") ? timeouts(top.get("timeouts")) : TimeoutsConfig.DEFAULTS;
        checkPoolReferences(top, auth, routes, pools, problems);
        ServerConfig server = top.containsKey("server") ? server(top.get("server")) : ServerConfig.DEFAULTS;
        ListenerChecks.check(top.get("listen"), listeners, auth, server, pools, problems);
        HostAndPort listen = listeners.isEmpty() ? ListenSection.DEFAULT_LISTEN : listeners.get(0).address();
        BreakerConfig breaker = top.containsKey("breaker") ? breaker(top.get("breaker")) : BreakerConfig.DEFAULTS;
        RetryConfig retry = top.containsKey("retry") ? retry(top.get("retry")) : RetryConfig.DEFAULTS;
        BansConfig bans = top.containsKey("bans") ? bans(top.get("bans")) : BansConfig.DEFAULTS;
        HealthConfig health = top.containsKey("health") ? health(top.get("health")) : HealthConfig.OFF;
        AdminConfig admin = top.containsKey("admin") ? admin(top.get("admin")) : AdminConfig.OFF;
        for (ListenerConfig l : listeners) {
            if (admin.enabled() && admin.address().port() != 0 && l.overlaps(ListenerConfig.plain(admin.address()))) {
                problems.add(top.get("admin").line(), "admin", "the admin listener cannot share the proxy's port " + l.describe());
            }
        }
        if (admin.enabled() && admin.token() == null && !admin.address().isLoopback()) {
            problems.add(top.get("admin").line(), "admin", admin.address() + " is reachable from other machines but has no"
                    + " token: anyone there could read every upstream and disable them; set admin.token (e.g."
                    + " token: ${ROTAGATE_ADMIN_TOKEN}), or listen on 127.0.0.1");
        }
        TargetsConfig targets = top.containsKey("targets") ? targets(top.get("targets")) : TargetsConfig.DEFAULTS;
        LogConfig log = top.containsKey("log") ? log(top.get("log"), file) : LogConfig.DEFAULTS;
        ClusterConfig cluster = top.containsKey("cluster") ? ClusterSection.read(top.get("cluster")) : null;
        return new GatewayConfig(file, listeners.isEmpty() ? List.of(ListenerConfig.plain(listen)) : listeners, auth, pools, routes, timeouts, server, breaker, retry, bans, health, admin,
                targets, log).withCluster(cluster);
    }

    /** Upstreams from the pool's list files (paths relative to the config file); duplicates of earlier ones are problems. */
    private List<UpstreamConfig> listFiles(Map<String, YamlNode> pm, Path configFile, int maxConnections,
                                           List<UpstreamConfig> earlier, Problems problems) {
        String scheme = "http";
        if (pm.containsKey("default-scheme")) {
            YamlNode n = pm.get("default-scheme");
            scheme = n.parsed(t -> {
                var parsed = UpstreamScheme.parse(t.trim());
                if (parsed == UpstreamScheme.DIRECT) {
                    throw new IllegalArgumentException("direct cannot be a default scheme (expected: http, https, socks4, socks4a,"
                            + " socks5 or socks5h; list a direct upstream as direct://)");
                }
                return parsed.text();
            }).orElse(scheme);
        }
        boolean lenient = pm.containsKey("upstream-files-lenient") && pm.get("upstream-files-lenient").bool().orElse(false);
        if (!pm.containsKey("upstream-files")) {
            return List.of();
        }
        YamlNode filesNode = pm.get("upstream-files");
        List<YamlNode> files = filesNode.isScalar() ? List.of(filesNode) : filesNode.items();
        Path base = configFile.toAbsolutePath().getParent();
        Set<String> seen = new HashSet<>();
        earlier.forEach(u -> seen.add(u.name()));
        List<UpstreamConfig> out = new ArrayList<>();
        for (YamlNode f : files) {
            String text = f.text().orElse(null);
            if (text == null) {
                continue;
            }
            Path path = base == null ? Path.of(text) : base.resolve(text);
            listFilesRead.add(path);
            ListFile.Result r = ListFile.read(path, scheme, maxConnections, lenient, problems, seen);
            r.skipped().forEach(skippedLines::add);
            out.addAll(r.upstreams());
        }
        return out;
    }

    private List<PoolConfig> pools(YamlNode node, Path file, Problems problems) {
        List<PoolConfig> pools = new ArrayList<>();
        Map<String, YamlNode> entries = node.entries();
        if (entries.isEmpty() && !node.isList()) {
            problems.add(node, "no pools (expected: at least one pool with upstreams)");
        }
        for (Map.Entry<String, YamlNode> e : entries.entrySet()) {
            String name = e.getKey();
            YamlNode p = e.getValue();
            if (!Names.PLAIN.matcher(name).matches()) {
                problems.add(p, "pool name '" + name + "' may only use A-Z a-z 0-9 _ . (it is used in -pool-NAME hints)");
            }
            Map<String, YamlNode> pm = p.entries(POOL_KEYS);
            String strategy = "round-robin";
            if (pm.containsKey("strategy")) {
                YamlNode s = pm.get("strategy");
                strategy = s.text().orElse(strategy).toLowerCase(Locale.ROOT);
                if (!PoolConfig.STRATEGIES.contains(strategy)) {
                    problems.add(s, "unknown strategy '" + strategy + "' (expected: " + String.join(", ", PoolConfig.STRATEGIES) + ")");
                }
            }
            Duration sessionTtl = duration(pm, "session-ttl", PoolConfig.DEFAULT_SESSION_TTL);
            int maxConnections = pm.containsKey("max-connections") ? pm.get("max-connections").integer(0, 1_000_000).orElse(0) : 0;
            UpstreamSection section = new UpstreamSection(file);
            UpstreamSection.PoolDefaults defaults = section.poolDefaults(pm, maxConnections);
            List<UpstreamConfig> upstreams = new ArrayList<>(pm.containsKey("upstreams")
                    ? section.upstreams(pm.get("upstreams"), defaults) : List.of());
            listFiles(pm, file, maxConnections, upstreams, problems).forEach(u -> upstreams.add(defaults.applyTo(u)));
            if (upstreams.isEmpty() && !(pm.containsKey("upstreams") && !pm.get("upstreams").isList())) {
                problems.add(p, "pool '" + name + "' has no upstreams (expected: a list under upstreams:, or upstream-files:)");
            }
            pools.add(new PoolConfig(name, strategy, upstreams, sessionTtl));
        }
        return pools;
    }

    private List<RouteConfig> routes(YamlNode node) {
        List<RouteConfig> routes = new ArrayList<>();
        for (YamlNode r : node.items()) {
            Map<String, YamlNode> m = r.entries(ROUTE_KEYS);
            List<String> match = new ArrayList<>();
            if (m.containsKey("match")) {
                YamlNode mn = m.get("match");
                if (mn.isScalar()) {
                    mn.text().ifPresent(match::add);
                } else {
                    mn.items().forEach(g -> g.text().ifPresent(match::add));
                }
            }
            if (match.isEmpty()) {
                r.problems("match: missing (expected: a host glob or a list of them, e.g. [\"*.example.com\"])");
            }
            if (!m.containsKey("pool")) {
                r.problems("pool: missing (expected: the name of a pool)");
                continue;
            }
            List<String> tags = new ArrayList<>();
            if (m.containsKey("tags")) {
                m.get("tags").items().forEach(t -> t.text().ifPresent(tags::add));
            }
            m.get("pool").text().ifPresent(pool -> routes.add(new RouteConfig(match, pool, tags)));
        }
        return routes;
    }

    /** Routes and users may only name pools that exist. */
    private static void checkPoolReferences(Map<String, YamlNode> top, AuthConfig auth, List<RouteConfig> routes,
                                            List<PoolConfig> pools, Problems problems) {
        Set<String> names = new HashSet<>();
        pools.forEach(p -> names.add(p.name()));
        if (names.isEmpty()) {
            return;
        }
        List<YamlNode> routeNodes = top.containsKey("routes") ? top.get("routes").itemsQuietly() : List.of();
        for (int i = 0; i < routes.size() && i < routeNodes.size(); i++) {
            RouteConfig r = routes.get(i);
            if (!names.contains(r.pool())) {
                problems.add(routeNodes.get(i), "route to unknown pool '" + r.pool() + "' (pools: "
                        + String.join(", ", names) + ")");
            } else if (!r.tags().isEmpty()) {
                PoolConfig pool = pools.stream().filter(p -> p.name().equals(r.pool())).findFirst().orElseThrow();
                if (pool.upstreams().stream().noneMatch(u -> u.tags().containsAll(r.tags()))) {
                    problems.add(routeNodes.get(i), "no upstream of pool '" + r.pool() + "' carries the tags " + r.tags());
                }
            }
        }
        YamlNode authNode = top.get("auth");
        for (UserConfig u : auth.users()) {
            if (u.pool() != null && !names.contains(u.pool())) {
                problems.add(authNode == null ? 0 : authNode.line(), "auth.users." + u.username() + ".pool",
                        "unknown pool '" + u.pool() + "' (pools: " + String.join(", ", names) + ")");
            }
        }
    }

    private TimeoutsConfig timeouts(YamlNode node) {
        Map<String, YamlNode> m = node.entries(TIMEOUT_KEYS);
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        return new TimeoutsConfig(duration(m, "connect", d.connect()), duration(m, "handshake", d.handshake()),
                duration(m, "response", d.response()), duration(m, "idle", d.idle()), duration(m, "request", d.request()),
                duration(m, "half-closed", d.halfClosed()));
    }

    private static Duration duration(Map<String, YamlNode> m, String key, Duration dflt) {
        YamlNode n = m.get(key);
        if (n == null) {
            return dflt;
        }
        return n.parsed(Durations::parse).filter(d -> {
            if (d.isZero()) {
                n.problems("must be more than 0");
                return false;
            }
            return true;
        }).orElse(dflt);
    }

    private BreakerConfig breaker(YamlNode node) {
        Map<String, YamlNode> m = node.entries(BREAKER_KEYS);
        BreakerConfig d = BreakerConfig.DEFAULTS;
        BreakerConfig.Panic panic = d.panic();
        if (m.containsKey("panic")) {
            panic = m.get("panic").parsed(t -> switch (t.trim().toLowerCase(Locale.ROOT)) {
                case "fail-fast" -> BreakerConfig.Panic.FAIL_FAST;
                case "use-all" -> BreakerConfig.Panic.USE_ALL;
                default -> throw new IllegalArgumentException("unknown panic mode '" + t + "' (expected: fail-fast or use-all)");
            }).orElse(panic);
        }
        return new BreakerConfig(integer(m, "failure-rate", d.failureRate(), 1, 100), integer(m, "window", d.window(), 1, 10_000),
                integer(m, "minimum-calls", d.minimumCalls(), 1, 10_000),
                integer(m, "consecutive-failures", d.consecutiveFailures(), 1, 1000), duration(m, "open-for", d.openFor()),
                duration(m, "ejection-time", d.ejectionTime()), duration(m, "max-ejection-time", d.maxEjectionTime()),
                integer(m, "max-ejected-percent", d.maxEjectedPercent(), 0, 100), panic);
    }

    private RetryConfig retry(YamlNode node) {
        Map<String, YamlNode> m = node.entries(RETRY_KEYS);
        RetryConfig d = RetryConfig.DEFAULTS;
        return new RetryConfig(integer(m, "attempts", d.attempts(), 1, 10), integer(m, "budget-percent", d.budgetPercent(), 0, 100),
                integer(m, "min-concurrent", d.minConcurrent(), 0, 100_000));
    }

    private BansConfig bans(YamlNode node) {
        Map<String, YamlNode> m = node.entries(BANS_KEYS);
        BansConfig d = BansConfig.DEFAULTS;
        List<Integer> statuses = d.statuses();
        if (m.containsKey("status")) {
            List<Integer> list = new ArrayList<>();
            for (YamlNode n : m.get("status").items()) {
                n.integer(100, 599).ifPresent(list::add);
            }
            statuses = list;
        }
        boolean retry = m.containsKey("retry") ? m.get("retry").bool().orElse(d.retry()) : d.retry();
        List<java.util.regex.Pattern> patterns = new ArrayList<>();
        if (m.containsKey("body-patterns")) {
            for (YamlNode n : m.get("body-patterns").items()) {
                n.parsed(t -> {
                    try {
                        return java.util.regex.Pattern.compile(t, java.util.regex.Pattern.CASE_INSENSITIVE);
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw new IllegalArgumentException("'" + t + "' is not a regular expression: " + e.getDescription());
                    }
                }).ifPresent(patterns::add);
            }
        }
        return new BansConfig(statuses, duration(m, "cooldown", d.cooldown()), duration(m, "max-cooldown", d.maxCooldown()),
                retry, patterns);
    }

    private HealthConfig health(YamlNode node) {
        Map<String, YamlNode> m = node.entries(HEALTH_KEYS);
        HealthConfig d = HealthConfig.OFF;
        String target = d.target();
        if (m.containsKey("target")) {
            YamlNode t = m.get("target");
            target = t.text().map(String::trim).orElse(target);
            if (target.equals("connect")) {
                target = null;
            } else if (!target.regionMatches(true, 0, "http://", 0, 7)) {
                t.problems("'" + target + "' (expected: an http:// URL fetched through each upstream, or connect)");
                target = d.target();
            }
        }
        HostAndPort connectTarget = m.containsKey("connect-target")
                ? m.get("connect-target").parsed(t -> HostAndPort.parse(t, 443)).orElse(d.connectTarget()) : d.connectTarget();
        int min = d.expectStatusMin();
        int max = d.expectStatusMax();
        if (m.containsKey("expect-status")) {
            YamlNode n = m.get("expect-status");
            String text = n.text().orElse("").trim();
            try {
                String[] parts = text.split("-");
                min = Integer.parseInt(parts[0].trim());
                max = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : min;
                if (min < 100 || max > 599 || min > max) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                n.problems("'" + text + "' (expected: a status like 200 or a range like 200-399)");
                min = d.expectStatusMin();
                max = d.expectStatusMax();
            }
        }
        String exitIp = m.containsKey("exit-ip-url") ? m.get("exit-ip-url").text().orElse(null) : null;
        if (exitIp != null && !exitIp.regionMatches(true, 0, "http://", 0, 7)) {
            m.get("exit-ip-url").problems("'" + exitIp + "' (expected: an http:// URL that answers the caller's IP)");
            exitIp = null;
        }
        boolean probeFirst = m.containsKey("probe-before-use") ? m.get("probe-before-use").bool().orElse(true) : true;
        return new HealthConfig(true, duration(m, "interval", d.interval()), duration(m, "timeout", d.timeout()), target,
                connectTarget, min, max, integer(m, "rise", d.rise(), 1, 100), integer(m, "fall", d.fall(), 1, 100),
                integer(m, "concurrency", d.concurrency(), 1, 10_000), probeFirst, exitIp,
                duration(m, "max-backoff", d.maxBackoff()), d.suspectFactor());
    }

    private TargetsConfig targets(YamlNode node) {
        Map<String, YamlNode> m = node.entries(TARGETS_KEYS);
        boolean allowPrivate = m.containsKey("allow-private") && m.get("allow-private").bool().orElse(false);
        List<TargetRule> allow = new ArrayList<>();
        if (m.containsKey("allow")) {
            m.get("allow").items().forEach(n -> n.parsed(TargetRule::parse).ifPresent(allow::add));
        }
        Set<Integer> denyPorts = new HashSet<>();
        if (m.containsKey("deny-ports")) {
            m.get("deny-ports").items().forEach(n -> n.integer(1, 65535).ifPresent(denyPorts::add));
        }
        return new TargetsConfig(allowPrivate, allow, denyPorts);
    }

    private LogConfig log(YamlNode node, Path configFile) {
        Map<String, YamlNode> m = node.entries(LOG_KEYS);
        LogConfig.AccessFormat format = m.containsKey("access")
                ? m.get("access").parsed(t -> switch (t.trim().toLowerCase(Locale.ROOT)) {
                    case "text" -> LogConfig.AccessFormat.TEXT;
                    case "json" -> LogConfig.AccessFormat.JSON;
                    case "off", "false", "no" -> LogConfig.AccessFormat.OFF;
                    default -> throw new IllegalArgumentException("unknown access log format '" + t
                            + "' (expected: text, json or off)");
                }).orElse(LogConfig.DEFAULTS.access())
                : LogConfig.DEFAULTS.access();
        Path file = m.containsKey("access-file") ? m.get("access-file").text().map(String::trim).filter(t -> !t.isEmpty())
                .map(t -> configFile.toAbsolutePath().getParent().resolve(t)).orElse(null) : null;
        return new LogConfig(format, file);
    }

    private AdminConfig admin(YamlNode node) {
        if (node.isScalar()) {
            String text = node.text().orElse("off").trim();
            if (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("false") || text.equalsIgnoreCase("no")) {
                return AdminConfig.OFF;
            }
            return node.parsed(t -> new AdminConfig(adminAddress(t), null)).orElse(AdminConfig.OFF);
        }
        Map<String, YamlNode> m = node.entries(ADMIN_KEYS);
        HostAndPort address = m.containsKey("address") ? m.get("address").parsed(ConfigLoader::adminAddress).orElse(null)
                : HostAndPort.of("127.0.0.1", 8081);
        String token = m.containsKey("token") ? m.get("token").text().map(String::trim).filter(t -> !t.isEmpty()).orElse(null) : null;
        return new AdminConfig(address, token);
    }

    /** {@code HOST:PORT}, or a bare port on loopback. */
    private static HostAndPort adminAddress(String text) {
        String t = text.trim();
        return t.chars().allMatch(Character::isDigit) ? HostAndPort.of("127.0.0.1", Integer.parseInt(t)) : HostAndPort.parse(t);
    }

    static int integer(Map<String, YamlNode> m, String key, int dflt, int min, int max) {
        YamlNode n = m.get(key);
        return n == null ? dflt : n.integer(min, max).orElse(dflt);
    }

    private ServerConfig server(YamlNode node) {
        Map<String, YamlNode> m = node.entries(SERVER_KEYS);
        ServerConfig d = ServerConfig.DEFAULTS;
        ServerConfig.Transport transport = m.containsKey("transport")
                ? m.get("transport").parsed(t -> {
                    try {
                        return ServerConfig.Transport.valueOf(t.trim().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown transport '" + t + "' (expected: auto, epoll, io_uring or nio)");
                    }
                }).orElse(d.transport())
                : d.transport();
        boolean proxyProtocol = m.containsKey("proxy-protocol") ? m.get("proxy-protocol").bool().orElse(false) : d.proxyProtocol();
        int maxHead = d.maxRequestHead();
        if (m.containsKey("max-request-head")) {
            YamlNode n = m.get("max-request-head");
            long v = n.parsed(ByteSizes::parse).orElse((long) maxHead);
            if (v < 1024 || v > 1024 * 1024) {
                n.problems(v + " bytes is out of range (expected: 1KiB to 1MiB)");
            } else {
                maxHead = (int) v;
            }
        }
        ServerConfig.ErrorDetail detail = m.containsKey("error-detail")
                ? m.get("error-detail").parsed(t -> switch (t.trim().toLowerCase(Locale.ROOT)) {
                    case "name" -> ServerConfig.ErrorDetail.NAME;
                    case "full" -> ServerConfig.ErrorDetail.FULL;
                    default -> throw new IllegalArgumentException("unknown error-detail '" + t + "' (expected: name or full)");
                }).orElse(d.errorDetail())
                : d.errorDetail();
        return new ServerConfig(transport, proxyProtocol, maxHead, integer(m, "event-loops", d.eventLoops(), 0, 1024),
                integer(m, "max-connections", d.maxConnections(), 0, 10_000_000), duration(m, "drain-timeout", d.drainTimeout()),
                detail, m.containsKey("proxy-protocol-from") ? AuthSection.cidrs(m.get("proxy-protocol-from")) : List.of());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
