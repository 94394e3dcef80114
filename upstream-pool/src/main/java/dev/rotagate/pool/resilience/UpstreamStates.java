package dev.rotagate.pool.resilience;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.Durations;
import dev.rotagate.common.FailureKind;
import dev.rotagate.config.BreakerConfig;
import dev.rotagate.pool.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the upstreams of a pool change state, with the rules of Envoy's outlier detection:
 * {@code consecutive-failures} proxy faults in a row eject an upstream for {@code ejection-time} × its recent
 * ejections (at most {@code max-ejection-time}, plus up to 10 % jitter); the multiplier decays by one for every
 * ejection-time it then stays healthy; never more than {@code max-ejected-percent} of the pool is ejected (but one
 * always may be). Every change is logged with counts.
 */
public final class UpstreamStates {

    private static final Logger LOG = LoggerFactory.getLogger("rotagate.upstream");

    private final String pool;
    private final BreakerConfig config;
    private final Ticker ticker;
    private final LongSupplier wallMillis;
    private List<Upstream> members = List.of();
    /** Told of every ejection here (a cluster passes them on as hints); may run under this lock: must not block. */
    private volatile BiConsumer<Upstream, String> ejections = (u, why) -> { };

    public UpstreamStates(String pool, BreakerConfig config, Ticker ticker, LongSupplier wallMillis) {
        this.pool = pool;
        this.config = config;
        this.ticker = ticker;
        this.wallMillis = wallMillis;
    }

    public void onEjection(BiConsumer<Upstream, String> listener) {
        this.ejections = listener;
    }

    /** Called once by the pool with its members. */
    public synchronized void setMembers(List<Upstream> members) {
        this.members = List.copyOf(members);
    }

    /** In rotation now? Re-admits an ejected upstream whose time is up. Lock-free unless it re-admits. */
    public boolean isEligible(Upstream u) {
        UpstreamState s = u.health().state();
        if (s == UpstreamState.HEALTHY) {
            return true;
        }
        if (s == UpstreamState.EJECTED) {
            return readmitIfDue(u);
        }
        return false;
    }

    private synchronized boolean readmitIfDue(Upstream u) {
        UpstreamHealth h = u.health();
        if (h.state() != UpstreamState.EJECTED || ticker.read() < h.ejectedUntilNanos) {
            return h.state() == UpstreamState.HEALTHY;
        }
        return transition(u, UpstreamState.HEALTHY, "ejection time over");
    }

    /** A request or tunnel through {@code u} worked as far as the upstream is concerned. */
    public void onSuccess(Upstream u) {
        u.health().succeeded();
    }

    /** A proxy fault through {@code u}: count it, and eject after too many in a row. */
    public void onProxyFault(Upstream u, FailureKind kind) {
        int inARow = u.health().failedOnce(kind);
        if (inARow >= config.consecutiveFailures() && u.health().state() == UpstreamState.HEALTHY) {
            eject(u, inARow + " proxy faults in a row, last " + kind.code());
        }
    }

    /** Ejects {@code u} (if the pool's ejection limit allows) for its backed-off ejection time. */
    public synchronized boolean eject(Upstream u, String why) {
        if (u.health().state() != UpstreamState.HEALTHY && u.health().state() != UpstreamState.PROBING) {
            return false;
        }
        int ejected = count(UpstreamState.EJECTED);
        int limit = Math.max(1, members.size() * config.maxEjectedPercent() / 100);
        if (ejected + 1 > limit) {
            LOG.warn("upstream {} not ejected ({}): {} of {} already ejected, max-ejected-percent {}", u.name(), why,
                    ejected, members.size(), config.maxEjectedPercent());
            u.health().resetConsecutive();
            return false;
        }
        UpstreamHealth h = u.health();
        long now = ticker.read();
        long base = config.ejectionTime().toNanos();
        if (h.readmittedAtNanos != 0 && base > 0) {
            h.ejections = (int) Math.max(0, h.ejections - (now - h.readmittedAtNanos) / base); // decay while healthy
        }
        h.ejections++;
        long time = Math.min(base * h.ejections, Math.max(base, config.maxEjectionTime().toNanos()));
        time += (long) (time * 0.1 * ThreadLocalRandom.current().nextDouble());
        h.ejectedUntilNanos = now + time;
        return transition(u, UpstreamState.EJECTED, why + ", ejected for " + Durations.format(Duration.ofMillis(time / 1_000_000)));
    }

    /**
     * Failed probes: out of rotation until probes pass again (no time limit). Probes are first-hand evidence, so
     * {@code max-ejected-percent} (a guard against ejecting on noisy traffic) does not apply; with nothing left the
     * panic setting decides. Traffic ejection backoff is not touched.
     */
    public synchronized boolean ejectUntilProbed(Upstream u, String why) {
        UpstreamHealth h = u.health();
        h.ejectedByProbes = true;
        h.ejectedUntilNanos = Long.MAX_VALUE;
        if (h.state() == UpstreamState.EJECTED) {
            return true;
        }
        return transition(u, UpstreamState.EJECTED, why + ", out until probes pass");
    }

    /** Operator or health-checker changes (disable, enable, probe results) go through here too. */
    public synchronized boolean transition(Upstream u, UpstreamState to, String reason) {
        UpstreamHealth h = u.health();
        UpstreamState from = h.state();
        if (from == to) {
            return true;
        }
        if (!from.canBecome(to)) {
            return false;
        }
        if (to == UpstreamState.HEALTHY) {
            h.readmittedAtNanos = ticker.read();
            h.ejectedByProbes = false;
            h.resetConsecutive();
        }
        h.set(to, reason, wallMillis.getAsLong());
        if (to == UpstreamState.EJECTED) {
            ejections.accept(u, reason); // from != to here: each ejection is told once
        }
        String line = "upstream {} {} → {} ({} of {} eligible in pool {}): {}";
        Object[] args = {u.name(), from, to, count(UpstreamState.HEALTHY), members.size(), pool, reason};
        if (to == UpstreamState.HEALTHY) {
            LOG.info(line, args);
        } else {
            LOG.warn(line, args);
        }
        return true;
    }

    private int count(UpstreamState state) {
        int n = 0;
        for (Upstream m : members) {
            if (m.health().state() == state) {
                n++;
            }
        }
        return n;
    }

    public int eligibleCount() {
        int n = 0;
        for (Upstream m : members) {
            if (isEligible(m)) {
                n++;
            }
        }
        return n;
    }

    /** The clock the states run on (also the fault judge's window). */
    public Ticker ticker() {
        return ticker;
    }

    public BreakerConfig config() {
        return config;
    }
}
