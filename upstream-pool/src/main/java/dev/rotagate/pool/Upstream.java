package dev.rotagate.pool;

import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.UpstreamConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One pool member: its configuration plus live counters shared by every event loop (atomics only).
 * {@link #toString()} is the name; {@link #url()} masks its password when printed.
 */
public final class Upstream {

    private final UpstreamConfig config;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    public Upstream(UpstreamConfig config) {
        this.config = config;
    }

    public String name() {
        return config.name();
    }

    public UpstreamUrl url() {
        return config.url();
    }

    public int weight() {
        return config.weight();
    }

    public List<String> tags() {
        return config.tags();
    }

    public UpstreamConfig config() {
        return config;
    }

    /** Marks the start of a request or tunnel through this upstream; pair with {@link #finished}. */
    public void started() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    public void finished(long in, long out) {
        inFlight.decrementAndGet();
        bytesIn.add(in);
        bytesOut.add(out);
    }

    public void failed() {
        failures.increment();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** {@code name (url)} with the password masked: the form every error message uses. */
    public String describe() {
        return name() + " (" + url() + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
