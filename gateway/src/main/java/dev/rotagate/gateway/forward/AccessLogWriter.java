package dev.rotagate.gateway.forward;

import io.netty.util.internal.PlatformDependent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access-log lines off the event loops: an event loop offers a finished line to a bounded lock-free queue and
 * never waits — nor wakes anybody (a futex per line would cost more than the line); one thread drains the queue every
 * {@value #FLUSH_MILLIS} ms and writes what it found in batches. When the queue is full the line is dropped and counted, never
 * blocking traffic. Output: stdout, or a file opened for appending and reopened on {@link #reopen} (SIGUSR1, after
 * logrotate moved it).
 */
public final class AccessLogWriter implements Consumer<String>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
    private static final int CAPACITY = 64 * 1024;
    /** On stdout at most PIPE_BUF per write, so that our lines never interleave with another writer's. */
    private static final int STDOUT_BATCH = 4096;
    private static final int FILE_BATCH = 64 * 1024;
    static final long FLUSH_MILLIS = 10;
    private static final long FLUSH_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS);

    private final Queue<String> queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
    private final LongAdder dropped = new LongAdder();
    private final Path file;
    private final int batch;
    private final Thread thread;
    private volatile boolean reopenRequested;
    private volatile boolean closing;
    /** The writer thread's own. */
    private OutputStream out;
    private final byte[] buffer = new byte[FILE_BATCH + 8 * 1024];
    private int buffered;

    /** {@code file} null: stdout. */
    public AccessLogWriter(Path file) throws IOException {
        this.file = file;
        this.batch = file == null ? STDOUT_BATCH : FILE_BATCH;
        this.out = open();
        this.thread = new Thread(this::run, "rotagate-access-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues one line (without its newline); drops it if the queue is full. Any thread, never blocks. */
    @Override
    public void accept(String line) {
        if (!queue.offer(line)) {
            dropped.increment(); // 64 Ki lines in 10 ms: far beyond any event loop's request rate
        }
    }

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.sum();
    }

    /** Reopens the file (SIGUSR1): the next lines go to a file of that name, created if it was moved away. */
    public void reopen() {
        reopenRequested = true;
        LockSupport.unpark(thread);
    }

    /** Writes what is queued and stops. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    private OutputStream open() throws IOException {
        return file == null ? new FileOutputStream(FileDescriptor.out)
                : Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void run() {
        while (true) {
            if (reopenRequested) {
                reopenRequested = false;
                flush();
                reopenFile();
            }
            String line = queue.poll();
            if (line != null) {
                append(line.getBytes(StandardCharsets.UTF_8));
                continue;
            }
            flush();
            if (closing) {
                break;
            }
            LockSupport.parkNanos(this, FLUSH_PARK_NANOS);
        }
        if (file != null) {
            closeQuietly();
        }
    }

    private void append(byte[] line) {
        if (buffered + line.length + 1 > batch) {
            flush();
        }
        if (line.length + 1 > buffer.length) {
            write(line, line.length); // a line longer than a batch: on its own
            write(new byte[] {'\n'}, 1);
            return;
        }
        System.arraycopy(line, 0, buffer, buffered, line.length);
        buffered += line.length;
        buffer[buffered++] = '\n';
    }

    private void flush() {
        if (buffered > 0) {
            write(buffer, buffered);
            buffered = 0;
        }
    }

    private void write(byte[] bytes, int length) {
        try {
            out.write(bytes, 0, length);
        } catch (IOException e) {
            dropped.increment(); // a full disk or a closed stdout must not take the gateway down
        }
    }

    private void reopenFile() {
        if (file == null) {
            return;
        }
        closeQuietly();
        try {
            out = open();
            LOG.info("access log reopened: {}", file);
        } catch (IOException e) {
            LOG.warn("access log: cannot reopen {}: {}", file, e.toString());
            out = OutputStream.nullOutputStream();
        }
    }

    private void closeQuietly() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("access log: closing {}: {}", file, e.toString());
        }
    }
}
