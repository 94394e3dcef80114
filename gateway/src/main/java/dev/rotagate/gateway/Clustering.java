package dev.rotagate.gateway;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.ClusterConfig;
import dev.rotagate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The Vert.x instance of a gateway: a plain one, or — with {@code cluster:} — a clustered one on Hazelcast, embedded,
 * joining its members over TCP on loopback or a private network (no multicast, no cloud discovery). Members are
 * told apart by the secret too: Hazelcast's cluster name carries a hash of it, so a member with another secret
 * forms a cluster of its own and never joins (Hazelcast's open-source edition has no member authentication); both
 * sides say so in their logs ({@link HazelcastLogging}).
 */
public final class Clustering {

    /**
     * Hazelcast's defaults where a gateway wants less: a split is looked for after 30 s and every 30 s (not 300 s and
     * 120 s), a member that sent no heartbeat for 30 s is gone (not 60 s). A {@code -Dhazelcast.…} system property of
     * the same name still wins (tests shorten them).
     */
    private static final Map<String, String> TIMINGS = Map.of(
            "hazelcast.merge.first.run.delay.seconds", "30",
            "hazelcast.merge.next.run.delay.seconds", "30",
            "hazelcast.max.no.heartbeat.seconds", "30");

    private Clustering() {
    }

    public static Future<Vertx> createVertx(GatewayConfig config) {
        ClusterConfig cluster = config.cluster();
        if (cluster == null) {
            try {
                return Future.succeededFuture(Transports.createVertx(config.server()));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        if (System.getProperty(HazelcastLogging.PROPERTY) == null) {
            System.setProperty(HazelcastLogging.PROPERTY, HazelcastLogging.class.getName()); // read by Hazelcast only
        }
        VertxOptions options = new VertxOptions();
        options.getEventBusOptions().setHost(cluster.bind().host()).setPort(0);
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(cluster)))
                .buildClustered();
    }

    static Config hazelcast(ClusterConfig cluster) {
        Config hz = ConfigUtil.loadConfig();
        hz.setClusterName(clusterName(cluster));
        HazelcastLogging.hide(clusterName(cluster), cluster.name() + "-<secret>");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        TIMINGS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                hz.setProperty(key, value);
            }
        });
        // the shared maps: one backup (a member that leaves loses nothing); after a split, the later update of a key wins
        hz.addMapConfig(new MapConfig("rotagate.cluster.*").setBackupCount(1).setPerEntryStatsEnabled(true)
                .setMergePolicyConfig(new MergePolicyConfig().setPolicy("LatestUpdateMergePolicy")));
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.local.localAddress", cluster.bind().host());
        NetworkConfig network = hz.getNetworkConfig();
        network.setPort(cluster.bind().port()).setPortAutoIncrement(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (HostAndPort member : cluster.members()) {
            join.getTcpIpConfig().addMember(member.toString());
        }
        return hz;
    }

    /** {@code name-<12 hex of sha256(secret)>}: the same for every member with the same name and secret. */
    static String clusterName(ClusterConfig cluster) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("rotagate-cluster\0" + cluster.secret()).getBytes(StandardCharsets.UTF_8));
            return cluster.name() + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
