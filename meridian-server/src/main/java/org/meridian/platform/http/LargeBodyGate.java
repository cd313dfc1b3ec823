package org.meridian.platform.http;

import io.javalin.http.Context;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.PlatformError;

/**
 * Bounds the memory that request bodies may take together. A JSON body costs many times its size while it is parsed
 * and turned into entities or history (measured: a 7.9 MiB temporal body held about 115 MB live, 14 times its size;
 * {@value #EXPANSION} leaves a margin), so two of
 * the largest allowed bodies at once exhausted a 384 MB heap and the server answered 500s and stopped answering
 * /health. Bodies above {@value #SMALL_BYTES} bytes reserve their expanded size from a budget of a third of the heap
 * before they are read, waiting up to {@value #WAIT_SECONDS} s for room, then 503 with Retry-After. Small bodies,
 * nearly all traffic, never wait.
 */
final class LargeBodyGate {
    static final long SMALL_BYTES = 256 * 1024;
    static final int EXPANSION = 20;
    static final long WAIT_SECONDS = 10;
    private static final String RESERVED = "meridian.reservedKiB";

    private final Semaphore kibibytes;
    private final int capacity;
    private final long maxBodyBytes;

    LargeBodyGate(long heapBytes, long maxBodyBytes) {
        this.capacity = (int) Math.max(1, heapBytes / 3 / 1024);
        this.kibibytes = new Semaphore(capacity, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Before a request: reserve for a large body (an unknown length counts as the largest allowed). */
    void enter(Context http) throws InterruptedException {
        long length = http.req().getContentLengthLong();
        if (length >= 0 && length <= SMALL_BYTES || !hasBody(http)) {
            return;
        }
        long body = length < 0 ? maxBodyBytes : Math.min(length, maxBodyBytes);
        int wanted = (int) Math.min(capacity, body * EXPANSION / 1024);
        if (!kibibytes.tryAcquire(wanted, WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new MeridianException(PlatformError.BUSY_READING_LARGE_BODIES, "The server is reading other large requests; send this one"
                    + " again shortly (bodies over " + SMALL_BYTES / 1024 + " KiB share a memory budget)");
        }
        http.attribute(RESERVED, wanted);
    }

    /** After a request, whatever happened in it. */
    void leave(Context http) {
        Integer reserved = http.attribute(RESERVED);
        if (reserved != null) {
            http.attribute(RESERVED, null);
            kibibytes.release(reserved);
        }
    }

    private static boolean hasBody(Context http) {
        String method = http.method().name();
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
