package dev.rotagate.gateway;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.LoggerFactorySupport;
import com.hazelcast.logging.Slf4jFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast's logging, passed to SLF4J as Hazelcast's own factory would, with two changes. A join refused because the
 * cluster names differ — which, with Rotagate's cluster name, means another {@code cluster.name} or another
 * {@code cluster.secret} — is said once per peer in Rotagate's words, on both sides. And the Hazelcast cluster name
 * (name plus a hash of the secret: all it takes to join) is shown as {@code name-<secret>} wherever Hazelcast would
 * print it (every line's prefix, its start-up summary), so that reading the logs does not let anyone in. Hazelcast
 * finds this class by the system property {@link #PROPERTY}.
 */
public final class HazelcastLogging extends LoggerFactorySupport {

    static final String PROPERTY = "hazelcast.logging.class";
    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    /** The joining side: "Node could not join cluster at node: [127.0.0.1]:5801 Cause: the target cluster has a different cluster-name". */
    private static final Pattern REFUSED_HERE = Pattern.compile("could not join cluster at node: (\\S+) Cause: the target"
            + " cluster has a different cluster-name");
    /** The refusing side: "Received an invalid join request from [127.0.0.1]:5802, cause: members part of different cluster". */
    private static final Pattern REFUSED_THERE = Pattern.compile("invalid join request from (\\S+?),? cause: members part"
            + " of different cluster");
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
    /** Hazelcast cluster names to hide, and what to show instead. */
    private static final Map<String, String> HIDDEN = new ConcurrentHashMap<>();

    private final Slf4jFactory slf4j = new Slf4jFactory();

    @Override
    protected ILogger createLogger(String name) {
        ILogger delegate = slf4j.getLogger(name);
        return new AbstractLogger() {
            @Override
            public void log(Level level, String message) {
                log(level, message, null);
            }

            @Override
            public void log(Level level, String message, Throwable thrown) {
                translate(message);
                if (delegate.isLoggable(level)) {
                    delegate.log(level, hide(message), thrown);
                }
            }

            @Override
            public void log(LogEvent event) {
                LogRecord record = event.getLogRecord();
                log(record.getLevel(), record.getMessage(), record.getThrown());
            }

            @Override
            public Level getLevel() {
                return delegate.getLevel();
            }

            /** Warnings always reach {@link #log}: the translation must run even where Hazelcast's own line is filtered. */
            @Override
            public boolean isLoggable(Level level) {
                return level.intValue() >= Level.WARNING.intValue() || delegate.isLoggable(level);
            }
        };
    }

    /** From now on, {@code hazelcastName} shows as {@code shown} in Hazelcast's log lines. */
    static void hide(String hazelcastName, String shown) {
        HIDDEN.put(hazelcastName, shown);
    }

    static String hide(String message) {
        if (message == null) {
            return null;
        }
        String out = message;
        for (Map.Entry<String, String> h : HIDDEN.entrySet()) {
            out = out.replace(h.getKey(), h.getValue());
        }
        return out;
    }

    static void translate(String message) {
        if (message == null) {
            return;
        }
        Matcher here = REFUSED_HERE.matcher(message);
        if (here.find() && SAID.add("here " + here.group(1))) {
            LOG.error("cluster: refused by the member at {}: it belongs to another cluster (another cluster.name or"
                    + " another cluster.secret); this gateway shares nothing with it until they match", here.group(1));
        }
        Matcher there = REFUSED_THERE.matcher(message);
        if (there.find() && SAID.add("there " + there.group(1))) {
            LOG.warn("cluster: refused a member at {}: it came with another cluster.name or another cluster.secret",
                    there.group(1));
        }
    }
}
