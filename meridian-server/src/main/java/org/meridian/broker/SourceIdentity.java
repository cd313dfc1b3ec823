package org.meridian.broker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.meridian.platform.db.Transactions;

/**
 * This broker as a context source (NGSI-LD clause 5.15, data type 5.2.40): an alias made at the first start and kept in
 * the database, so other nodes know it by one name across restarts; per tenant, as a tenant is a source of its own.
 */
public final class SourceIdentity {
    private final String alias;
    private final Instant started;
    private final Clock clock;

    public SourceIdentity(Transactions transactions, Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
        this.alias = transactions.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO source_identity (alias) VALUES (?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, "urn:meridian:node:" + UUID.randomUUID());
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT alias FROM source_identity");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    /** The alias of a tenant of this broker: the node's, with the tenant after it (the default tenant is the node's). */
    public String alias(String tenant) {
        return tenant == null || tenant.isEmpty() ? alias : alias + ":" + tenant;
    }

    /** GET /info/sourceIdentity: alias, uptime (ISO 8601), current time, and what kind of source this is. */
    public ObjectNode describe(String tenant) {
        Instant now = clock.instant();
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("id", "urn:ngsi-ld:ContextSourceIdentity:" + UUID.nameUUIDFromBytes(alias(tenant).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        identity.put("type", "ContextSourceIdentity");
        identity.put("contextSourceAlias", alias(tenant));
        identity.put("contextSourceUptime", Duration.between(started, now).withNanos(0).toString());
        identity.put("contextSourceTimeAt", now.toString());
        identity.putObject("contextSourceExtras").put("product", "Meridian").put("ngsiLdVersion", "1.8");
        return identity;
    }
}
