package org.meridian.broker;

import java.util.List;

/** The selection part of an entity query as the client wrote it (compact names, unparsed expressions). */
public record QueryRequest(List<String> ids, String idPattern, String type, String q, String scopeQ, String georel,
                           String geometry, String coordinates, String geoProperty, List<String> attrs) {
    public boolean isEmpty() {
        return ids == null && idPattern == null && type == null && q == null && scopeQ == null && georel == null
                && attrs == null;
    }
}
