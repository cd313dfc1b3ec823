package org.meridian.platform.capability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops parts in order, each on its own: one that fails to stop is logged and does not keep the others running. */
public final class Closing {
    private static final Logger LOG = LoggerFactory.getLogger(Closing.class);

    private Closing() {
    }

    /** Closes the parts in the order given; nulls (parts never started) are skipped. */
    public static void all(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
