package dev.rotagate.pool;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.config.BansConfig;
import dev.rotagate.config.BreakerConfig;
import dev.rotagate.config.PoolConfig;
import dev.rotagate.pool.resilience.Attempt;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.FaultJudge;
import dev.rotagate.pool.resilience.UpstreamHealth;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.resilience.UpstreamStates;
import dev.rotagate.pool.select.RotationStrategy;
import dev.rotagate.pool.select.UpstreamSelector;
import dev.rotagate.pool.session.Rendezvous;
import dev.rotagate.pool.session.SessionPins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A named group of upstreams. Selection is filters, then one strategy (gost's Selector = Filter* + Strategy):
 * the tag filter is a precomputed view with its own selector; state, cap, ban and already-tried filters are applied
 * to the strategy's pick (or to the session's rendezvous ranking); last, the chosen upstream's breaker is asked for a
 * permit — breakers are never pre-filtered, or an open one would never get its half-open trial.
 */
public final class UpstreamPool {

    /** Most tag lists, and most distinct member sets, whose views are kept (least recently used go first). */
    private static final int MAX_CACHED_VIEWS = 1024;
    /** Sessions remembered per pool; the least recently used go first beyond that. */
    private static final long MAX_SESSIONS = 1_000_000;
    /** How long a target's failures are remembered to tell its faults from an upstream's. */
    private static final Duration CORRELATION_WINDOW = Duration.ofMinutes(1);
    /** Strategy picks that may be filtered out before a scan over every member. */
    private static final int PICK_ATTEMPTS = 3;

    private final String name;
    private final List<Upstream> upstreams;
    private final RotationStrategy strategy;
    private final View all;
    private final Map<String, Upstream> byName = new HashMap<>();
    /**
     * Views by the tag list a client sent, and by the members they select: every tag list that selects the same
     * upstreams shares one view and so one selector, so that clients sending many spellings of a tag set (or many
     * sets that select the same upstreams) cannot restart the rotation. Tags no upstream carries never get here.
     */
    private final Cache<List<String>, View> tagViews = Caffeine.newBuilder().maximumSize(MAX_CACHED_VIEWS).build();
    private final Cache<List<Upstream>, View> memberViews = Caffeine.newBuilder().maximumSize(MAX_CACHED_VIEWS).build();
    private final Set<String> knownTags = new HashSet<>();
    private final SessionPins sessions;
    private final UpstreamStates states;
    private final DomainBans bans;
    private final BreakerConfig.Panic panic;
    private final FaultJudge judge;
    private final boolean hasDirect;
    private Duration sessionTtl = Duration.ZERO;

    /** The members that carry a set of tags, a selector over just them, and whether their weights are all equal. */
    private record View(Upstream[] members, UpstreamSelector selector, boolean equalWeights) {
    }

    public UpstreamPool(String name, List<Upstream> upstreams, RotationStrategy strategy, Duration sessionTtl,
                        UpstreamStates states, DomainBans bans, Ticker ticker) {
        this(name, upstreams, strategy, new SessionPins(sessionTtl, MAX_SESSIONS, ticker), states, bans);
    }

    /** With the session pins of the pool it replaces (a reload keeps sessions where they are). */
    public UpstreamPool(String name, List<Upstream> upstreams, RotationStrategy strategy, SessionPins sessions,
                        UpstreamStates states, DomainBans bans) {
        this.name = name;
        this.upstreams = List.copyOf(upstreams);
        this.strategy = strategy;
        this.all = viewOf(this.upstreams);
        this.upstreams.forEach(u -> byName.put(u.name(), u));
        this.upstreams.forEach(u -> knownTags.addAll(u.tags()));
        this.sessions = sessions;
        this.states = states;
        this.bans = bans;
        this.panic = states.config().panic();
        this.judge = new FaultJudge(CORRELATION_WINDOW, states.ticker());
        this.hasDirect = this.upstreams.stream().anyMatch(u -> u.url().scheme() == UpstreamScheme.DIRECT);
        states.setMembers(this.upstreams);
    }

    /** A pool without bans, with default breaker settings: for tests and benchmarks. */
    public UpstreamPool(String name, List<Upstream> upstreams, RotationStrategy strategy, Duration sessionTtl, Ticker ticker) {
        this(name, upstreams, strategy, sessionTtl,
                new UpstreamStates(name, BreakerConfig.DEFAULTS, ticker, System::currentTimeMillis),
                new DomainBans(BansConfig.DEFAULTS, ticker), ticker);
    }

    /**
     * A pool for {@code config}. With {@code previous} (a reload) unchanged upstreams are carried over with their state,
     * breaker, counters and sessions; new and changed ones start in {@code initial}.
     *
     * @param maxHalfOpen how long a half-open breaker waits for its trial reports before giving the permits back
     */
    public static UpstreamPool fromConfig(PoolConfig config, BreakerConfig breaker, Duration maxHalfOpen, DomainBans bans,
                                          UpstreamState initial, Ticker ticker, UpstreamPool previous) {
        List<Upstream> members = new ArrayList<>();
        for (var u : config.upstreams()) {
            Upstream old = previous == null ? null : previous.upstream(u.name());
            if (old != null && old.config().equals(u) && old.maxConnections() == u.maxConnections()) {
                if (!previous.states().config().equals(breaker)) {
                    old.health().replaceBreaker(config.name() + "/" + u.name(), breaker, maxHalfOpen, ticker);
                }
                members.add(old);
            } else {
                members.add(new Upstream(u, u.maxConnections(),
                        UpstreamHealth.create(config.name() + "/" + u.name(), breaker, maxHalfOpen, ticker, initial)));
            }
        }
        UpstreamStates states = new UpstreamStates(config.name(), breaker, ticker, System::currentTimeMillis);
        SessionPins sessions = previous != null && previous.sessionTtl.equals(config.sessionTtl())
                ? previous.sessions : new SessionPins(config.sessionTtl(), MAX_SESSIONS, ticker);
        UpstreamPool pool = new UpstreamPool(config.name(), members, RotationStrategy.of(config.strategy()), sessions, states, bans);
        pool.sessionTtl = config.sessionTtl();
        return pool;
    }

    public static UpstreamPool fromConfig(PoolConfig config, BreakerConfig breaker, Duration maxHalfOpen, DomainBans bans,
                                          UpstreamState initial, Ticker ticker) {
        return fromConfig(config, breaker, maxHalfOpen, bans, initial, ticker, null);
    }

    public String name() {
        return name;
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    public Upstream upstream(String upstreamName) {
        return byName.get(upstreamName);
    }

    public UpstreamStates states() {
        return states;
    }

    public DomainBans bans() {
        return bans;
    }

    /** True when some upstream connects to targets itself ({@code direct://}): then the gateway resolves names. */
    public boolean hasDirectUpstream() {
        return hasDirect;
    }

    /** True when some upstream carries every one of {@code tags}; a tag no upstream carries is refused uncached. */
    public boolean hasUpstreamWithTags(List<String> tags) {
        if (tags.isEmpty()) {
            return true;
        }
        for (String t : tags) {
            if (!knownTags.contains(t)) {
                return false;
            }
        }
        return tagView(tags).members().length > 0;
    }

    /**
     * Picks an upstream and takes a slot and a breaker permit on it: end the attempt with {@link Attempt#finish}.
     * With a session the pick is sticky (rendezvous order, pinned). Null when nothing passes the filters.
     *
     * @param domain   the target host, for per-domain bans (null: none apply)
     * @param excluded upstreams already tried for this request
     */
    public Attempt select(String session, List<String> tags, String domain, Collection<Upstream> excluded) {
        View view = tags.isEmpty() ? all : tagView(tags);
        Predicate<Upstream> eligible = u -> states.isEligible(u) && !u.isSaturated();
        // what only this request must avoid: a session's pin stays when its upstream is merely avoided here
        Predicate<Upstream> avoid = u -> excluded.contains(u) || bans.isBanned(u, domain);
        Attempt attempt = session != null ? selectForSession(session, tags, view, eligible, avoid)
                : selectByStrategy(view, eligible.and(avoid.negate()));
        if (attempt == null && panic == BreakerConfig.Panic.USE_ALL && noneEligible(view, excluded)) {
            // panic: nothing is healthy, so health is ignored rather than failing every request
            attempt = firstUsable(view.members(), u -> !excluded.contains(u) && !u.isSaturated(), false);
        }
        return attempt;
    }

    /** Picks without domain or exclusions. */
    public Attempt select(String session, List<String> tags) {
        return select(session, tags, null, List.of());
    }

    /** Picks without tags, session, domain or exclusions. */
    public Attempt select() {
        return select(null, List.of());
    }

    private Attempt selectByStrategy(View view, Predicate<Upstream> usable) {
        for (int i = 0; i < PICK_ATTEMPTS; i++) {
            Upstream u = view.selector().select();
            if (u == null) {
                return null;
            }
            if (usable.test(u)) {
                Attempt a = acquire(u, true);
                if (a != null) {
                    return a;
                }
            }
        }
        return firstUsable(view.members(), usable, true);
    }

    private Attempt selectForSession(String session, List<String> tags, View view, Predicate<Upstream> eligible,
                                     Predicate<Upstream> avoid) {
        String key = tags.isEmpty() ? session : session + "|" + String.join(",", tags);
        long hash = Rendezvous.sessionHash(session);
        List<Upstream> refused = new ArrayList<>(0);
        for (int i = 0; i < PICK_ATTEMPTS; i++) {
            Upstream u = sessions.pick(key, hash, view.members(), view.equalWeights(),
                    m -> byName.get(m.name()) == m && hasTags(m, tags),
                    m -> eligible.test(m) && !refused.contains(m), avoid);
            if (u == null) {
                return null;
            }
            Attempt a = acquire(u, true);
            if (a != null) {
                return a;
            }
            refused.add(u); // its breaker is open or it just filled up: the session moves on in rendezvous order
        }
        return null;
    }

    /** Looks at each member once, from a random place. */
    private Attempt firstUsable(Upstream[] members, Predicate<Upstream> usable, boolean askBreaker) {
        int n = members.length;
        if (n == 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int k = 0; k < n; k++) {
            Upstream u = members[(start + k) % n];
            if (usable.test(u)) {
                Attempt a = acquire(u, askBreaker);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Breaker permit, then a slot; the permit goes back if the slot cannot be had. */
    private Attempt acquire(Upstream u, boolean askBreaker) {
        boolean permitted = u.health().breaker().tryAcquirePermission();
        if (askBreaker && !permitted) {
            return null;
        }
        if (!u.tryStart()) {
            if (permitted) {
                u.health().breaker().releasePermission();
            }
            return null;
        }
        if (!permitted) {
            // panic mode: used against its breaker; the report must not count as a trial call
            return new Attempt(u, states, judge, false);
        }
        return new Attempt(u, states, judge, true);
    }

    private boolean noneEligible(View view, Collection<Upstream> excluded) {
        for (Upstream u : view.members()) {
            if (!excluded.contains(u) && states.isEligible(u)
                    && u.health().breaker().getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
                return false;
            }
        }
        return true;
    }

    /** Why {@link #select} found nothing, for the client's error message (cold path). */
    public String explainNoUpstream(List<String> tags, String domain, Collection<Upstream> excluded) {
        View view = tags.isEmpty() ? all : tagView(tags);
        int ineligible = 0;
        int open = 0;
        int full = 0;
        int banned = 0;
        int tried = 0;
        for (Upstream u : view.members()) {
            if (excluded.contains(u)) {
                tried++;
            } else if (!states.isEligible(u)) {
                ineligible++;
            } else if (u.health().breaker().getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
                open++;
            } else if (u.isSaturated()) {
                full++;
            } else if (bans.isBanned(u, domain)) {
                banned++;
            }
        }
        StringBuilder b = new StringBuilder("no upstream available in pool ").append(name)
                .append(tags.isEmpty() ? "" : " with tags " + tags).append(": ").append(view.members().length).append(" upstream(s)");
        appendCount(b, tried, "already tried");
        appendCount(b, ineligible, "out of rotation");
        appendCount(b, open, "with an open circuit breaker");
        appendCount(b, full, "at their connection limit");
        appendCount(b, banned, "banned for " + domain);
        return b.toString();
    }

    private static void appendCount(StringBuilder b, int n, String what) {
        if (n > 0) {
            b.append(", ").append(n).append(' ').append(what);
        }
    }

    private View tagView(List<String> tags) {
        View cached = tagViews.getIfPresent(tags);
        if (cached != null) {
            return cached;
        }
        List<Upstream> members = new ArrayList<>();
        for (Upstream u : upstreams) {
            if (hasTags(u, tags)) {
                members.add(u);
            }
        }
        View v = memberViews.get(List.copyOf(members), this::viewOf);
        tagViews.put(List.copyOf(tags), v);
        return v;
    }

    private View viewOf(List<Upstream> members) {
        boolean equalWeights = members.stream().mapToInt(Upstream::weight).distinct().count() <= 1;
        return new View(members.toArray(new Upstream[0]), strategy.newSelector(members), equalWeights);
    }

    private static boolean hasTags(Upstream u, List<String> tags) {
        return tags.isEmpty() || u.tags().containsAll(tags);
    }

    public long sessionCount() {
        return sessions.size();
    }

    /**
     * Where session {@code id} goes (without tags): its pinned upstream, or where rendezvous hashing would place it
     * now among the eligible ones (nothing is pinned by asking). Null when no upstream is eligible.
     */
    public SessionPlace whereIs(String id) {
        Upstream pinned = sessions.pinned(id);
        if (pinned != null && byName.get(pinned.name()) == pinned) {
            return new SessionPlace(pinned, true);
        }
        Upstream next = Rendezvous.pick(all.members(), Rendezvous.sessionHash(id),
                u -> states.isEligible(u) && !u.isSaturated(), all.equalWeights());
        return next == null ? null : new SessionPlace(next, false);
    }

    /** Sessions that move away from their rendezvous upstream are told to {@code listener} (with this pool's name). */
    public void onSessionMove(SessionMoveListener listener) {
        sessions.onMove((key, upstream, remaining) -> listener.moved(name, key, upstream.name(), remaining));
    }

    /** A session move another gateway made; ignored for an upstream this pool does not have. */
    public void sessionMoved(String key, String upstreamName, long remainingNanos) {
        Upstream u = byName.get(upstreamName);
        if (u != null) {
            sessions.pinMoved(key, u, remainingNanos);
        }
    }

    /** See {@link #onSessionMove}. */
    public interface SessionMoveListener {
        void moved(String pool, String key, String upstream, long remainingNanos);
    }

    /** A session's upstream, and whether the session is pinned to it already (else: where its first request goes). */
    public record SessionPlace(Upstream upstream, boolean pinned) {
    }

    @Override
    public String toString() {
        return "pool " + name + " (" + upstreams.size() + " upstreams)";
    }
}
