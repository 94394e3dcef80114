package dev.rotagate.pool.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.pool.Upstream;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Which upstream each session is on. A new session goes where rendezvous hashing puts it; when that upstream becomes
 * unavailable the session moves to its next-ranked one and stays pinned there (it does not bounce back). A pin lives
 * for the session TTL from the session's first use, as providers' sticky sessions do, then the session may move.
 */
public final class SessionPins {

    /** A session's upstream and when the session ends (ticker nanos). */
    private record Pin(Upstream upstream, long expiresAtNanos) {
    }

    private final Cache<String, Pin> pins;
    private final Ticker ticker;
    private final long ttlNanos;

    public SessionPins(Duration ttl, long maxSessions, Ticker ticker) {
        this.ticker = ticker;
        this.ttlNanos = ttl.toNanos();
        this.pins = Caffeine.newBuilder()
                .maximumSize(maxSessions)
                .ticker(ticker)
                // eviction and expiry maintenance runs on the common pool, not in the pick of a request
                .expireAfter(new Expiry<String, Pin>() {
                    @Override
                    public long expireAfterCreate(String key, Pin pin, long now) {
                        return Math.max(0, pin.expiresAtNanos() - now);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Pin pin, long now, long currentDuration) {
                        return Math.max(0, pin.expiresAtNanos() - now);
                    }

                    @Override
                    public long expireAfterRead(String key, Pin pin, long now, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /**
     * The upstream for a session among {@code candidates}: its pin while that one is still a candidate and eligible,
     * else the best eligible by rendezvous (which is then pinned). Null when no candidate is eligible.
     */
    public Upstream pick(String key, long sessionHash, Upstream[] candidates, boolean equalWeights,
                         Predicate<Upstream> isCandidate, Predicate<Upstream> eligible) {
        return pick(key, sessionHash, candidates, equalWeights, isCandidate, eligible, u -> false);
    }

    /**
     * As above, for a request that must {@code avoid} some upstreams — those it already failed on, those banned for
     * its domain. Avoiding the pinned one sends this request to the next eligible in rendezvous order and leaves the
     * pin alone: one target that does not work through the session's upstream must not move the whole session
     * (what moves it is its upstream going out of rotation).
     */
    public Upstream pick(String key, long sessionHash, Upstream[] candidates, boolean equalWeights,
                         Predicate<Upstream> isCandidate, Predicate<Upstream> eligible, Predicate<Upstream> avoid) {
        Pin pin = pins.getIfPresent(key);
        Predicate<Upstream> usable = u -> eligible.test(u) && !avoid.test(u);
        if (pin != null && isCandidate.test(pin.upstream()) && eligible.test(pin.upstream())) {
            return avoid.test(pin.upstream()) ? Rendezvous.pick(candidates, sessionHash, usable, equalWeights)
                    : pin.upstream();
        }
        Upstream chosen = Rendezvous.pick(candidates, sessionHash, eligible, equalWeights);
        if (chosen != null) {
            long expiresAt = pin != null ? pin.expiresAtNanos() : ticker.read() + ttlNanos;
            pins.put(key, new Pin(chosen, expiresAt));
            if (pin != null && !pin.upstream().name().equals(chosen.name())) {
                // it moved: other gateways, for which its old upstream may still be fine, would not follow by themselves
                // (a reload's new object for the same upstream is no move)
                moves.moved(key, chosen, expiresAt - ticker.read());
            }
        }
        return chosen == null || !avoid.test(chosen) ? chosen : Rendezvous.pick(candidates, sessionHash, usable, equalWeights);
    }

    /** Told when a pinned session moves to another upstream: what a cluster shares. */
    public interface Moves {
        void moved(String key, Upstream upstream, long remainingNanos);
    }

    private volatile Moves moves = (k, u, r) -> { };

    public void onMove(Moves listener) {
        this.moves = listener;
    }

    /** A move another gateway made: the session goes to {@code upstream} here too, for the time it has left. */
    public void pinMoved(String key, Upstream upstream, long remainingNanos) {
        if (remainingNanos > 0) {
            pins.put(key, new Pin(upstream, ticker.read() + remainingNanos));
        }
    }

    /** The upstream {@code key} is pinned to, without touching it; null when it has no pin (yet, or any more). */
    public Upstream pinned(String key) {
        Pin pin = pins.getIfPresent(key);
        return pin == null ? null : pin.upstream();
    }

    public long size() {
        pins.cleanUp();
        return pins.estimatedSize();
    }
}
