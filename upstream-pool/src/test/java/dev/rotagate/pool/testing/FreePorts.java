package dev.rotagate.pool.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs of consecutive ports free on 127.0.0.1, for listeners on port ranges (port 0 cannot give a range). Free when
 * looked at: a test binds them at once, and the range is random, so two tests hardly ever meet.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** The first of {@code count} consecutive ports that are free on 127.0.0.1 now. */
    public static int consecutive(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports on 127.0.0.1");
    }

    private static boolean allFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
