package org.meridian.core.ingest;

/**
 * How one measurement key becomes an attribute.
 *
 * @param key the key in the device's payload (IoT Agent {@code object_id})
 * @param attribute the attribute's expanded name
 * @param type the value the key must carry
 * @param unitCode UN/CEFACT unit code, or null
 */
public record AttributeMapping(String key, String attribute, ValueType type, String unitCode) {
}
