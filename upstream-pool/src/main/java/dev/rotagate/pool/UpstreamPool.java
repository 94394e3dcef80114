package dev.rotagate.pool;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.config.PoolConfig;
import dev.rotagate.pool.select.RotationStrategy;
import dev.rotagate.pool.select.UpstreamSelector;
import dev.rotagate.pool.session.Rendezvous;
import dev.rotagate.pool.session.SessionPins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A named group of upstreams. Selection is filters, then one strategy (gost's Selector = Filter* + Strategy):
 * the tag filter is a precomputed view with its own selector, the cap filter is applied to the strategy's pick,
 * and a session picks by its pin or rendezvous rank instead of the strategy.
 */
public final class UpstreamPool {

    /** Most tag combinations whose views are kept; others are filtered per request. */
    private static final int MAX_CACHED_VIEWS = 1024;
    /** Sessions remembered per pool; the least recently used go first beyond that. */
    private static final long MAX_SESSIONS = 1_000_000;
    /** Strategy picks that may land on a saturated upstream before a scan. */
    private static final int PICK_ATTEMPTS = 3;

    private final String name;
    private final List<Upstream> upstreams;
    private final RotationStrategy strategy;
    private final View all;
    private final Map<String, Upstream> byName = new HashMap<>();
    private final Map<List<String>, View> tagViews = new ConcurrentHashMap<>();
    private final SessionPins sessions;

    /** The members that carry a set of tags, a selector over just them, and whether their weights are all equal. */
    private record View(Upstream[] members, UpstreamSelector selector, boolean equalWeights) {
    }

    public UpstreamPool(String name, List<Upstream> upstreams, RotationStrategy strategy, Duration sessionTtl, Ticker ticker) {
        this.name = name;
        this.upstreams = List.copyOf(upstreams);
        this.strategy = strategy;
        this.all = viewOf(this.upstreams);
        this.upstreams.forEach(u -> byName.put(u.name(), u));
        this.sessions = new SessionPins(sessionTtl, MAX_SESSIONS, ticker);
    }

    public static UpstreamPool fromConfig(PoolConfig config, Ticker ticker) {
        List<Upstream> members = config.upstreams().stream().map(u -> new Upstream(u, u.maxConnections())).toList();
        return new UpstreamPool(config.name(), members, RotationStrategy.of(config.strategy()),
                config.sessionTtl(), ticker);
    }

    public static UpstreamPool fromConfig(PoolConfig config) {
        return fromConfig(config, Ticker.systemTicker());
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

    /** True when some upstream carries every one of {@code tags}. */
    public boolean hasUpstreamWithTags(List<String> tags) {
        return tags.isEmpty() || tagView(tags).members().length > 0;
    }

    /**
     * Picks an upstream and takes a slot on it (pair with {@link Upstream#finished}). With a session the pick is
     * sticky. Null when no upstream with the tags has a free slot.
     */
    public Upstream select(String session, List<String> tags) {
        View view = tags.isEmpty() ? all : tagView(tags);
        if (session != null) {
            return selectForSession(session, tags, view);
        }
        for (int i = 0; i < PICK_ATTEMPTS; i++) {
            Upstream u = view.selector().select();
            if (u == null) {
                return null;
            }
            if (u.tryStart()) {
                return u;
            }
        }
        return firstWithFreeSlot(view.members());
    }

    /** Picks without tags or session. */
    public Upstream select() {
        return select(null, List.of());
    }

    private Upstream selectForSession(String session, List<String> tags, View view) {
        String key = tags.isEmpty() ? session : session + "|" + String.join(",", tags);
        long hash = Rendezvous.sessionHash(session);
        for (int i = 0; i < PICK_ATTEMPTS; i++) {
            Upstream u = sessions.pick(key, hash, view.members(), view.equalWeights(),
                    m -> byName.get(m.name()) == m && hasTags(m, tags),
                    m -> !m.isSaturated());
            if (u == null) {
                return null;
            }
            if (u.tryStart()) {
                return u;
            }
        }
        return null;
    }

    /** All candidates saturated by the strategy's picks: look at each once, from a random place. */
    private static Upstream firstWithFreeSlot(Upstream[] members) {
        int n = members.length;
        if (n == 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int k = 0; k < n; k++) {
            Upstream u = members[(start + k) % n];
            if (u.tryStart()) {
                return u;
            }
        }
        return null;
    }

    private View tagView(List<String> tags) {
        View cached = tagViews.get(tags);
        if (cached != null) {
            return cached;
        }
        List<Upstream> members = new ArrayList<>();
        for (Upstream u : upstreams) {
            if (hasTags(u, tags)) {
                members.add(u);
            }
        }
        View v = viewOf(members);
        if (tagViews.size() < MAX_CACHED_VIEWS) {
            tagViews.put(List.copyOf(tags), v);
        }
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

    @Override
    public String toString() {
        return "pool " + name + " (" + upstreams.size() + " upstreams)";
    }
}
