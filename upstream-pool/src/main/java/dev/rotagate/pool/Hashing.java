package dev.rotagate.pool;

import java.nio.charset.StandardCharsets;

/** A 64-bit string hash that is the same in every JVM and on every machine (FNV-1a, then a murmur3 finaliser). */
public final class Hashing {

    private Hashing() {
    }

    public static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** murmur3's fmix64: spreads every input bit over the whole word. */
    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
