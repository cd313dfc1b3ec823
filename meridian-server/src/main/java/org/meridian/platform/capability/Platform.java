package org.meridian.platform.capability;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.meridian.platform.bus.EventBus;
import org.meridian.platform.db.Database;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * What the platform gives every capability when it starts.
 *
 * @param host the interface the node listens on (HTTP, and the MQTT endpoint)
 * @param events the change stream
 * @param services what capabilities started before offer
 */
public record Platform(Environment environment, String host, Database database, Transactions transactions,
                       TenantStore tenants, EventBus events, Clock clock, MeterRegistry metrics, Services services) {
}
