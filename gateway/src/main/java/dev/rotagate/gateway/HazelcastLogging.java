package dev.rotagate.gateway;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.LoggerFactorySupport;
import com.hazelcast.logging.Slf4jFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast's logging, passed to SLF4J as Hazelcast's own factory would, plus one thing: a join refused because the
 * cluster names differ — which, with Rotagate's cluster name, means another {@code cluster.name} or another
 * {@code cluster.secret} — is said once per peer in Rotagate's words, on both sides. Hazelcast finds this class by the
 * system property {@link #PROPERTY}.
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
                delegate.log(level, message, thrown);
            }

            @Override
            public void log(LogEvent event) {
                translate(event.getLogRecord().getMessage());
                delegate.log(event);
            }

            @Override
            public Level getLevel() {
                return delegate.getLevel();
            }

            @Override
            public boolean isLoggable(Level level) {
                return delegate.isLoggable(level);
            }
        };
    }

    static void translate(String message) {
        if (message == null) {
            return;
        }
        Matcher here = REFUSED_HERE.matcher(message);
        if (here.find() && SAID.add("here " + here.group(1))) {
            LOG.error("cluster: refused by the member at {}: it belongs to another cluster (another cluster.name or"
                    + " another cluster.secret); this gateway works alone, sharing nothing, until they match",
                    here.group(1));
        }
        Matcher there = REFUSED_THERE.matcher(message);
        if (there.find() && SAID.add("there " + there.group(1))) {
            LOG.warn("cluster: refused a member at {}: it came with another cluster.name or another cluster.secret",
                    there.group(1));
        }
    }
}
