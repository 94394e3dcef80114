package dev.rotagate.pool.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.config.BansConfig;
import dev.rotagate.pool.Upstream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bans of (upstream, domain) pairs: a site that blocked an exit is avoided through that exit only, for a cool-down
 * that doubles on each repeat (at most {@code max-cooldown}). An entry is remembered for a max-cooldown past its end
 * so that a repeat offence is recognised; Caffeine's per-entry expiry forgets it after that.
 */
public final class DomainBans {

    private record Key(String upstream, String domain) {
    }

    private record Ban(long untilNanos, long cooldownNanos) {
    }

    private final Cache<Key, Ban> bans;
    private final Ticker ticker;
    private volatile long baseNanos;
    private volatile long maxNanos;

    public DomainBans(BansConfig config, Ticker ticker) {
        this.ticker = ticker;
        configure(config);
        this.bans = Caffeine.newBuilder()
                .maximumSize(1_000_000)
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(new Expiry<Key, Ban>() {
                    @Override
                    public long expireAfterCreate(Key key, Ban ban, long now) {
                        return Math.max(0, ban.untilNanos() - now) + maxNanos;
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Ban ban, long now, long currentDuration) {
                        return expireAfterCreate(key, ban, now);
                    }

                    @Override
                    public long expireAfterRead(Key key, Ban ban, long now, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** New cool-downs (a reload): for the next bans; bans in force keep their end. */
    public void configure(BansConfig config) {
        this.baseNanos = config.cooldown().toNanos();
        this.maxNanos = Math.max(baseNanos, config.maxCooldown().toNanos());
    }

    /** Told of every ban made here (not of those {@link #banFor} applies): what a cluster shares. */
    public interface Listener {
        void banned(String upstream, String domain, long cooldownNanos);
    }

    private volatile Listener listener = (u, d, c) -> { };

    public void onBan(Listener l) {
        this.listener = l;
    }

    /** Bans the pair; returns the cool-down in nanos (doubled when the pair was banned recently). */
    public long ban(Upstream upstream, String domain) {
        long now = ticker.read();
        String d = normalise(domain);
        Ban b = bans.asMap().compute(new Key(upstream.name(), d), (k, old) -> {
            long cooldown = old == null ? baseNanos : Math.min(maxNanos, old.cooldownNanos() * 2);
            return new Ban(now + cooldown, cooldown);
        });
        listener.banned(upstream.name(), d, b.cooldownNanos());
        return b.cooldownNanos();
    }

    /** A ban another gateway made, for the cool-down it has left; a longer one in force here stays. */
    public void banFor(String upstream, String domain, long remainingNanos) {
        if (remainingNanos <= 0) {
            return;
        }
        long now = ticker.read();
        bans.asMap().merge(new Key(upstream, normalise(domain)), new Ban(now + remainingNanos, remainingNanos),
                (old, remote) -> old.untilNanos() >= remote.untilNanos() ? old : remote);
    }

    public boolean isBanned(Upstream upstream, String domain) {
        if (domain == null) {
            return false;
        }
        Ban b = bans.getIfPresent(new Key(upstream.name(), normalise(domain)));
        return b != null && ticker.read() < b.untilNanos();
    }

    /** Bans in force, for reports. */
    public long activeCount(Upstream upstream) {
        long now = ticker.read();
        return bans.asMap().entrySet().stream()
                .filter(e -> e.getKey().upstream().equals(upstream.name()) && now < e.getValue().untilNanos()).count();
    }

    /** A ban in force: the domain and the cool-down left. */
    public record ActiveBan(String domain, long secondsLeft) {
    }

    /** Every ban in force by upstream name, longest cool-down first: one pass, for the status page. */
    public Map<String, List<ActiveBan>> active() {
        long now = ticker.read();
        Map<String, List<ActiveBan>> out = new HashMap<>();
        bans.asMap().forEach((k, b) -> {
            if (now < b.untilNanos()) {
                out.computeIfAbsent(k.upstream(), u -> new ArrayList<>())
                        .add(new ActiveBan(k.domain(), (b.untilNanos() - now) / 1_000_000_000L));
            }
        });
        out.values().forEach(l -> l.sort(Comparator.comparingLong(ActiveBan::secondsLeft).reversed()));
        return out;
    }

    private static String normalise(String domain) {
        return domain.toLowerCase(Locale.ROOT);
    }
}
