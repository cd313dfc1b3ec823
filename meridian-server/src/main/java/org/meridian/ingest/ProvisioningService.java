package org.meridian.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meridian.broker.MeasurementWriter;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ingest.Device;
import org.meridian.core.ingest.DeviceHealth;
import org.meridian.core.ingest.ProvisioningParser;
import org.meridian.core.ingest.ServiceGroup;
import org.meridian.core.ingest.StoredDevice;
import org.meridian.core.ingest.StoredGroup;
import org.meridian.core.ingest.UnknownDevice;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.security.Caller;
import org.meridian.ingest.store.DeviceStore;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/** Provisioning of service groups and devices (the IoT Agent API, /iot/services and /iot/devices). */
public final class ProvisioningService {
    public static final int MAX_PER_REQUEST = 1000;

    private final Transactions transactions;
    private final DeviceStore store;
    private final TenantStore tenants;
    private final MeasurementWriter writer;
    private final Clock clock;

    ProvisioningService(Transactions transactions, DeviceStore store, TenantStore tenants, MeasurementWriter writer, Clock clock) {
        this.transactions = transactions;
        this.store = store;
        this.tenants = tenants;
        this.writer = writer;
        this.clock = clock;
    }

    /** Creates the groups of {@code {"services": [...]}} (or one group object), all or none; returns their keys. */
    public List<String> createGroups(Caller caller, JsonNode body, JsonLdContext context) {
        String tenant = caller.tenant();
        Instant now = clock.instant();
        List<ProvisioningParser.ParsedGroup> groups = new ArrayList<>();
        for (JsonNode element : elements(body, "services")) {
            groups.add(ProvisioningParser.serviceGroup(element, tenant, context, now));
        }
        groups.forEach(parsed -> writer.requireWritableType(caller, parsed.group().entityType()));
        List<String> hashes = groups.stream().map(parsed -> Secrets.hash(parsed.gatewaySecret())).toList();
        return transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                ProvisioningParser.ParsedGroup parsed = groups.get(i);
                if (!store.insertGroup(connection, parsed.group(), hashes.get(i), now)) {
                    throw new MeridianException(IngestError.API_KEY_TAKEN, "The API key " + parsed.group().apiKey() + " is taken");
                }
                keys.add(parsed.group().apiKey());
            }
            return keys;
        });
    }

    public List<StoredGroup> groups(Caller caller) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return store.groups(connection, tenant);
        });
    }

    public StoredGroup group(Caller caller, String apiKey) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> store.group(connection, apiKey)
                .filter(stored -> stored.group().tenant().equals(tenant))
                .orElseThrow(() -> new MeridianException(IngestError.SERVICE_GROUP_NOT_FOUND, "No service group with API key " + apiKey)));
    }

    /** A group with devices cannot go: their measurements would lose their meaning. */
    public void deleteGroup(Caller caller, String apiKey) {
        String tenant = caller.tenant();
        transactions.inTransaction(connection -> {
            if (store.group(connection, apiKey).filter(stored -> stored.group().tenant().equals(tenant)).isEmpty()) {
                throw new MeridianException(IngestError.SERVICE_GROUP_NOT_FOUND, "No service group with API key " + apiKey);
            }
            if (store.hasDevices(connection, apiKey)) {
                throw MeridianException.badData("The service group " + apiKey + " still has devices; delete them first");
            }
            store.deleteGroup(connection, tenant, apiKey);
            return null;
        });
    }

    /**
     * Creates the devices of {@code {"devices": [...]}} (or one device object), all or none, and then each device's
     * entity (type, static attributes, location) so it is on the map before its first measurement.
     */
    public List<String> createDevices(Caller caller, JsonNode body, JsonLdContext context) {
        String tenant = caller.tenant();
        Instant now = clock.instant();
        List<ProvisioningParser.ParsedDevice> parsed = new ArrayList<>();
        for (JsonNode element : elements(body, "devices")) {
            parsed.add(ProvisioningParser.device(element, tenant, context, now));
        }
        long passwords = parsed.stream().filter(candidate -> candidate.password() != null).count();
        if (passwords > MAX_PASSWORDS_PER_REQUEST) {
            throw MeridianException.badData(passwords + " devices have a password of their own; at most "
                    + MAX_PASSWORDS_PER_REQUEST + " per request (each is hashed slowly on purpose, about 0.1 s of CPU)");
        }
        // Hashed before the transaction, on every core: a slow hash per password must not hold locks.
        List<String> hashes = parsed.parallelStream().map(candidate -> Secrets.hash(candidate.password())).toList();
        Map<String, Entity> entities = new LinkedHashMap<>();
        List<String> created = transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            List<Device> devices = new ArrayList<>();
            for (ProvisioningParser.ParsedDevice candidate : parsed) {
                Device device = candidate.device();
                ServiceGroup group = store.group(connection, device.apiKey()).filter(g -> g.group().tenant().equals(tenant))
                        .orElseThrow(() -> MeridianException.badData("No service group with API key " + device.apiKey()
                                + " in this tenant; create it first (POST /iot/services)")).group();
                String type = device.entityType() != null ? device.entityType() : group.entityType();
                String entityId = device.entityId() != null ? device.entityId()
                        : ProvisioningParser.defaultEntityId(context.compactIri(type), device.deviceId());
                Device complete = new Device(tenant, device.deviceId(), device.apiKey(), entityId, type, device.attributes(),
                        device.staticAttributes(), device.explicitAttributes());
                devices.add(complete);
                ObjectNode attributes = group.staticAttributes().deepCopy();
                attributes.setAll(device.staticAttributes().deepCopy());
                entities.put(entityId, new Entity(entityId, List.of(type), List.of(), attributes, now, now));
            }
            writer.requireWritable(caller, entities.values());
            List<String> inserted = store.insertDevices(connection, devices, hashes, now);
            if (inserted.size() != devices.size()) {
                List<String> taken = devices.stream().map(Device::deviceId).filter(id -> !inserted.contains(id)).toList();
                throw new MeridianException(IngestError.DEVICE_EXISTS, "These devices already exist: " + taken);
            }
            return inserted;
        });
        writer.createMissing(caller, List.copyOf(entities.values()));
        return created;
    }

    public record DevicePage(List<StoredDevice> devices, long total) {
    }

    public DevicePage devices(Caller caller, int limit, int offset) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return new DevicePage(store.devices(connection, tenant, limit, offset), store.countDevices(connection, tenant));
        });
    }

    /** Per entity type: devices, those that reported since {@code since}, those that never did, messages taken and refused. */
    public List<DeviceHealth> health(Caller caller, java.time.Instant since) {
        return transactions.readOnly(connection -> store.health(connection, caller.tenant(), since));
    }

    public StoredDevice device(Caller caller, String deviceId) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> store.device(connection, tenant, deviceId)
                .orElseThrow(() -> new MeridianException(IngestError.DEVICE_NOT_FOUND, "No device " + deviceId)));
    }

    /** Deletes the device; its entity and history stay (they are the city's data, not the device's). */
    public void deleteDevice(Caller caller, String deviceId) {
        String tenant = caller.tenant();
        boolean deleted = transactions.inTransaction(connection -> store.deleteDevice(connection, tenant, deviceId));
        if (!deleted) {
            throw new MeridianException(IngestError.DEVICE_NOT_FOUND, "No device " + deviceId);
        }
    }

    public List<UnknownDevice> rejections(Caller caller, int limit) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> store.rejections(connection, tenant, limit));
    }

    /** Devices with a password of their own in one request: hashing each costs about 0.1 s of CPU. */
    static final int MAX_PASSWORDS_PER_REQUEST = 100;

    private static List<JsonNode> elements(JsonNode body, String member) {
        List<JsonNode> elements = new ArrayList<>();
        if (body != null && body.isObject() && body.has(member)) {
            JsonNode array = body.get(member);
            if (!array.isArray() || array.isEmpty() || array.size() > MAX_PER_REQUEST) {
                throw MeridianException.badData(member + " must be an array of 1 to " + MAX_PER_REQUEST + " elements");
            }
            array.forEach(elements::add);
        } else {
            elements.add(body);
        }
        return elements;
    }
}
